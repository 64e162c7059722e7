"""`consent-service monitor worker --remote-url HUB` through a real Selenium Grid 4 (a hub, two nodes on Debian's
Chromium), as an operator deploys it: Redis as the queue, PostgreSQL as the console database. Each consent-qa
fixture page gets the verdicts `consent-service monitor run` on local Chromium gives it, GPC visit included.
"""

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from databases import postgres_cluster  # noqa: F401
from databases import upgraded_postgres  # noqa: F401
from redis_server import RedisServer
from selenium_grid import grid_fixture
from serving import AppServer
from sqlalchemy import select

from extension.chromium import child_pids
from server import create_app
from server.db.session import session_for
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun

# A Grid and two runs of nine pages with their GPC visits: minutes, in `make test-long`.
pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.timeout(900)]
TESTS = Path(__file__).resolve().parents[1]
FX_AGENCY = TESTS / "extension" / "fixtures" / "agencies" / "fx.toml"
KEYS = ["grid-worker-key-0123456789abcdef"]
NEVER = "0 0 1 1 *"  # a new agency is checked at the worker's first tick; the schedule adds no run
THREADS = 2
# A page of each kind of verdict (test_qa_grid.py takes every fixture page through the Grid).
CASES = ("good", "no-notice", "leaky", "wall", "long-cookie", "outside-cookie", "undeclared", "token-max-age",
         "dialog-alert")
# Two browsers per worker thread (the journey and its GPC visit): two nodes of two sessions hold them all.
selenium_grid = grid_fixture(nodes=2, max_sessions=2)


def fixture_pages():
    """The consent-qa fixture pages (tests/extension/qa_fixture_site.py), loaded from their file."""
    spec = importlib.util.spec_from_file_location("qa_fixture_site", TESTS / "extension" / "qa_fixture_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FX = fixture_pages()


class FixtureAgencySite(AppServer):
    """The service serving the fx agency (its [monitoring] table lists every fixture page) and the pages."""

    def __init__(self, folder, database_url):
        super().__init__(None, quiet=True)
        self.agencies_dir = folder / "agencies"
        self.agencies_dir.mkdir()
        pages = ", ".join(f'"/fx/{case}/"' for case in CASES)
        (self.agencies_dir / "fx.toml").write_text(FX_AGENCY.read_text().replace("__PORT__", str(self.port))
                                                   + f'\n[monitoring]\npages = [{pages}]\nschedule = "{NEVER}"\n')
        self.database_url = database_url
        self.app = create_app({"AGENCIES_DIR": str(self.agencies_dir), "SECRET_KEYS": KEYS, "DEMO": False,
                               "DATABASE_URL": database_url, "PUBLIC_URL": self.url})
        self.app.register_blueprint(FX.bp)
        self.start()

    def environment(self, **more):
        """What `consent-service monitor …` reads to work on this site and its database."""
        return {**os.environ, "CONSENT_AGENCIES_DIR": str(self.agencies_dir), "CONSENT_DATABASE_URL": self.database_url,
                "CONSENT_SECRET_KEYS": ",".join(KEYS), "CONSENT_PUBLIC_URL": self.url, "CONSENT_DEMO": "", **more}


def consent_service(*args):
    """The installed console script beside this interpreter."""
    return [str(Path(sys.executable).with_name("consent-service")), *args]


def runs_of(app):
    with session_for(app) as db:
        return list(db.scalars(select(MonitoringRun).order_by(MonitoringRun.id)))


def findings_of(app, run_id):
    """(page case, clause) → (verdict, reason) of one run, as the console database holds them."""
    with session_for(app) as db:
        rows = db.execute(select(Finding.url, Finding.clause, Finding.verdict, Finding.reason)
                          .where(Finding.run_id == run_id)).all()
    return {(url.split("/fx/")[1].strip("/"), clause): (verdict, reason) for url, clause, verdict, reason in rows}


def verdicts_of(app, run_id):
    """(page case, clause) → verdict of one run."""
    return {key: verdict for key, (verdict, _reason) in findings_of(app, run_id).items()}


def stop_worker(process):
    """SIGTERM, as an operator stops it; anything it left running is ended by process id."""
    family = child_pids(process.pid)
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for pid in family:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, postgres_cluster, upgraded_postgres, selenium_grid):  # noqa: F811
    """A worker's scheduled run through the Grid, then `monitor run` on local Chromium: (site, grid run, local run)."""
    folder = tmp_path_factory.mktemp("grid-worker")
    database = postgres_cluster.create_database("grid_worker", upgraded_postgres)
    site = FixtureAgencySite(folder, database)
    redis = RedisServer().start()
    env = site.environment(CONSENT_QUEUE_URL=redis.url, CONSENT_SCREENSHOT_DIR=str(folder / "shots"))
    log = folder / "worker.log"
    try:
        with open(log, "wb") as output:
            worker = subprocess.Popen(consent_service("monitor", "worker", "--threads", str(THREADS),
                                                      "--remote-url", selenium_grid.url),
                                      env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 420
            while not any(run.state == "done" for run in runs_of(site.app)):
                assert worker.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "the worker's run did not finish: " + log.read_text()[-3000:]
                time.sleep(1)
        finally:
            stop_worker(worker)
        local = subprocess.run(consent_service("monitor", "run", "--workers", str(THREADS)), env=env,
                               capture_output=True, text=True, timeout=420)
        assert local.returncode in (0, 1), local.stderr[-3000:]
        grid_run, local_run = runs_of(site.app)
        yield site, grid_run, local_run
    finally:
        redis.stop()
        site.stop()
        site.app.extensions["database"].kw["bind"].dispose()


def test_worker_on_the_grid_records_every_page_once(two_runs, selenium_grid):
    site, grid_run, _local = two_runs

    with session_for(site.app) as db:
        pages = list(db.scalars(select(MonitoredPage).where(MonitoredPage.run_id == grid_run.id)))
    assert grid_run.trigger == "schedule" and grid_run.state == "done" and grid_run.pages_failed == 0
    assert grid_run.browser == selenium_grid.url
    assert sorted(page.url.split("/fx/")[1].strip("/") for page in pages) == sorted(CASES)
    assert {(page.state, page.error) for page in pages} == {("done", None)}
    # Both nodes ran browsers for the worker.
    assert all(count > 0 for count in selenium_grid.sessions_by_node().values())


def test_grid_and_local_chromium_give_the_same_verdicts(two_runs):
    site, grid_run, local_run = two_runs

    grid, local = findings_of(site.app, grid_run.id), findings_of(site.app, local_run.id)
    assert local_run.browser == "local" and local_run.state == "done"
    assert len(grid) == len(local) > len(CASES)
    differing = {key: (grid[key], local.get(key)) for key in grid if grid[key][0] != local.get(key, (None,))[0]}
    assert differing == {}, "verdicts differ (Grid, local): " + repr(differing)[:3000]


def test_grid_run_fails_each_broken_page_on_its_clause_and_honours_gpc(two_runs):
    site, grid_run, _local = two_runs

    found = verdicts_of(site.app, grid_run.id)
    expected = {case: FX.EXPECTED_FAILURE[case] for case in CASES if FX.EXPECTED_FAILURE.get(case)}
    assert {case: found[(case, clause)] for case, clause in expected.items()} == {case: "fail" for case in expected}
    # The GPC visit ran in the node's browsers: the good page's GPC clause was judged, and passed.
    assert [verdict for (case, clause), verdict in found.items() if case == "good" and "gpc" in clause.lower()] \
        == ["pass"]
