"""The ledger that makes a queue without acknowledgements safe: runs once per key, leases, one record per page.

On both real databases (SQLite and PostgreSQL): two workers never hold one page, a worker whose lease ran
out cannot record over the one that took the page after it, and only one caller ends a run.
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from databases import database_url  # noqa: F401  (parametrized: sqlite and postgresql)
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from extension.clauses import findings as qa
from monitoring import runs
from monitoring.record import record_page
from server.monitoring.settings import settings_for
from server import create_app
from server.db.session import session_for
from server.db.clock import utcnow
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import Regression
from server.core.agency import load_agency_text

KEYS = ["ledger-tests-key-0123456789abcdef"]
PAGES = [f"/p/{n}" for n in range(1, 6)]


@pytest.fixture
def ledger(database_url, agencies_dir, tmp_path, monkeypatch):  # noqa: F811
    """An app on a fresh database, its monitoring settings, and an agency with five monitored pages."""
    monkeypatch.setenv("CONSENT_SCREENSHOT_DIR", str(tmp_path / "shots"))
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True,
                      "DATABASE_URL": database_url})
    text = ('id = "led"\nname = "Ledger"\norigins = ["https://led.mass.gov"]\n'
            'privacy_policy_url = "https://led.mass.gov/p"\nterms_url = "https://led.mass.gov/t"\n'
            'mode = "opt-out"\ncommonwealth_domains = ["mass.gov"]\n[monitoring]\npages = '
            + "[" + ", ".join(f'"{p}"' for p in PAGES) + "]\n")
    agency = load_agency_text(text, "led.toml")
    yield app, settings_for(app), agency
    app.extensions["database"].kw["bind"].dispose()


def finding(clause, verdict):
    return qa.Finding("ignored", clause, verdict, f"{clause} {verdict}", {"cookies": ["mx_prefs (led.mass.gov)"]})


def test_a_scheduled_run_is_created_once_whoever_asks(ledger):
    app, _settings, agency = ledger
    minute = utcnow().replace(second=0, microsecond=0)

    def start(_):
        with session_for(app) as db:
            run, created = runs.start_run(db, agency, trigger="schedule", key=runs.schedule_key("led", minute))
            return run.id, created

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(start, range(4)))
    assert len({run_id for run_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with session_for(app) as db:
        assert db.scalar(select(func.count()).select_from(MonitoredPage)) == len(PAGES)


def test_two_workers_never_hold_the_same_page(ledger):
    app, settings, agency = ledger
    with session_for(app) as db:
        run, _ = runs.start_run(db, agency, trigger="manual", key=runs.manual_key())
        ids = runs.page_ids(db, run.id)

    def grab(worker):
        taken = []
        with session_for(app) as db:
            for page_id in ids:
                if runs.lease(db, page_id, worker, settings.lease_seconds) is not None:
                    taken.append(page_id)
        return taken

    with ThreadPoolExecutor(4) as pool:
        held = list(pool.map(grab, [f"w{n}" for n in range(4)]))
    assert sorted(page for pages in held for page in pages) == ids


def test_a_dead_workers_page_is_swept_taken_again_and_recorded_once(ledger):
    app, settings, agency = ledger
    with session_for(app) as db:
        run, _ = runs.start_run(db, agency, trigger="manual", key=runs.manual_key())
        first_id = runs.page_ids(db, run.id)[0]
        page = runs.lease(db, first_id, "dead-worker", settings.lease_seconds)
        assert runs.lease(db, first_id, "other", settings.lease_seconds) is None  # held
        assert runs.abandoned(db) == []
        # The dead worker's lease runs out.
        db.execute(update(MonitoredPage).where(MonitoredPage.id == first_id)
                   .values(lease_until=utcnow() - timedelta(seconds=1)))
        db.commit()
        assert runs.abandoned(db) == [first_id]
        again = runs.lease(db, first_id, "other", settings.lease_seconds)
        assert again is not None and again.attempts == 2
        assert record_page(db, settings, again, "other", [finding("2.2", "pass")], {}, 1.0) is True
        # The first worker comes back from the dead: its late result is not recorded.
        assert record_page(db, settings, page, "dead-worker", [finding("2.2", "fail")], {}, 1.0) is False
        stored = list(db.scalars(select(Finding).where(Finding.page_id == first_id)))
        assert [(f.clause, f.verdict) for f in stored] == [("2.2", "pass")]


def test_a_failed_check_goes_back_to_pending_then_failed_after_the_last_attempt(ledger):
    app, settings, agency = ledger
    with session_for(app) as db:
        run, _ = runs.start_run(db, agency, trigger="manual", key=runs.manual_key())
        ids = runs.page_ids(db, run.id)
        runs.lease(db, ids[0], "w", settings.lease_seconds)
        assert runs.release(db, ids[0], "w", "page unreachable", final=False)
        assert db.get(MonitoredPage, ids[0], populate_existing=True).state == "pending"
        runs.lease(db, ids[0], "w", settings.lease_seconds)
        assert runs.release(db, ids[0], "w", "page unreachable", final=True)
        failed = db.get(MonitoredPage, ids[0], populate_existing=True)
        assert (failed.state, failed.attempts, failed.error) == ("failed", 2, "page unreachable")


def test_the_run_ends_once_with_the_worst_verdict_per_clause(ledger):
    app, settings, agency = ledger
    with session_for(app) as db:
        run, _ = runs.start_run(db, agency, trigger="manual", key=runs.manual_key())
        ids = runs.page_ids(db, run.id)
        verdicts = ["pass", "waived", "pass", "fail", "pass"]
        for page_id, verdict in zip(ids, verdicts, strict=True):
            assert runs.finish_if_complete(db, run.id) is False
            page = runs.lease(db, page_id, "w", settings.lease_seconds)
            record_page(db, settings, page, "w", [finding("2.2", verdict), finding("2.1", "pass")], {}, 1.0)
        assert runs.finish_if_complete(db, run.id) is True
        assert runs.finish_if_complete(db, run.id) is False  # a second finisher does nothing
        db.refresh(run)
        assert run.state == "done" and run.verdicts == {"2.2": "fail", "2.1": "pass"} and run.finished_at


def test_only_pass_to_fail_is_a_regression(ledger):
    app, settings, agency = ledger
    history = [("pass", None), ("fail", True), ("fail", None), ("waived", None), ("fail", None), ("pass", None),
               ("fail", True)]
    with session_for(app) as db:
        for verdict, regression in history:
            run, _ = runs.start_run(db, agency, trigger="manual", key=runs.manual_key())
            page = runs.lease(db, runs.page_ids(db, run.id)[0], "w", settings.lease_seconds)
            record_page(db, settings, page, "w", [finding("2.2", verdict)], {}, 1.0)
            found = db.scalar(select(func.count()).select_from(Regression).where(Regression.run_id == run.id))
            assert found == (1 if regression else 0), (verdict, regression)
