"""Marshmallow schemas of the HTTP API's shapes (the agency file's own is server/core/agency_schema.py)."""
