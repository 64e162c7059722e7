"""Wires the staff half into the app: database, sign-in, waiver registry and their endpoints."""

from server import auth
from server import db
from server.public import waivers as public_waivers
from server.waivers import api as api_waivers
from server.waivers import lead_days

SCHEMA_CHECK_KEY = "DATABASE_SCHEMA_CHECK"
OPENAPI_SCHEMAS = api_waivers.OPENAPI_SCHEMAS


def init_app(app):
    """Refuse a database behind the code (except for `db upgrade`); the visitor endpoints never open it."""
    db.init_app(app)
    if app.config.get(SCHEMA_CHECK_KEY, True):
        db.check_schema(app)
    auth.init_app(app)
    lead_days.init_app(app)
    app.register_blueprint(public_waivers.bp)
    app.register_blueprint(api_waivers.bp)
