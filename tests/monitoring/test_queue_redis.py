"""Two `consent-service monitor worker` processes on one Redis queue check 50 pages: none twice, none lost,
also when one worker is killed (SIGKILL, browsers and all) in the middle of a page.

Each page is checked by the real journey in real Chromium (GPC visit off to keep the run short); the
database is PostgreSQL, as for workers on several machines. The site counts its page fetches: one check
fetches a page twice (first visit, reload after opting out), so a page fetched more was checked twice.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import mx_site
import pytest
from conftest import MonitoredSite
from databases import postgres_cluster  # noqa: F401
from databases import upgraded_postgres  # noqa: F401
from sqlalchemy import func
from sqlalchemy import select

from extension.chromium import child_pids
from monitoring import engine
from monitoring.queue import MonitoringQueue
from server.monitoring.settings import settings_for
from server.db.session import session_for
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun

# Two minutes of real work: a long run, in `make test-long` (CI runs it), not in `make test`.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.long, pytest.mark.timeout(900)]
PAGES = 50
CLAUSES_WITHOUT_GPC = 7
CONSENT_SERVICE = str(Path(sys.executable).with_name("consent-service"))
NEVER = "0 0 1 1 *"  # the run is started by the test, not by the workers' schedule


@pytest.fixture
def fifty_pages(tmp_path, postgres_cluster, upgraded_postgres):  # noqa: F811
    """The mx site monitoring 50 pages, on a fresh PostgreSQL database."""
    database = postgres_cluster.create_database(f"queue_{tmp_path.name[-10:]}", upgraded_postgres)
    site = MonitoredSite(tmp_path, database, [f"/mx/{n}/" for n in range(1, PAGES + 1)], schedule=NEVER)
    mx_site.STATE["long_cookie"] = False
    mx_site.HITS.clear()
    yield site
    site.stop()
    site.app.extensions["database"].kw["bind"].dispose()


class Worker:
    """A real worker process; killed by process id, with the browser processes it started."""

    def __init__(self, env, log_path):
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen([CONSENT_SERVICE, "monitor", "worker", "--threads", "1"], env=env,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        self.name_prefix = f"{socket.gethostname()}:{self.process.pid}:"

    def kill(self, sig=signal.SIGKILL):
        """Signal the worker and every process under it (chromedriver, Chromium) by id."""
        family = [self.process.pid] + child_pids(self.process.pid)
        for pid in family:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        try:
            self.process.wait(timeout=30)
        finally:
            for pid in child_pids(self.process.pid) if self.process.poll() is None else family[1:]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.log.close()

    def stop(self):
        """SIGTERM: Huey stops and the worker quits its browsers; survivors are killed by id."""
        family = child_pids(self.process.pid)
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for pid in family:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


def pages_of(app, run_id):
    with session_for(app) as db:
        return list(db.scalars(select(MonitoredPage).where(MonitoredPage.run_id == run_id).order_by(MonitoredPage.id)))


def wait_for(condition, seconds, message):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(message)


def test_two_workers_check_fifty_pages_once_each_even_when_one_is_killed(fifty_pages, redis_server, tmp_path):
    site = fifty_pages
    env = {**os.environ, **site.environment(CONSENT_QUEUE_URL=redis_server.url, CONSENT_MONITOR_GPC="0",
                                            CONSENT_MONITOR_LEASE_SECONDS="20",
                                            CONSENT_SCREENSHOT_DIR=str(tmp_path / "shots"))}
    settings = settings_for(site.app, env)
    assert settings.queue_url == redis_server.url
    queue = MonitoringQueue(site.app, settings)
    agency = site.app.extensions["registry"].get("mx")
    page_ids = engine.start(site.app, [agency], trigger="schedule", key_for=lambda _agency: "test:fifty")
    for page_id in page_ids:
        queue.enqueue(page_id)
    assert len(page_ids) == PAGES and queue.huey.pending_count() == PAGES
    with session_for(site.app) as db:
        run_id = db.scalar(select(MonitoringRun.id).where(MonitoringRun.key == "test:fifty"))

    doomed = Worker(env, tmp_path / "doomed.log")
    survivor = Worker(env, tmp_path / "survivor.log")
    try:
        # Kill one worker while it holds a page, after both have checked a few.
        def doomed_mid_page():
            pages = pages_of(site.app, run_id)
            done = sum(p.state == "done" for p in pages)
            held = [p.id for p in pages if p.state == "leased" and (p.leased_by or "").startswith(doomed.name_prefix)]
            return held if done >= 6 else None
        held = wait_for(doomed_mid_page, 300, "the doomed worker never held a page after six were done")
        doomed.kill()

        wait_for(lambda: all(p.state == "done" for p in pages_of(site.app, run_id)), 500,
                 "not every page was recorded after the kill: " + (tmp_path / "survivor.log").read_text()[-3000:])
    finally:
        survivor.stop()
        if doomed.process.poll() is None:
            doomed.kill()

    pages = pages_of(site.app, run_id)
    with session_for(site.app) as db:
        run = db.get(MonitoringRun, run_id)
        findings = db.execute(select(Finding.page_id, func.count()).where(Finding.run_id == run_id)
                              .group_by(Finding.page_id)).all()
    # None lost: every page recorded, each with one finding per clause, and the run ended.
    assert run.state == "done" and run.pages_failed == 0
    assert sorted(page_id for page_id, _ in findings) == sorted(page_ids)
    assert {count for _, count in findings} == {CLAUSES_WITHOUT_GPC}
    # None checked twice, except the page the killed worker was in the middle of: taken again and recorded once.
    again = [p for p in pages if p.attempts > 1]
    assert [p.id for p in again] == held
    assert all(p.attempts == 1 for p in pages if p.id not in held)
    hits = dict(mx_site.HITS)
    by_number = {int(p.url.rstrip("/").rsplit("/", 1)[1]): p for p in pages}
    assert {n: hits.get(n) for n, p in by_number.items() if p.id not in held} == {
        n: 2 for n, p in by_number.items() if p.id not in held}
    # The killed worker may have died before or after fetching it: the survivor's check fetched it twice more.
    assert all(hits[n] >= 2 for n, p in by_number.items() if p.id in held)
    # Both worked: the killed one recorded pages before it died; the survivor recorded the page it left.
    assert any(p.leased_by.startswith(doomed.name_prefix) for p in pages)
    assert all(p.leased_by.startswith(survivor.name_prefix) for p in again)
    assert f"queued {len(held)} abandoned page(s) again" in (tmp_path / "survivor.log").read_text()
