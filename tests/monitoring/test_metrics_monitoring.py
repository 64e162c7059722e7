"""The monitoring worker's counters: pages checked and their time after a real run in real Chromium; a page given
up and regression mails sent or not through the worker's own functions and a real SMTP server (no browser); leases
reclaimed by the sweep; and the worker's own /metrics listener with the queue's depth read from Huey."""

import urllib.request

import mx_site
import pytest
from databases import new_sqlite_url
from databases import upgraded_sqlite  # noqa: F401
from mail_ledger import PAGES
from mail_ledger import MailLedger
from click.testing import CliRunner
from huey import SqliteHuey
from prometheus_client import REGISTRY
from smtp_inbox import free_port

from monitoring import engine
from monitoring import runs
from monitoring.metrics import serve_worker_metrics
from server.commands.group import cli
from server.db.session import session_for
from server.monitoring.settings import settings_for

pytestmark = pytest.mark.browser
COUNTED = ("consent_monitor_pages_checked_total", "consent_monitor_check_seconds_count",
           "consent_monitor_check_failures_total", "consent_monitor_pages_not_checked_total",
           "consent_monitor_leases_reclaimed_total")


def counts():
    """The counters now (this process: `monitor run` checks in it), mails by kind and outcome too."""
    now = {name: REGISTRY.get_sample_value(name) or 0 for name in COUNTED}
    for outcome in ("sent", "failed"):
        now[f"mail {outcome}"] = REGISTRY.get_sample_value(
            "consent_monitor_mails_total", {"kind": "regression", "outcome": outcome}) or 0
    return now


def grew(before, after):
    """What rose, and by how much."""
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


@pytest.fixture
def monitor(mx_site_sqlite, monkeypatch, tmp_path):
    """`consent-service monitor run ARGS` against the mx site; returns (exit code, output)."""
    env = mx_site_sqlite.environment(CONSENT_SCREENSHOT_DIR=str(tmp_path / "shots"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    def run(*args):
        result = CliRunner().invoke(cli, ["monitor", "run", *args])
        return result.exit_code, result.output
    return run


def test_a_real_check_run_counts_its_pages_and_their_time(monitor):
    mx_site.STATE["long_cookie"] = False
    before = counts()
    assert monitor("--agency", "mx")[0] == 0
    assert grew(before, counts()) == {"consent_monitor_pages_checked_total": 2,
                                      "consent_monitor_check_seconds_count": 2}


@pytest.fixture
def ledger(tmp_path, upgraded_sqlite):  # noqa: F811
    """The mail-test agency (no browser: each page's outcome given, stored by the worker's own functions)."""
    made = MailLedger(tmp_path, new_sqlite_url(tmp_path, upgraded_sqlite))
    yield made
    made.close()


def test_a_page_given_up_and_regression_mails_sent_or_not_are_counted(ledger, smtp_server):
    ledger.use_smtp(smtp_server.url)
    ledger.all_pages("pass")
    before = counts()
    ledger.run({PAGES[0]: "fail", PAGES[1]: "unreachable"})
    assert grew(before, counts()) == {"consent_monitor_pages_checked_total": 1,
                                      "consent_monitor_check_seconds_count": 1,
                                      "consent_monitor_check_failures_total": 1,
                                      "consent_monitor_pages_not_checked_total": 1, "mail sent": 1}
    assert len(smtp_server.inbox.messages) == 1
    ledger.all_pages("pass")
    ledger.use_smtp(f"smtp://127.0.0.1:{free_port()}")
    before = counts()
    ledger.run({PAGES[0]: "fail", PAGES[1]: "pass"})
    assert grew(before, counts())["mail failed"] == 1


def test_a_lease_whose_worker_is_gone_is_counted_when_the_sweep_reclaims_it(mx_site_sqlite, monkeypatch):
    for name, value in mx_site_sqlite.environment().items():
        monkeypatch.setenv(name, value)
    app = mx_site_sqlite.app
    agency = engine.monitored(app, ["mx"])[0]
    with session_for(app) as db:
        run, _new = runs.start_run(db, agency, trigger="manual", key=runs.manual_key())
        first, *_rest = runs.page_ids(db, run.id)
        # Leased by a worker that died at once: its lease has already run out.
        assert runs.lease(db, first, "gone:1:1", -1) is not None
    before = counts()
    queued = []
    engine.sweep(app, settings_for(app), queued.append, queue_empty=False)
    assert first in queued
    assert grew(before, counts())["consent_monitor_leases_reclaimed_total"] == len(queued)


def test_the_worker_s_listener_serves_its_counters_and_the_queue_depth(tmp_path):
    huey = SqliteHuey("metrics-test", filename=str(tmp_path / "queue.sqlite"), utc=True, results=False)
    task = huey.task(name="noop")(lambda: None)
    for _ in range(3):
        task()
    port = free_port()
    server = serve_worker_metrics(f"127.0.0.1:{port}", huey)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
            text = response.read().decode()
    finally:
        server.shutdown()
    assert "consent_monitor_queue_depth 3.0" in text
    assert "consent_monitor_pages_checked_total" in text and "consent_monitor_mails_total" in text
