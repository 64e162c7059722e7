"""The dashboard's JSON twins under /console/api/: the matrix, an agency's runs, a run's full report."""

from flask import Blueprint
from flask import jsonify
from flask import request
from flask import url_for

from server.auth import current_user
from server.auth import requires
from server.auth.roles import READERS
from server.console import notices
from server.dashboard import queries
from server.dashboard.coverage import coverage
from server.dashboard.coverage import shown_verdicts
from server.dashboard.filters import matrix_filters
from server.dashboard.schemas import AGENCY_RUNS
from server.dashboard.schemas import LIST_AGENCIES
from server.dashboard.schemas import SHOW_RUN
from server.db import get_session
from server.db.clock import iso_instant
from server.errors import ApiError
from server.openapi import documented
from server.registry import get_registry

bp = Blueprint("dashboard_api", __name__, url_prefix="/console/api")
MAX_DAYS = 3660


def _instant(value):
    return iso_instant(value) if value else None


def run_summary(run):
    """A run as the lists give it: when, how, how many pages, the worst verdict of each clause."""
    return {"id": run.id, "agency": run.agency_id, "trigger": run.trigger, "state": run.state,
            "started_at": _instant(run.started_at), "finished_at": _instant(run.finished_at),
            "pages_total": run.pages_total, "pages_failed": run.pages_failed, "checked": coverage(run),
            "verdicts": shown_verdicts(run),
            "href": url_for("dashboard.run", run_id=run.id)}


def page_report(page):
    """A checked page with its findings and links to its screenshots."""
    return {"url": page.url, "state": page.state, "checked_at": _instant(page.checked_at), "seconds": page.seconds,
            "error": page.error,
            "findings": [{"clause": finding.clause, "verdict": finding.verdict, "reason": finding.reason,
                          "evidence": finding.evidence, "waiver": finding.waiver_id} for finding in page.findings],
            "screenshots": [{"label": shot.label, "taken_at": _instant(shot.taken_at),
                             "href": url_for("dashboard.screenshot", shot_id=shot.id)} for shot in page.screenshots]}


@bp.get("/agencies")
@requires(*READERS)
@documented(get=LIST_AGENCIES)
def list_agencies():
    """The matrix as data: each visible agency's newest finished run and its verdicts; the page's filters."""
    user, registry = current_user(), get_registry()
    chosen = matrix_filters(request.args, registry, user)
    agencies = queries.visible_agencies(registry, user, chosen["secretariat"] or None)
    rows, columns = queries.matrix(get_session(), agencies, chosen["clause"] or None, chosen["failing"])
    return jsonify({"clauses": columns, "agencies": [
        {"id": agency.id, "name": agency.name, "secretariat": agency.secretariat,
         "latest_run": run_summary(run) if run else None, "verdicts": verdicts}
        for agency, run, verdicts in rows]})


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
    unchecked = [notices.unchecked_view(flag, error, url_for("dashboard.run", run_id=flag.run_id))
                 for flag, error in notices.unchecked_pages(db, agency_id)]
    return jsonify({"agency": agency_id, "runs": [run_summary(run) for run in reversed(runs)],
                    "unchecked_pages": unchecked})


@bp.get("/runs/<run_id>")
@requires(*READERS)
@documented(get=SHOW_RUN)
def show_run(run_id):
    """A run's full report: its summary, then every page with findings, evidence and screenshot links."""
    db = get_session()
    run = queries.get_run(db, current_user(), run_id)
    return jsonify({**run_summary(run), "browser": run.browser, "pages": [page_report(page) for page in run.pages],
                    "regressions": [notices.regression_view(r) for r in notices.run_regressions(db, run.id)]})
