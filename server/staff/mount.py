"""Mounts the staff half on the app: database, schema gate, sign-in, waivers, dashboard, statements, equal-access.

Called by the factory only when a console database is configured (server/staff/switch.py). It registers the
provider the public waivers list reads; the public half never imports anything from here.
"""

from flask import Blueprint

from server.auth import wiring as auth
from server.db.session import get_session
from server.db.session import init_app as init_database
from server.console import features
from server.equal_access import views as equal_access
from server.public.waivers import PROVIDER_KEY
from server.staff import schema_gate
from server.staff.switch import SCHEMA_CHECK_KEY
from server.waivers import api as waivers_api
from server.waivers import lead_days
from server.waivers.serialise import public_view
from server.waivers.workflow import in_force

__all__ = ["OPENAPI_SCHEMAS", "SCHEMA_CHECK_KEY", "init_app"]
OPENAPI_SCHEMAS = equal_access.OPENAPI_SCHEMAS + waivers_api.OPENAPI_SCHEMAS
# The staff half's own templates (the page a closed console answers with).
bp = Blueprint("staff", __name__, template_folder="templates")


def waivers_in_force(agency_id, day):
    """The public list's provider: from the database, or a 503 naming why it cannot be read."""
    schema_gate.refuse_if_closed()
    return [public_view(waiver) for waiver in in_force(get_session(), agency_id, day)]


def init_app(app):
    """A database behind the code closes the staff half (503) and never the visitors; `db upgrade` opens it."""
    init_database(app)
    # First of the staff half's before_request hooks: a closed console answers before sign-in or CSRF run.
    schema_gate.init_app(app, check_now=app.config.get(SCHEMA_CHECK_KEY, True))
    auth.init_app(app)
    lead_days.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(waivers_api.bp)
    app.register_blueprint(equal_access.bp)
    # A staff endpoint among the /v1 paths: closed (JSON 503) while the database is behind, as the console is.
    app.before_request_funcs.setdefault(equal_access.bp.name, []).append(schema_gate.refuse_if_closed)
    equal_access.init_app(app)
    app.extensions[PROVIDER_KEY] = waivers_in_force
    features.init_app(app)
