"""`consent-service monitor run` on a real site in real Chromium: history stored, regressions mailed once, waivers.

The site (mx_site.py) passes every clause until it starts setting a three-year cookie (2.2 fails);
e-mail goes through a real SMTP server on loopback; the console database is a real SQLite file.
"""

import datetime

import mx_site
import pytest
from smtp_inbox import free_port
from click.testing import CliRunner
from sqlalchemy import func
from sqlalchemy import select

from server.commands.group import cli
from server.db.session import session_for
from server.staff.models import User
from server.staff.models import Waiver
from server.staff.models import WaiverStep
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun
from server.monitoring.models import Regression
from server.monitoring.models import Screenshot

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n"
CLAUSES = {"1.3.2", "1.3.3", "1.3.3-gpc", "equal-access", "1.3.1", "2.1", "2.2", "2.5"}


@pytest.fixture
def monitor(mx_site_sqlite, smtp_server, monkeypatch, tmp_path):
    """Runs `consent-service monitor run ARGS` against the mx site; returns (exit code, output, newest run)."""
    env = mx_site_sqlite.environment(CONSENT_SMTP_URL=smtp_server.url, CONSENT_SCREENSHOT_DIR=str(tmp_path / "shots"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    def run(*args):
        result = CliRunner().invoke(cli, ["monitor", "run", *args])
        with session_for(mx_site_sqlite.app) as db:
            newest = db.scalar(select(MonitoringRun).order_by(MonitoringRun.id.desc()).limit(1))
        return result.exit_code, result.output, newest
    run.inbox = smtp_server.inbox
    run.shots = tmp_path / "shots"
    return run


def findings_of(app, run_id):
    with session_for(app) as db:
        return list(db.scalars(select(Finding).where(Finding.run_id == run_id).order_by(Finding.id)))


def test_a_run_checks_every_page_and_keeps_findings_and_screenshots(monitor, mx_site_sqlite):
    mx_site.STATE["long_cookie"] = False
    code, output, run = monitor("--agency", "mx")
    assert code == 0, output
    assert f"mx: 2 page(s), 0 not checked; failing: none; {mx_site_sqlite.url}/console/runs/{run.id}" in output
    assert run.state == "done" and run.trigger == "manual" and run.pages_total == 2 and run.pages_failed == 0
    assert run.verdicts == dict.fromkeys(CLAUSES, "pass")
    findings = findings_of(mx_site_sqlite.app, run.id)
    assert {(f.url, f.clause) for f in findings} == {(f"{mx_site_sqlite.url}/mx/{n}/", c) for n in (1, 2)
                                                     for c in CLAUSES}
    assert all(f.verdict == "pass" and f.reason for f in findings)
    with session_for(mx_site_sqlite.app) as db:
        pages = list(db.scalars(select(MonitoredPage).where(MonitoredPage.run_id == run.id)))
        shots = list(db.scalars(select(Screenshot).where(Screenshot.run_id == run.id)))
    assert [(p.state, p.attempts) for p in pages] == [("done", 1), ("done", 1)]
    assert sorted(s.label for s in shots) == ["fresh", "fresh", "opted-out", "opted-out"]
    assert all((monitor.shots / s.path).read_bytes().startswith(PNG) for s in shots)
    assert monitor.inbox.messages == []


def test_pass_to_fail_mails_the_contacts_once_with_evidence_and_a_link(monitor, mx_site_sqlite, monkeypatch):
    monkeypatch.setenv("CONSENT_MONITOR_GPC", "0")  # three runs about clause 2.2: the GPC visit is the first test's
    mx_site.STATE["long_cookie"] = False
    assert monitor("--agency", "mx")[0] == 0
    mx_site.STATE["long_cookie"] = True
    code, output, run = monitor("--agency", "mx")
    assert code == 1, output
    assert "failing: 2.2;" in output
    assert run.verdicts["2.2"] == "fail" and run.verdicts["1.3.2"] == "pass"
    with session_for(mx_site_sqlite.app) as db:
        regressions = list(db.scalars(select(Regression).where(Regression.run_id == run.id)))
    assert sorted((r.url, r.clause) for r in regressions) == [(f"{mx_site_sqlite.url}/mx/{n}/", "2.2") for n in (1, 2)]
    assert all(r.notified_at is not None for r in regressions)
    [mail] = monitor.inbox.messages
    assert sorted(mail["to"]) == ["iso@mx.example", "webmaster@mx.example"]
    assert "Monitored Office of Testing" in mail["subject"] and "2.2" in mail["subject"]
    assert f"{mx_site_sqlite.url}/console/runs/{run.id}" in mail["body"]
    assert "mx_prefs" in mail["body"]  # the evidence: the cookie that lives too long
    assert mail["body"].count("Clause 2.2 on ") == 2

    # Still failing the next day: no new regression, no new e-mail.
    code, _output, again = monitor("--agency", "mx")
    assert code == 1 and again.id != run.id
    with session_for(mx_site_sqlite.app) as db:
        assert db.scalar(select(func.count()).select_from(Regression).where(Regression.run_id == again.id)) == 0
    assert len(monitor.inbox.messages) == 1


def test_a_waiver_in_force_makes_the_failure_waived_not_a_regression(monitor, mx_site_sqlite, monkeypatch):
    monkeypatch.setenv("CONSENT_MONITOR_GPC", "0")  # two runs about clause 2.2: the GPC visit is the first test's
    mx_site.STATE["long_cookie"] = False
    assert monitor("--agency", "mx")[0] == 0
    waiver_id = grant_waiver(mx_site_sqlite.app, "mx", "2.2", ["mx_prefs"])
    mx_site.STATE["long_cookie"] = True
    code, output, run = monitor("--agency", "mx")
    assert code == 0, output
    waived = [f for f in findings_of(mx_site_sqlite.app, run.id) if f.clause == "2.2"]
    assert [(f.verdict, f.waiver_id) for f in waived] == [("waived", waiver_id)] * 2
    assert run.verdicts["2.2"] == "waived"
    with session_for(mx_site_sqlite.app) as db:
        assert db.scalar(select(func.count()).select_from(Regression).where(Regression.run_id == run.id)) == 0
    assert monitor.inbox.messages == []


def test_an_unknown_or_unmonitored_agency_is_refused_with_one_line(monitor):
    code, output, _run = monitor("--agency", "nope")
    assert code == 2 and "--agency 'nope': no such agency" in output


def test_an_unreachable_page_is_tried_again_then_reported_not_checked(monitor, mx_site_sqlite, monkeypatch):
    closed = free_port()
    down = mx_site_sqlite.agencies_dir / "down.toml"
    down.write_text(mx_site.agency_text(f"http://127.0.0.1:{closed}", ["/"]).replace('id = "mx"', 'id = "down"'))
    monkeypatch.setenv("CONSENT_MONITOR_ATTEMPTS", "2")
    try:
        code, output, run = monitor("--agency", "down")
    finally:
        down.unlink()
    assert code == 2, output
    assert "down: 1 page(s), 1 not checked; failing: none" in output
    assert f"not checked: http://127.0.0.1:{closed}/: page unreachable" in output
    assert run.state == "done" and run.pages_failed == 1 and run.verdicts == {}
    with session_for(mx_site_sqlite.app) as db:
        [page] = db.scalars(select(MonitoredPage).where(MonitoredPage.run_id == run.id))
    assert (page.state, page.attempts) == ("failed", 2) and "unreachable" in page.error


def grant_waiver(app, agency_id, clause, cookies):
    """A waiver in force since yesterday, its trail as the workflow writes it (filed, recommended, granted)."""
    day = datetime.date.today() - datetime.timedelta(days=1)
    with session_for(app) as db:
        people = {}
        for name in ("requester", "reviewer", "counsel", "approver"):
            people[name] = User(name=f"mx-{name}-{clause}-{len(cookies)}-{datetime.datetime.now().timestamp()}")
            db.add(people[name])
        db.flush()
        waiver = Waiver(agency_id=agency_id, clauses=[clause], scope={"cookies": cookies}, purpose="Remembers layout.",
                        why_not_comply="Vendor limitation.", privacy_review="No personal data.",
                        pab_representative="A. Person", iso_copied=True, no_sensitive_information=True,
                        kind="limited", starts=day, ends=day + datetime.timedelta(days=30),
                        requester_id=people["requester"].id)
        db.add(waiver)
        db.flush()
        db.add_all([WaiverStep(waiver_id=waiver.id, actor_id=people["requester"].id, action="file"),
                    WaiverStep(waiver_id=waiver.id, actor_id=people["reviewer"].id, action="recommend",
                               outcome="grant"),
                    WaiverStep(waiver_id=waiver.id, actor_id=people["counsel"].id, action="legal-review"),
                    WaiverStep(waiver_id=waiver.id, actor_id=people["approver"].id, action="decide",
                               outcome="grant")])
        db.commit()
        return waiver.id
