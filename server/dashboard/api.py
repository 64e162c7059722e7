"""The dashboard's JSON twins under /console/api/: the matrix, an agency's runs, a run's full report."""

from flask import Blueprint
from flask import jsonify
from flask import request

from server.auth.identity import current_user
from server.auth.decorators import requires
from server.auth.roles import READERS
from server.console import notices
from server.dashboard import queries
from server.dashboard.filters import matrix_filters
from server.dashboard.schemas import AGENCY_MATRIX
from server.dashboard.schemas import AGENCY_RUN_LIST
from server.dashboard.schemas import AGENCY_RUNS
from server.dashboard.schemas import LIST_AGENCIES
from server.dashboard.schemas import RUN_REPORT
from server.dashboard.schemas import SHOW_RUN
from server.db.session import get_session
from server.errors import ApiError
from server.openapi import documented
from server.registry import get_registry

bp = Blueprint("dashboard_api", __name__, url_prefix="/console/api")
MAX_DAYS = 3660


@bp.get("/agencies")
@requires(*READERS)
@documented(get=LIST_AGENCIES)
def list_agencies():
    """The matrix as data: each visible agency's newest finished run and its verdicts; the page's filters."""
    user, registry = current_user(), get_registry()
    chosen = matrix_filters(request.args, registry, user)
    agencies = queries.visible_agencies(registry, user, chosen["secretariat"] or None)
    rows, columns = queries.matrix(get_session(), agencies, chosen["clause"] or None, chosen["failing"])
    return jsonify(AGENCY_MATRIX.dump({"clauses": columns, "agencies": rows}))


@bp.get("/agencies/<agency_id>/runs")
@requires(*READERS)
@documented(get=AGENCY_RUNS)
def agency_runs(agency_id):
    """The agency's runs of the last `days` days (default 365), newest first."""
    raw = request.args.get("days", str(queries.HISTORY_DAYS))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise ApiError(422, "invalid", f"days: {raw!r} must be a whole number from 1 to {MAX_DAYS}.", "days")
    user = current_user()
    if not user.sees_agency(agency_id) or get_registry().agencies.get(agency_id) is None:
        raise ApiError(404, "not_found", "There is nothing at this address.")
    db = get_session()
    runs = queries.agency_runs(db, user, agency_id, days=int(raw))
    return jsonify(AGENCY_RUN_LIST.dump({"agency": agency_id, "runs": list(reversed(runs)),
                                         "unchecked_pages": notices.unchecked_pages(db, agency_id)}))


@bp.get("/runs/<run_id>")
@requires(*READERS)
@documented(get=SHOW_RUN)
def show_run(run_id):
    """A run's full report: its summary, then every page with findings, evidence and screenshot links."""
    return jsonify(RUN_REPORT.dump(queries.get_run(get_session(), current_user(), run_id)))
