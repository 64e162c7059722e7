"""The monitoring dashboard: agencies × clauses at /console/, an agency's history, a run's full report."""

from datetime import timedelta
from functools import lru_cache

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import render_template
from flask import request
from flask import url_for
from markupsafe import Markup

from server.auth.identity import current_user
from server.auth.decorators import requires
from server.auth.decorators import require_agency
from server.auth.roles import READERS
from server.auth.views import CONSOLE_HOME_KEY
from server.console import notices
from server.core.clauses import CLAUSE_NAMES
from server.core.clauses import clause_title
from server.core.clauses import ordered_clauses
from server.dashboard import api as dashboard_api
from server.dashboard import metrics_view
from server.dashboard import queries
from server.dashboard.chart import chart
from server.dashboard.counts_chart import DAYS as COUNT_DAYS
from server.dashboard.counts_chart import counts_chart
from server.dashboard.visitor_counts import daily
from server.dashboard.coverage import coverage
from server.dashboard.coverage import shown_verdicts
from server.dashboard.filters import matrix_filters
from server.dashboard.queries import VERDICT_WORDS
from server.db.session import get_session
from server.db.clock import today
from server.db.clock import utcnow
from server.errors import ApiError
from server.monitoring.models import MonitoringRun
from server.monitoring.models import Screenshot
from server.monitoring.screenshots import screenshot_bytes
from server.monitoring.settings import settings_for
from server.registry import get_registry

bp = Blueprint("dashboard", __name__, url_prefix="/console", template_folder="templates")
# Beside a run's time in the matrix: what it could not check.
COVERAGE_NOTES = {"all": None, "partly": "some pages not checked", "none": "no page could be checked"}


@bp.app_template_filter("verdict_words")
def verdict_words(verdict):
    """A verdict as a reader says it ("Not checked" for none, or for a page the run could not check)."""
    return VERDICT_WORDS.get(verdict, verdict)


@bp.app_template_filter("coverage")
def run_coverage(run):
    """"all", "partly" or "none" of the run's pages checked."""
    return coverage(run)


@bp.app_template_filter("shown_verdicts")
def run_shown_verdicts(run):
    """The run's verdicts with "not-checked" where a page it could not check leaves a clause unproven."""
    return shown_verdicts(run)


@bp.app_template_filter("clause_name")
def clause_name(clause):
    """A clause's number with what it asks, e.g. "2.2 Cookie lifetime at most 2 years"."""
    return clause_title(clause)


@bp.errorhandler(ApiError)
def error_page(error):
    """A refusal as a console page a person can read; the status is kept."""
    return render_template("console/dashboard_error.html", error=error), error.status


@requires(*READERS)
def index():
    """The matrix: each visible agency's newest verdict per clause, in words and colour, and waivers in force."""
    user, db, registry = current_user(), get_session(), get_registry()
    try:
        chosen = matrix_filters(request.args, registry, user)
    except ApiError as error:
        # This view is served by the auth blueprint (/console/): its refusals get this module's page here.
        return error_page(error)
    agencies = queries.visible_agencies(registry, user, chosen["secretariat"] or None)
    rows, columns = queries.matrix(db, agencies, chosen["clause"] or None, chosen["failing"])
    filtered = bool(chosen["secretariat"] or chosen["clause"] or chosen["failing"])
    return render_template("console/dashboard.html", rows=matrix_cells(rows, columns), columns=columns,
                           chosen=chosen, clauses=CLAUSE_NAMES, filtered=filtered,
                           waivers=queries.waivers_in_force(db, [agency.id for agency in agencies]))


def matrix_cells(rows, columns):
    """The matrix's rows as plain strings, built once here: 500 agencies × 9 clauses stay fast to render."""
    agency_base = url_for("dashboard.agency", agency_id="ID").removesuffix("ID")
    run_base = url_for("dashboard.run", run_id="0").removesuffix("0")
    cells = []
    for agency, run, verdicts in rows:
        cells.append({
            "name": agency.name, "secretariat": agency.secretariat, "href": agency_base + agency.id,
            "run_href": run_base + str(run.id) if run else None,
            "started": run.started_at.strftime("%Y-%m-%d %H:%M UTC") if run else None,
            "started_iso": run.started_at.replace(microsecond=0).isoformat() + "Z" if run else None,
            "unchecked": COVERAGE_NOTES[coverage(run)] if run else None,
            "cells": Markup("".join(verdict_cell(verdicts.get(column)) for column in columns))})
    return cells


@lru_cache(maxsize=64)
def verdict_cell(verdict):
    """One cell of the matrix as markup, made once per verdict (the verdict text is escaped here)."""
    words = VERDICT_WORDS.get(verdict, verdict)
    return str(Markup('<td><span class="verdict verdict-{}">{}</span></td>').format(verdict or "none", words))


@bp.get("/agencies/<agency_id>")
@requires(*READERS)
def agency(agency_id):
    """One agency: its history over the last year as a chart, its runs newest first, its waivers in force."""
    user, db = current_user(), get_session()
    runs = queries.agency_runs(db, user, agency_id)
    the_agency = get_registry().agencies.get(agency_id)
    if the_agency is None and not runs:
        raise ApiError(404, "not_found", "There is nothing at this address.")
    end = utcnow()
    drawn = chart(runs, end - timedelta(days=queries.HISTORY_DAYS), end)
    return render_template("console/dashboard_agency.html", agency=the_agency, agency_id=agency_id,
                           runs=list(reversed(runs)), chart=drawn, waivers=queries.waivers_in_force(db, [agency_id]),
                           unchecked=notices.unchecked_pages(db, agency_id),
                           counts=counts_chart(daily(db, agency_id, COUNT_DAYS, today())),
                           may_sign=user.has_role("iso"))


@bp.get("/runs/<run_id>")
@requires(*READERS)
def run(run_id):
    """A run's full report: every page, every finding with its reason and evidence, its screenshots."""
    the_run = queries.get_run(get_session(), current_user(), run_id)
    the_agency = get_registry().agencies.get(the_run.agency_id)
    return render_template("console/dashboard_run.html", run=the_run, agency=the_agency,
                           regressions=notices.run_regressions(get_session(), the_run.id),
                           clauses=ordered_clauses(shown_verdicts(the_run)))


@bp.get("/screenshots/<int:shot_id>")
@requires(*READERS)
def screenshot(shot_id):
    """A stored screenshot's PNG, for staff who may see its agency."""
    db = get_session()
    shot = db.get(Screenshot, queries.row_id(shot_id))
    if shot is None:
        raise ApiError(404, "not_found", "There is nothing at this address.")
    require_agency(current_user(), db.get(MonitoringRun, shot.run_id).agency_id)
    png = screenshot_bytes(settings_for(current_app), shot)
    if png is None:
        raise ApiError(404, "not_found", "This screenshot is past its retention period.")
    return Response(png, mimetype=shot.media_type, headers={"Cache-Control": "private, max-age=3600"})


def init_app(app):
    """Register the pages and their JSON twins; the console's landing page becomes the matrix."""
    app.register_blueprint(bp)
    app.register_blueprint(dashboard_api.bp)
    app.register_blueprint(metrics_view.bp)
    app.extensions[CONSOLE_HOME_KEY] = index
