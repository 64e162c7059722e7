"""GET /metrics for Prometheus with a staff token (admin or auditor); without one, 401 like every staff API."""

from flask import Blueprint
from flask import current_app

from server.auth.decorators import requires
from server.auth.roles import ADMIN
from server.auth.roles import AUDITOR
from server.metrics import exposition

# Not documented in /openapi.json: it is for an operator's scraper, not for agency sites.
bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
@requires(ADMIN, AUDITOR)
def metrics():
    """The counters summed over every worker, in Prometheus' text format; never cached."""
    response = current_app.response_class(exposition.latest(), content_type=exposition.CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-store"
    return response
