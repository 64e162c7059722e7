"""Leases renewed while a check runs, reclaimed soon after their worker dies; a missed schedule slot caught up once.

Two real `consent-service monitor worker` processes on the default SQLite queue: the one that takes the page
is killed (SIGKILL, browsers and all) while Chromium waits on the page the site holds open; the other,
idle beside it, takes the page when the first one's heartbeat stops.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path

import mx_site
import pytest
import time_machine
from conftest import MonitoredSite
from databases import new_sqlite_url
from flask import Blueprint
from sqlalchemy import select

from extension.chromium import child_pids
from monitoring import engine
from monitoring import runs
from monitoring.heartbeat import Heartbeat
from monitoring.heartbeat import interval
from monitoring.queue import MonitoringQueue
from server.core.schedule import last_slot
from server.db.clock import utcnow
from server.db.session import session_for
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun
from server.monitoring.settings import settings_for

CONSENT_SERVICE = str(Path(sys.executable).with_name("consent-service"))
NEVER = "0 0 1 1 *"  # New Year's midnight: no slot falls during the test
LEASE_SECONDS = 8  # a heartbeat every 2.7 s; two leases stay within the 20 s page-load limit
# What the reclaim may take beyond a lease and a beat: a machine busy with the rest of the suite delays a beat by
# a second or two; two leases (16 s) would still fail the bound, five minutes (the default lease) by far.
BUSY_SECONDS = 4
HELD_OPEN = {"hit": threading.Event(), "release": threading.Event()}

held_open = Blueprint("held_open", __name__)


@held_open.get("/lease/slow/")
def slow_page():
    """The first request waits (a page a worker is in the middle of checking); later ones answer at once."""
    if not HELD_OPEN["hit"].is_set():
        HELD_OPEN["hit"].set()
        HELD_OPEN["release"].wait(60)
    return mx_site._html("<p>A page that was slow once.</p>", "Slow once")


def page_of(app):
    with session_for(app) as db:
        return db.scalar(select(MonitoredPage).order_by(MonitoredPage.id.desc()).limit(1))


def wait_for(condition, seconds, message):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(message())


class Worker:
    """A real worker process, killed with the browser processes under it by their ids."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen([CONSENT_SERVICE, "monitor", "worker"], env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.prefix = f"{os.uname().nodename}:{self.process.pid}:"

    def output(self):
        return self.log_path.read_text(errors="replace")[-3000:]

    def end(self, sig):
        family = [self.process.pid] + child_pids(self.process.pid)
        for pid in family if sig == signal.SIGKILL else family[:1]:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=30)
        finally:
            for pid in family[1:]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.log.close()


@pytest.fixture
def slow_site(tmp_path, upgraded_sqlite):
    """The mx agency monitoring one page the site holds open the first time, never on a schedule."""
    HELD_OPEN["hit"].clear()
    HELD_OPEN["release"].clear()
    site = MonitoredSite(tmp_path, new_sqlite_url(tmp_path, upgraded_sqlite), ["/lease/slow/"], schedule=NEVER)
    site.app.register_blueprint(held_open)
    yield site
    HELD_OPEN["release"].set()
    site.stop()
    site.app.extensions["database"].kw["bind"].dispose()


@pytest.mark.browser
def test_a_killed_worker_loses_its_page_for_one_lease_not_five_minutes(slow_site, tmp_path):
    env = {**os.environ, **slow_site.environment(CONSENT_MONITOR_GPC="0",
                                                 CONSENT_MONITOR_LEASE_SECONDS=str(LEASE_SECONDS),
                                                 CONSENT_SCREENSHOT_DIR=str(tmp_path / "shots"))}
    env.pop("CONSENT_QUEUE_URL", None)
    app = slow_site.app
    settings = settings_for(app, env)
    # The run is asked for before any worker starts: it is then the agency's latest, so the workers' first tick
    # has no missed slot to catch up (the schedule's last one was New Year's) and checks no second copy of the page.
    agency = app.extensions["registry"].get("mx")
    [page_id] = engine.start(app, [agency], trigger="manual", key_for=lambda _agency: "manual:held-open")
    workers = [Worker(env, tmp_path / f"worker-{n}.log") for n in (1, 2)]
    try:
        for worker in workers:
            wait_for(lambda: "monitoring worker: 1 thread(s)" in worker.output(), 120, worker.output)
        MonitoringQueue(app, settings).enqueue(page_id)
        # One worker takes it; its check waits on the page the site holds open (the other stays idle).
        wait_for(lambda: HELD_OPEN["hit"].is_set(), 60, lambda: "the page was never asked for: " + workers[0].output())
        leased = page_of(app)
        [doomed] = [worker for worker in workers if leased.leased_by.startswith(worker.prefix)]
        [survivor] = [worker for worker in workers if worker is not doomed]
        # Two whole leases later the live worker still holds it: renewed at each heartbeat, not taken by the other.
        time.sleep(2 * LEASE_SECONDS)
        held = page_of(app)
        assert held.state == "leased" and held.leased_by == leased.leased_by and held.attempts == 1, doomed.output()
        assert held.lease_until > leased.lease_until

        doomed.end(signal.SIGKILL)
        killed_at = time.monotonic()
        wait_for(lambda: page_of(app).state == "pending" or page_of(app).attempts == 2, 3 * LEASE_SECONDS,
                 lambda: "never reclaimed: " + survivor.output())
        reclaimed_after = time.monotonic() - killed_at
        HELD_OPEN["release"].set()
        # Its lease ran out at most one lease after the last beat, then the other's next heartbeat queued it.
        assert reclaimed_after <= LEASE_SECONDS + interval(settings) + BUSY_SECONDS, reclaimed_after
        done = wait_for(lambda: (lambda page: page if page.state == "done" else None)(page_of(app)), 120,
                        lambda: "the survivor never recorded it: " + survivor.output())
        assert done.attempts == 2 and done.leased_by.startswith(survivor.prefix)
        assert "queued 1 abandoned page(s) again" in survivor.output()
        print(f"reclaimed {reclaimed_after:.1f} s after the kill "
              f"(lease {LEASE_SECONDS} s, heartbeat {interval(settings):.2f} s)")
    finally:
        HELD_OPEN["release"].set()
        for worker in workers:
            if worker.process.poll() is None:
                worker.end(signal.SIGTERM)


