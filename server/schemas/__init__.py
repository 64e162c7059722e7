"""Marshmallow schemas: the single source of agency configuration and of the API's shapes."""
