"""What the dashboard reads from the monitoring history: few queries, each served by an index.

The matrix reads one row per agency (its newest finished run, whose `verdicts` hold the worst verdict of each
clause), the agency page one agency's runs over a period, the run page one run's pages and findings.
"""

import re
from datetime import datetime
from datetime import timedelta

from sqlalchemy import String
from sqlalchemy import column
from sqlalchemy import select
from sqlalchemy import values
from sqlalchemy.orm import aliased
from sqlalchemy.orm import selectinload

from server.auth.decorators import require_agency
from server.core.clauses import ordered_clauses
from server.dashboard import coverage
from server.db.clock import today as commonwealth_today
from server.db.clock import utcnow
from server.errors import ApiError
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun
from server.waivers import workflow
from server.waivers.models import Waiver

# "not-checked": the run could not check the page(s) a pass would vouch for; None: no check reported the clause.
VERDICT_WORDS = {"pass": "Pass", "fail": "Fail", "waived": "Waived", "unknown": "Unknown",
                "not-checked": "Not checked", None: "Not checked"}
HISTORY_DAYS = 365


def visible_agencies(registry, user, secretariat=None):
    """The agencies this user may see (an agency-limited iso: only theirs), optionally of one secretariat."""
    agencies = [agency for agency in registry.agencies.values() if user.sees_agency(agency.id)]
    if secretariat:
        agencies = [agency for agency in agencies if (agency.secretariat or "") == secretariat]
    return sorted(agencies, key=lambda agency: agency.name.lower())


def latest_runs(db, agency_ids):
    """{agency id: its newest finished run (a row)} for these agencies.

    One index seek per agency (agency_id, started_at descending, LIMIT 1) instead of a GROUP BY over every
    run ever made: a year of daily runs for 500 agencies is 182,500 rows, the answer 500.
    """
    if not agency_ids:
        return {}
    # A CTE (WITH wanted(agency_id) AS (VALUES …)): SQLite has no column list on a VALUES alias in FROM.
    wanted = values(column("agency_id", String(64)), name="wanted").data(
        [(agency_id,) for agency_id in agency_ids]).cte("wanted")
    earlier = aliased(MonitoringRun)
    newest = (select(earlier.id).where(earlier.agency_id == wanted.c.agency_id, earlier.state == "done")
              .order_by(earlier.started_at.desc()).limit(1).correlate(wanted).scalar_subquery())
    # Plain rows (same attribute names as the model): no ORM identity bookkeeping for 500 read-only runs.
    runs = MonitoringRun.__table__
    rows = db.execute(select(*runs.c).where(runs.c.id.in_(select(newest).select_from(wanted))))
    return {run.agency_id: run for run in rows}


def matrix(db, agencies, clause=None, failing_only=False):
    """Rows of (agency, newest run or None, {clause: verdict}) and the clause columns, filters applied."""
    runs = latest_runs(db, [agency.id for agency in agencies])
    rows = [(agency, runs.get(agency.id), coverage.shown_verdicts(runs[agency.id]) if agency.id in runs else {})
            for agency in agencies]
    columns = ordered_clauses(clause_name for _agency, _run, verdicts in rows for clause_name in verdicts)
    if clause:
        columns = [clause]
    if failing_only:
        rows = [row for row in rows if any(row[2].get(column) == "fail" for column in columns)]
    return rows, columns


def agency_runs(db, user, agency_id, days=HISTORY_DAYS, now=None):
    """The agency's runs (rows) of the last `days` days, oldest first (404 for an agency the user may not see)."""
    agency_id_or_404(user, agency_id)
    since = (now or utcnow()) - timedelta(days=days)
    runs = MonitoringRun.__table__
    return list(db.execute(select(*runs.c).where(runs.c.agency_id == agency_id, runs.c.started_at >= since)
                           .order_by(runs.c.started_at)))


def runs_between(db, agency_id, start: datetime, end: datetime):
    """The agency's finished runs started in [start, end), oldest first."""
    return list(db.scalars(select(MonitoringRun).where(MonitoringRun.agency_id == agency_id,
                                                       MonitoringRun.state == "done",
                                                       MonitoringRun.started_at >= start,
                                                       MonitoringRun.started_at < end)
                           .order_by(MonitoringRun.started_at)))


NOT_FOUND = "There is nothing at this address."
AGENCY_ID = re.compile(r"[a-z0-9-]{1,64}")
LARGEST_ID = 2**31 - 1  # PostgreSQL's integer: a larger number would be a database error, not a 404


def row_id(value):
    """A path's id as a number the database can hold; anything else is a 404."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApiError(404, "not_found", NOT_FOUND) from None
    if not 1 <= number <= LARGEST_ID:
        raise ApiError(404, "not_found", NOT_FOUND)
    return number


def agency_id_or_404(user, agency_id):
    """An agency id the user may see and that could exist (no NUL or other byte reaches the database)."""
    if not AGENCY_ID.fullmatch(agency_id or ""):
        raise ApiError(404, "not_found", NOT_FOUND)
    require_agency(user, agency_id)
    return agency_id


def get_run(db, user, run_id):
    """One run with its pages, findings and screenshots loaded; 404 when absent or not the user's agency."""
    number = row_id(run_id)
    run = db.scalar(select(MonitoringRun).where(MonitoringRun.id == number)
                    .options(selectinload(MonitoringRun.pages).selectinload(MonitoredPage.findings),
                             selectinload(MonitoringRun.pages).selectinload(MonitoredPage.screenshots)))
    if run is None:
        raise ApiError(404, "not_found", NOT_FOUND)
    require_agency(user, run.agency_id)
    return run


def waivers_in_force(db, agency_ids, today=None):
    """(agency id, waiver) of the waivers in force today for these agencies, in one query."""
    if not agency_ids:
        return []
    day = today or commonwealth_today()
    query = select(Waiver).where(Waiver.starts <= day).order_by(Waiver.agency_id, Waiver.id)
    if len(agency_ids) <= 1000:
        query = query.where(Waiver.agency_id.in_(agency_ids))
    wanted = set(agency_ids)
    return [(waiver.agency_id, waiver) for waiver in db.scalars(query)
            if waiver.agency_id in wanted and workflow.state(waiver, day) == "in-force"]

