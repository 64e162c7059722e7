"""The waiver journey in real Chromium: filed, recommended, reviewed, decided; public on its start date; QA waives.

A requester, a reviewer, counsel and an approver each sign in at /console/login and use only the keyboard. The
clock of the service and of consent-qa is then moved (time-machine) to the waiver's first day and to the day
after its last: the fixture page's three-year cookie (clause 2.2) is `waived` in between and `fail` after.
"""

import datetime
import json
import urllib.request
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
import time_machine

from console_browser import ConsoleServer
from console_browser import Staff
from console_browser import start_browser
from extension import waivers as qa_waivers
from extension.cli import main as consent_qa
from server.db.clock import today as commonwealth_today

pytestmark = pytest.mark.browser
BOSTON = ZoneInfo("America/New_York")
PAGE = "/fx/long-cookie/"  # sets fx_prefs with Max-Age of three years: fails 2.2 and nothing else


@pytest.fixture
def console(database_url, tmp_path):
    """The service with its console on this database (SQLite, then PostgreSQL) and the fixture agency's pages."""
    agencies = tmp_path / "agencies"
    agencies.mkdir()
    server = ConsoleServer(agencies, database_url)
    for name, role in (("rita", "requester"), ("remy", "reviewer"), ("cole", "counsel"), ("abe", "approver")):
        server.add_staff(name, role)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def chrome(browser_pool):
    """One headless Chromium for the module's journeys."""
    browser = start_browser(browser_pool)
    yield browser.driver
    browser_pool.give_back(browser)


def public_waivers(base):
    """GET /v1/fx/waivers as QA reads it."""
    with urllib.request.urlopen(f"{base}/v1/fx/waivers", timeout=10) as response:
        return json.load(response)


def noon_in_boston(day):
    """A moment on that Commonwealth calendar day."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=BOSTON)


def check_page(base, report_dir):
    """consent-qa on the fixture page, as QA runs it: (exit code, the 2.2 finding, the junit 2.2 case)."""
    code = consent_qa(["check", base + PAGE, "--agency", "fx", "--report-dir", str(report_dir)])
    report = json.loads((report_dir / "report.json").read_text())
    [finding] = [f for f in report["findings"] if f["clause"] == "2.2"]
    suite = ET.parse(report_dir / "junit.xml").getroot().find("testsuite")
    [case] = [c for c in suite.findall("testcase") if c.get("name") == "clause 2.2"]
    return code, finding, case, report


def test_a_waiver_from_request_to_qa(console, chrome, tmp_path, monkeypatch):
    base = console.url
    person = Staff(chrome, base)
    starts = commonwealth_today() + datetime.timedelta(days=14)
    ends = starts + datetime.timedelta(days=30)

    person.sign_in("rita").file_request("Fixture Office", "fx_prefs", starts, ends)
    page = chrome.current_url.replace(base, "")
    waiver_id = int(page.rsplit("/", 1)[1])
    assert person.heading() == f"Waiver {waiver_id}: fx"
    assert "Submitted" in person.text_of(".state-line")
    person.sign_out()

    person.sign_in("remy").take_step(page, "Recommend", "recommend-recommendation-0", "recommend-notes",
                                     "Low risk; the vendor upgrade is scheduled.")
    assert "Recommended" in person.text_of(".state-line")
    person.sign_out()
    person.sign_in("cole").take_step(page, "Record the legal review", None, "legal-review-analysis",
                                     "Permissible under 3.4 for a limited period.")
    assert "Reviewed" in person.text_of(".state-line")
    person.sign_out()
    person.sign_in("abe").take_step(page, "Sign the decision", "decide-decision-0", "decide-notes", "Granted.")
    assert "Granted, not yet in force" in person.text_of(".state-line")
    trail = person.text_of(".trail tbody")
    assert [word in trail for word in ("rita", "remy", "cole", "abe")] == [True] * 4
    person.sign_out()

    # Not yet in force today: the public list is empty, and the cookie fails 2.2.
    assert public_waivers(base)["waivers"] == []

    with time_machine.travel(noon_in_boston(starts), tick=True):
        listed = public_waivers(base)
        assert listed["date"] == starts.isoformat()
        assert listed["waivers"] == [{"id": waiver_id, "clauses": ["2.2"], "scope": {"cookies": ["fx_prefs"]},
                                      "kind": "limited", "starts": starts.isoformat(), "ends": ends.isoformat()}]
        code, finding, case, report = check_page(base, tmp_path / "on-start")
        assert code == 0, [f for f in report["findings"] if f["verdict"] == "fail"]
        assert finding["verdict"] == "waived" and finding["waivers"] == [waiver_id]
        assert report["summary"]["waived"] == 1 and report["summary"]["failed"] == 0
        assert case.find("skipped").get("message") == f"waived by waiver {waiver_id}"
        assert "1 waived" in (tmp_path / "on-start" / "report.html").read_text()

        # QA's own calendar decides too: a list fetched on `ends` no longer counts the day after.
        monkeypatch.setattr(qa_waivers, "today", lambda: ends + datetime.timedelta(days=1))
        code, finding, case, _ = check_page(base, tmp_path / "qa-clock")
        assert code == 1 and finding["verdict"] == "fail" and case.find("failure") is not None
        monkeypatch.undo()

    with time_machine.travel(noon_in_boston(ends + datetime.timedelta(days=1)), tick=True):
        assert public_waivers(base)["waivers"] == []
        code, finding, case, _ = check_page(base, tmp_path / "after-end")
        assert code == 1 and finding["verdict"] == "fail" and "waivers" not in finding
