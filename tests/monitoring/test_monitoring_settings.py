"""Monitoring settings from the environment, and screenshot retention on real files and rows."""

from datetime import timedelta

import pytest
from databases import new_sqlite_url
from sqlalchemy import select

from extension.clauses import findings as qa
from monitoring import runs
from monitoring.record import record_page
from server.monitoring.screenshots import remove_expired
from server.monitoring.screenshots import screenshot_bytes
from server.monitoring.settings import settings_for
from server import create_app
from server.config import ConfigError
from server.db.session import session_for
from server.db.clock import utcnow
from server.monitoring.models import Finding
from server.monitoring.models import Screenshot
from server.core.agency import load_agency_text

KEYS = ["settings-tests-key-0123456789abcdef"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def app(tmp_path, agencies_dir, upgraded_sqlite):
    """The service on its own SQLite console database."""
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True,
                      "DATABASE_URL": new_sqlite_url(tmp_path, upgraded_sqlite)})
    yield app
    app.extensions["database"].kw["bind"].dispose()


def test_the_default_queue_is_a_sqlite_file_beside_the_database(app, tmp_path):
    settings = settings_for(app, {})
    assert settings.queue_url == f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    assert (settings.smtp_url, settings.screenshots, settings.retention_days, settings.gpc) == (None, "files", 90, True)


def test_the_app_derived_defaults_give_way_to_the_environment(app, tmp_path):
    settings = settings_for(app, {"CONSENT_QUEUE_URL": "redis://queue:6379/0", "CONSENT_MAIL_FROM": "qa@mass.gov",
                                  "CONSENT_SCREENSHOT_DIR": str(tmp_path / "shots")})
    assert (settings.queue_url, settings.mail_from) == ("redis://queue:6379/0", "qa@mass.gov")
    assert settings.screenshot_dir == tmp_path / "shots"


def test_a_bad_setting_is_refused_with_one_line_naming_it(app):
    # Every variable's bad values: tests/core/test_settings.py.
    with pytest.raises(ConfigError, match='^CONSENT_MONITOR_LEASE_SECONDS: "1" must be at least 5$'):
        settings_for(app, {"CONSENT_MONITOR_LEASE_SECONDS": "1"})


@pytest.mark.parametrize("store", ["files", "database"])
def test_screenshots_are_kept_then_removed_after_the_retention_findings_stay(app, tmp_path, store):
    settings = settings_for(app, {"CONSENT_SCREENSHOTS": store, "CONSENT_SCREENSHOT_DIR": str(tmp_path / "shots"),
                                  "CONSENT_SCREENSHOT_RETENTION_DAYS": "30"})
    agency = load_agency_text('id = "ret"\nname = "Retention"\norigins = ["https://ret.mass.gov"]\n'
                              'privacy_policy_url = "https://ret.mass.gov/p"\nterms_url = "https://ret.mass.gov/t"\n'
                              'mode = "opt-out"\ncommonwealth_domains = ["mass.gov"]\n[monitoring]\npages = ["/"]\n',
                              "ret.toml")
    with session_for(app) as db:
        run, _ = runs.start_run(db, agency, trigger="manual", key=runs.manual_key())
        page = runs.lease(db, runs.page_ids(db, run.id)[0], "w", 60)
        finding = qa.Finding(page.url, "2.2", "pass", "ok", {})
        assert record_page(db, settings, page, "w", [finding], {"before": PNG, "after": PNG}, 1.0)
        shots = list(db.scalars(select(Screenshot)))
        assert sorted(s.label for s in shots) == ["fresh", "opted-out"]
        assert all(screenshot_bytes(settings, s) == PNG for s in shots)
        assert all((s.path is None) == (store == "database") for s in shots)
        assert remove_expired(db, settings, now=utcnow() + timedelta(days=29)) == 0
        assert remove_expired(db, settings, now=utcnow() + timedelta(days=31)) == 2
        assert list(db.scalars(select(Screenshot))) == []
        assert list((tmp_path / "shots").rglob("*.png")) == []
        assert len(list(db.scalars(select(Finding)))) == 1
