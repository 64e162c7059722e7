"""Visitor counts past restarts (the stored snapshots and their increase per Commonwealth day), the metrics
settings' one-line refusals, and /metrics on the public service alone (no console: not there)."""

import os
import threading
from datetime import date
from datetime import datetime

import pytest
from databases import new_sqlite_url
from databases import upgraded_sqlite  # noqa: F401
from sqlalchemy import select

from server import create_app
from server.commands import snapshots
from server.commands.context import console_app
from server.commands.check_config import startup_problems
from server.core import settings
from server.dashboard.counts_chart import counts_chart
from server.dashboard.models import VisitorCount
from server.dashboard.visitor_counts import daily
from server.dashboard.visitor_counts import store
from server.db.session import session_for
from server.metrics import exposition

KEYS = ["metrics-counts-key-0123456789abcdef"]


def totals(banner_loads, opt_outs, withdrawals=0):
    return {"banner_loads": banner_loads, "opt_outs": opt_outs, "withdrawals": withdrawals}


@pytest.fixture
def db(tmp_path, upgraded_sqlite):  # noqa: F811
    """A session on a fresh, upgraded SQLite console database."""
    app = console_app({"CONSENT_DATABASE_URL": new_sqlite_url(tmp_path, upgraded_sqlite)})
    with session_for(app) as session:
        yield session
    app.extensions["database"].kw["bind"].dispose()


def test_a_day_s_counts_add_up_across_restarts_and_instances(db):
    # Noon UTC is 07:00 or 08:00 in Boston: the same Commonwealth day.
    at = {hour: datetime(2026, 12, 2, hour) for hour in (12, 13, 14, 15)}
    first, restarted, other = {}, {}, {}
    first = store(db, "master-1", {"dor": totals(100, 4)}, first, at[12])
    first = store(db, "master-1", {"dor": totals(160, 6, 1), "demo": totals(5, 0)}, first, at[13])
    # Same totals again: nothing written.
    store(db, "master-1", {"dor": totals(160, 6, 1), "demo": totals(5, 0)}, first, at[14])
    # The service restarted: its new master counts from zero again.
    restarted = store(db, "master-2", {"dor": totals(30, 2)}, restarted, at[14])
    store(db, "master-2", {"dor": totals(50, 3)}, restarted, at[15])
    # A second instance behind the same load balancer, its own series.
    store(db, "other-1", {"dor": totals(40, 1)}, other, datetime(2026, 12, 3, 15))
    assert len(db.scalars(select(VisitorCount)).all()) == 6
    days = daily(db, "dor", 3, date(2026, 12, 3))
    assert [(day.day, day.banner_loads, day.opt_outs, day.withdrawals) for day in days] == [
        (date(2026, 12, 1), 0, 0, 0), (date(2026, 12, 2), 160 + 50, 6 + 3, 1), (date(2026, 12, 3), 40, 1, 0)]
    assert days[1].opt_out_rate == pytest.approx(9 / 210)
    assert days[0].opt_out_rate is None


def test_increases_are_credited_to_the_commonwealth_day(db):
    # 03:00 UTC on the 3rd is still the 2nd in Boston.
    stored = store(db, "m", {"dor": totals(10, 1)}, {}, datetime(2026, 12, 2, 20))
    store(db, "m", {"dor": totals(25, 2)}, stored, datetime(2026, 12, 3, 3))
    days = daily(db, "dor", 2, date(2026, 12, 3))
    assert [(day.banner_loads, day.opt_outs) for day in days] == [(25, 2), (0, 0)]


def test_a_series_begun_before_the_window_counts_only_its_increase_inside_it(db):
    stored = store(db, "m", {"dor": totals(1000, 50)}, {}, datetime(2026, 11, 1, 15))
    store(db, "m", {"dor": totals(1010, 52)}, stored, datetime(2026, 12, 3, 15))
    days = daily(db, "dor", 30, date(2026, 12, 3))
    assert (days[-1].banner_loads, days[-1].opt_outs) == (10, 2)
    assert sum(day.banner_loads for day in days) == 10


def test_the_chart_scales_each_panel_to_its_highest_day_and_is_absent_without_counts(db):
    assert counts_chart(daily(db, "dor", 30, date(2026, 12, 3))) is None
    stored = store(db, "m", {"dor": totals(200, 2)}, {}, datetime(2026, 12, 2, 15))
    store(db, "m", {"dor": totals(300, 10)}, stored, datetime(2026, 12, 3, 15))
    drawn = counts_chart(daily(db, "dor", 30, date(2026, 12, 3)))
    loads, opt_outs = drawn["panels"]
    assert (loads["highest"], opt_outs["highest"]) == (200, 8)
    assert [bar["value"] for bar in opt_outs["bars"][-2:]] == [2, 8]
    assert opt_outs["bars"][-1]["height"] == drawn["panel_height"] and opt_outs["bars"][-2]["height"] > 0


@pytest.mark.parametrize(("name", "value"), [("CONSENT_METRICS_BIND", "9100"), ("CONSENT_METRICS_BIND", "::1:9100"),
                                             ("CONSENT_MONITOR_METRICS_BIND", "localhost:99999"),
                                             ("CONSENT_METRICS_SNAPSHOT_SECONDS", "0")])
def test_a_bad_metrics_setting_stops_the_start_with_one_line(name, value):
    with pytest.raises(settings.ConfigError) as refused:
        settings.metrics({name: value})
    assert str(refused.value).startswith(f'{name}: "{value}"') and "\n" not in str(refused.value)
    problems = startup_problems({"CONSENT_DEMO": "1", name: value})
    assert problems == [str(refused.value)]


def test_good_metrics_settings_are_read():
    read = settings.metrics({"CONSENT_METRICS_BIND": "[::1]:9100", "CONSENT_MONITOR_METRICS_BIND": "0.0.0.0:9101",
                             "CONSENT_METRICS_SNAPSHOT_SECONDS": "60"})
    assert (read.bind, read.monitor_bind, read.snapshot_seconds) == ("[::1]:9100", "0.0.0.0:9101", 60)
    assert settings.metrics({}).bind is None and settings.metrics({}).snapshot_seconds == 3600


def test_the_public_service_alone_has_no_metrics_page(agencies_dir):
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": False, "DATABASE_URL": None})
    client = app.test_client()
    assert client.post("/v1/dor/opt-out").status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert "/metrics" not in client.get("/openapi.json").get_json()["paths"]


def test_the_snapshot_process_stores_the_counts_once_more_when_told_to_stop(tmp_path, upgraded_sqlite,  # noqa: F811
                                                                             agencies_dir, monkeypatch):
    url = new_sqlite_url(tmp_path, upgraded_sqlite)
    monkeypatch.setenv("CONSENT_DATABASE_URL", url)
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": False, "DATABASE_URL": url})
    client = app.test_client()
    before = exposition.agency_totals().get("dor", {}).get("opt_outs", 0)
    for _ in range(3):
        assert client.post("/v1/dor/opt-out").status_code == 200
    stopping = threading.Event()
    stopping.set()  # SIGTERM came before the first period ended: only the last snapshot is taken
    snapshots.run(stopping, 3600, os.getppid())
    with session_for(app) as db:
        [row] = db.scalars(select(VisitorCount).where(VisitorCount.agency_id == "dor")).all()
    assert row.opt_outs == before + 3
    app.extensions["database"].kw["bind"].dispose()
