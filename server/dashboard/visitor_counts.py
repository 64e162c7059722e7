"""Visitor counts past restarts: snapshots of the service's per-agency counters, and their increase per day.

A process beside gunicorn's workers (server/commands/snapshots.py, started by the master) takes a snapshot
every CONSENT_METRICS_SNAPSHOT_SECONDS and once at shutdown, writing only the agencies whose counts moved.
A master counts from zero, so its rows are one series; a day's count is the sum, over series, of the
increases between consecutive rows (a series' first row is its increase from zero), credited to the
Commonwealth day the later row was taken on.
"""

import logging
from dataclasses import dataclass
from datetime import date
from datetime import timedelta

from sqlalchemy import select

from server.dashboard.models import VisitorCount
from server.db.clock import commonwealth_day
from server.db.clock import commonwealth_midnight
from server.db.clock import utcnow
from server.db.session import session_for

log = logging.getLogger("server")
FIELDS = ("banner_loads", "opt_outs", "withdrawals")


@dataclass(frozen=True)
class DayCounts:
    """One agency's counts on one Commonwealth day."""

    day: date
    banner_loads: int
    opt_outs: int
    withdrawals: int

    @property
    def opt_out_rate(self):
        """Opt-outs per banner load that day (None without loads): the share of page views that opted out."""
        return self.opt_outs / self.banner_loads if self.banner_loads else None


def store(db, series, totals, previous, now=None):
    """Write a row per agency whose totals differ from `previous` (the last stored); the totals now stored."""
    now = now or utcnow()
    changed = {agency: counts for agency, counts in totals.items() if counts != previous.get(agency)}
    db.add_all(VisitorCount(agency_id=agency, series=series, taken_at=now, **counts)
               for agency, counts in sorted(changed.items()))
    db.commit()
    return {**previous, **changed}


def daily(db, agency_id, days, today):
    """The agency's counts for each of the `days` Commonwealth days up to `today`, oldest first (zeros included)."""
    first_day = today - timedelta(days=days - 1)
    since = commonwealth_midnight(first_day)
    recent = select(VisitorCount.series).where(VisitorCount.agency_id == agency_id, VisitorCount.taken_at >= since)
    rows = db.execute(select(VisitorCount.series, VisitorCount.taken_at, VisitorCount.banner_loads,
                             VisitorCount.opt_outs, VisitorCount.withdrawals)
                      .where(VisitorCount.agency_id == agency_id, VisitorCount.series.in_(recent))
                      .order_by(VisitorCount.series, VisitorCount.taken_at, VisitorCount.id))
    sums = {first_day + timedelta(days=offset): dict.fromkeys(FIELDS, 0) for offset in range(days)}
    last_series, last = None, None
    for series, taken_at, *values in rows:
        counts = dict(zip(FIELDS, values, strict=True))
        before = last if series == last_series else dict.fromkeys(FIELDS, 0)
        day = commonwealth_day(taken_at)
        if day in sums:
            for field in FIELDS:
                sums[day][field] += max(counts[field] - before[field], 0)
        last_series, last = series, counts
    return [DayCounts(day=day, **counts) for day, counts in sorted(sums.items())]


class Snapshots:
    """Snapshots of one master's series: the summed counters into the console database, each time it is asked."""

    def __init__(self, app, totals, series):
        self.app = app
        self.totals = totals  # a function: the cumulative per-agency counts now
        self.series = series
        self.stored = {}

    def take(self):
        """One snapshot now; a database that cannot be reached is one line in the log, and the next one retries."""
        try:
            with session_for(self.app) as db:
                self.stored = store(db, self.series, self.totals(), self.stored)
        except Exception as error:  # noqa: BLE001 - the service runs on; the counts are kept for the next try
            log.warning("visitor counts not stored: %s", str(error).splitlines()[0][:200])
