"""GET /v1/AGENCY/waivers: the waivers in force today, scope and dates only (QA and monitoring read it)."""

from flask import Blueprint
from flask import jsonify

from server.waivers.schemas import PUBLIC_WAIVERS
from server.db import get_session
from server.db.clock import today
from server.openapi import documented
from server.registry import get_agency_or_404
from server.waivers.serialise import public_view
from server.waivers.workflow import in_force

bp = Blueprint("waivers", __name__, url_prefix="/v1/<agency_id>")


@bp.get("/waivers")
@documented(get=PUBLIC_WAIVERS)
def waivers_in_force(agency_id):
    """Public and anonymous, read from the database; no visitor's page depends on it."""
    agency = get_agency_or_404(agency_id)
    day = today()
    body = {"agency": agency.id, "date": day.isoformat(),
            "waivers": [public_view(waiver) for waiver in in_force(get_session(), agency.id, day)]}
    response = jsonify(body)
    # In force "today": a shared cache must not serve yesterday's list for long.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