@pytest.fixture
def daily_agency(tmp_path, upgraded_sqlite):
    """An app on a fresh SQLite database with the mx agency checked daily at 09:00 UTC (no browser needed)."""
    site = MonitoredSite(tmp_path, new_sqlite_url(tmp_path, upgraded_sqlite), ["/mx/1/"], schedule="daily")
    yield site.app, settings_for(site.app, site.environment())
    site.stop()
    site.app.extensions["database"].kw["bind"].dispose()


def runs_of(app):
    with session_for(app) as db:
        return [run.key for run in db.scalars(select(MonitoringRun).order_by(MonitoringRun.id))]


def test_a_slot_missed_while_no_worker_ran_is_caught_up_once(daily_agency):
    app, settings = daily_agency
    queued = []
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, 5, tzinfo=UTC), tick=False):
        engine.tick(app, settings, queued.append, queue_empty=False)
    assert runs_of(app) == ["schedule:mx:2026-12-01T09:00"] and len(queued) == 1
    # No worker ran on the 2nd, 3rd or 4th: the first to start at 14:20 on the 4th runs the latest slot, once.
    with time_machine.travel(datetime(2026, 12, 4, 14, 20, 1, tzinfo=UTC), tick=False):
        engine.tick(app, settings, queued.append, queue_empty=False)
        engine.tick(app, settings, queued.append, queue_empty=False)  # a second worker starting at the same time
    with time_machine.travel(datetime(2026, 12, 4, 14, 21, 0, tzinfo=UTC), tick=False):
        engine.tick(app, settings, queued.append, queue_empty=False)  # the next minute's tick
    assert runs_of(app) == ["schedule:mx:2026-12-01T09:00", "schedule:mx:2026-12-04T09:00"]
    assert len(queued) == 2
    # The next slot runs as usual, and the days that follow, with ticks every minute, catch up nothing.
    with time_machine.travel(datetime(2026, 12, 5, 9, 0, 2, tzinfo=UTC), tick=False):
        engine.tick(app, settings, queued.append, queue_empty=False)
    with time_machine.travel(datetime(2026, 12, 5, 9, 1, 0, tzinfo=UTC), tick=False):
        engine.tick(app, settings, queued.append, queue_empty=False)
    assert runs_of(app)[-1] == "schedule:mx:2026-12-05T09:00" and len(runs_of(app)) == 3


def test_a_run_asked_for_after_the_slot_counts_as_its_run(daily_agency):
    app, settings = daily_agency
    agency = app.extensions["registry"].get("mx")
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=UTC), tick=False):
        engine.start(app, [agency], trigger="manual", key_for=lambda _agency: "manual:after-the-slot")
    with time_machine.travel(datetime(2026, 12, 1, 15, 0, tzinfo=UTC), tick=False):
        engine.tick(app, settings, [].append)
    assert runs_of(app) == ["manual:after-the-slot"]


def test_a_beat_renews_held_leases_and_a_run_out_lease_is_reclaimed_once(daily_agency):
    app, settings = daily_agency
    agency = app.extensions["registry"].get("mx")
    [page_id] = engine.start(app, [agency], trigger="manual", key_for=lambda _agency: "manual:beat")
    with session_for(app) as db:
        first = runs.lease(db, page_id, "w1", settings.lease_seconds).lease_until
    beats = Heartbeat(app, settings)
    with beats.holding(page_id, "w1"):
        time.sleep(0.05)
        assert beats.beat() == 1
    assert page_of(app).lease_until > first
    assert beats.beat() == 0  # no longer held: nothing renewed
    later = utcnow().replace(microsecond=0)
    with time_machine.travel(later.replace(tzinfo=UTC).timestamp() + settings.lease_seconds + 1, tick=False):
        with session_for(app) as db:
            assert runs.reclaim(db) == [page_id]
            assert runs.reclaim(db) == []  # once, not at every sweep until someone takes it
        assert page_of(app).state == "pending"
        with session_for(app) as db:
            assert not runs.renew(db, page_id, "w1", settings.lease_seconds)  # the dead worker's lease is gone
            assert runs.lease(db, page_id, "w2", settings.lease_seconds).attempts == 2


@pytest.mark.parametrize(("schedule", "before", "slot"), [
    ("daily", datetime(2026, 12, 4, 9, 0), datetime(2026, 12, 3, 9, 0)),  # strictly before: not this minute's
    ("daily", datetime(2026, 12, 4, 9, 1), datetime(2026, 12, 4, 9, 0)),
    ("weekly", datetime(2026, 12, 4, 8, 0), datetime(2026, 11, 30, 9, 0)),  # the Monday before
    ("*/15 8-17 * * 1-5", datetime(2026, 12, 7, 7, 0), datetime(2026, 12, 4, 17, 45)),  # over the weekend
    ("0 9 29 2 *", datetime(2026, 12, 4, 8, 0), None),  # 29 February: none within the look-back
])
def test_the_latest_slot_before_a_minute(schedule, before, slot):
    assert last_slot(schedule, before) == slot
