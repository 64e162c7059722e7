"""A statement of compliance for an agency and period, assembled from the monitoring history.

The same content is shown as HTML (for print), rendered as PDF, and digested: an ISO's signature keeps the
digest of what was signed, so a later change of history shows as "the signed statement no longer matches".
"""

import hashlib
import json
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select

from server.dashboard import queries
from server.dashboard.chart import bands
from server.dashboard.coverage import coverage
from server.db.clock import commonwealth_day
from server.db.clock import commonwealth_midnight
from server.db.clock import today as commonwealth_today
from server.errors import ApiError
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun
from server.statements.models import StatementSignature
from server.waivers import workflow
from server.waivers.models import Waiver

DEFAULT_DAYS = 90
MAX_DAYS = 3660


@dataclass
class Statement:
    """Everything a statement says, in the order it says it."""

    agency_id: str
    agency_name: str
    secretariat: str | None
    period_from: date
    period_to: date
    runs: int
    pages: list  # (url, times checked, last checked)
    clauses: list  # chart bands: each clause's bars of equal verdicts over the period
    waivers: list
    open_failures: list
    signatures: list = field(default_factory=list)
    pages_not_checked: list = field(default_factory=list)  # (url, times not checked, last tried)
    days_not_checked: list = field(default_factory=list)  # (first day, last day): stretches with no page checked
    last_check: str = "all"  # how much of its pages the period's last check checked: "all", "partly", "none"

    @property
    def unchecked_days(self):
        """How many days of the period no page was checked."""
        return sum((last - first).days + 1 for first, last in self.days_not_checked)

    @property
    def gaps(self):
        """True when a page or a day of the period was not checked: the statement cannot vouch for it."""
        return bool(self.pages_not_checked or self.days_not_checked or self.last_check != "all")

    def digest(self):
        """sha256 of the statement's content (not its signatures): what an ISO's signature vouches for."""
        content = {
            "agency": self.agency_id, "from": self.period_from.isoformat(), "to": self.period_to.isoformat(),
            "runs": self.runs, "pages": [[url, count] for url, count, _last in self.pages],
            "clauses": [[band.clause, [[bar.verdict, bar.first.isoformat(), bar.last.isoformat(), bar.runs]
                                       for bar in band.bars]] for band in self.clauses],
            "waivers": [waiver.id for waiver in self.waivers],
            "open_failures": [[finding.url, finding.clause, finding.reason] for finding in self.open_failures],
        }
        if self.gaps:  # only then: the digest of a statement without gaps stays what it was before gaps were kept
            content["not_checked"] = {"pages": [[url, count] for url, count, _last in self.pages_not_checked],
                                      "days": [[first.isoformat(), last.isoformat()]
                                               for first, last in self.days_not_checked],
                                      "last_check": self.last_check}
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


# Days a statement may name: far enough out for any real period, near enough that date arithmetic never
# overflows (9999-12-31 + 1 day was a 500).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)


def _day(args, name, default):
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise ApiError(422, "invalid", f"{name}: {raw!r} is not a date (YYYY-MM-DD).", name) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ApiError(422, "invalid", f"{name}: {raw!r} is outside {FIRST_DAY.isoformat()} to "
                       f"{LAST_DAY.isoformat()}.", name)
    return day


def period(args, today=None):
    """The period asked for by ?from=&to= (default: the 90 days up to today); a bad one is a 422 naming it."""
    end = _day(args, "to", today or commonwealth_today())
    start = _day(args, "from", end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise ApiError(422, "invalid", f"from: {start.isoformat()!r} is after to ({end.isoformat()}).", "from")
    if (end - start).days >= MAX_DAYS:
        raise ApiError(422, "invalid", f"from: {start.isoformat()!r} is more than {MAX_DAYS} days before to.", "from")
    return start, end


def _bounds(start, end):
    """The period's Commonwealth days as stored UTC instants [first midnight, midnight after the last day)."""
    return commonwealth_midnight(start), commonwealth_midnight(end + timedelta(days=1))


def _waivers_in_force_during(db, agency_id, start, end):
    """The agency's waivers in force on at least one day of the period."""
    waivers = db.scalars(select(Waiver).where(Waiver.agency_id == agency_id, Waiver.starts <= end)
                         .order_by(Waiver.id)).all()
    return [waiver for waiver in waivers if (waiver.ends is None or waiver.ends >= start)
            and workflow.state(waiver, max(start, waiver.starts)) == "in-force"]


def _pages_with_state(db, agency_id, low, high, state):
    """(url, how many times, last time) of the agency's pages in that state, in runs started in [low, high)."""
    return [tuple(row) for row in db.execute(
        select(MonitoredPage.url, func.count(), func.max(MonitoredPage.checked_at))
        .join(MonitoringRun).where(MonitoringRun.agency_id == agency_id, MonitoringRun.started_at >= low,
                                   MonitoringRun.started_at < high, MonitoredPage.state == state)
        .group_by(MonitoredPage.url).order_by(MonitoredPage.url))]


def _days_not_checked(runs, start, end, today):
    """Stretches (first, last) of the period's days, up to today, on which no check checked any page."""
    checked = {commonwealth_day(run.started_at) for run in runs if coverage(run) != "none"}
    stretches, day = [], start
    while day <= min(end, today):
        if day not in checked:
            if stretches and stretches[-1][1] == day - timedelta(days=1):
                stretches[-1] = (stretches[-1][0], day)
            else:
                stretches.append((day, day))
        day += timedelta(days=1)
    return stretches


def build(db, user, agency_id, agency, start, end):
    """The statement of `agency_id` for the days start..end (404 for an agency outside the user's)."""
    queries.agency_id_or_404(user, agency_id)
    low, high = _bounds(start, end)
    runs = queries.runs_between(db, agency_id, low, high)
    pages = _pages_with_state(db, agency_id, low, high, "done")
    open_failures = []
    if runs:
        open_failures = list(db.scalars(select(Finding).where(Finding.run_id == runs[-1].id, Finding.verdict == "fail")
                                        .order_by(Finding.url, Finding.clause)))
    signatures = list(db.scalars(select(StatementSignature).where(
        StatementSignature.agency_id == agency_id, StatementSignature.period_from == start,
        StatementSignature.period_to == end).order_by(StatementSignature.signed_at)))
    return Statement(agency_id=agency_id, agency_name=agency.name if agency else agency_id,
                     secretariat=agency.secretariat if agency else None, period_from=start, period_to=end,
                     runs=len(runs), pages=pages, clauses=bands(runs, low, high),
                     waivers=_waivers_in_force_during(db, agency_id, start, end), open_failures=open_failures,
                     signatures=signatures, pages_not_checked=_pages_with_state(db, agency_id, low, high, "failed"),
                     days_not_checked=_days_not_checked(runs, start, end, commonwealth_today()),
                     last_check=coverage(runs[-1]) if runs else "none")


def sign(db, user, statement, digest, title, notes):
    """Record the ISO's signature of exactly this statement; a digest from an older view is a 409."""
    if digest != statement.digest():
        raise ApiError(409, "changed", "The history of this period changed since the statement was opened: "
                                       "open it again, read it, then sign.", "digest")
    signature = StatementSignature(agency_id=statement.agency_id, period_from=statement.period_from,
                                   period_to=statement.period_to, signer_id=user.id, title=title or None,
                                   notes=notes or None, digest=digest)
    db.add(signature)
    db.commit()
    return signature
