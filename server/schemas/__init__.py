"""Marshmallow schemas of the HTTP API's shapes (the agency file's schema is the core's, server/core/agency_schema.py)."""
