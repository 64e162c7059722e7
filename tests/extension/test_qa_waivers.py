"""QA honours waivers: covered 2.x failures are `waived` while the waiver holds, `fail` again the day after it ends."""

import datetime
import json
from dataclasses import replace
import xml.etree.ElementTree as ET

import pytest

from extension.clauses.findings import Finding
from extension.page_record import PageRecord
from extension.report import write_reports
from extension.rules import cookie_name_matches
from extension.waivers import apply_waivers
from extension.waivers import in_force
from extension.waivers import load_waivers
from extension.waivers import offending_cookies

URL = "https://www.mass.gov/"
STARTS = datetime.date(2027, 3, 1)
ENDS = datetime.date(2027, 8, 31)
ONE_DAY = datetime.timedelta(days=1)
NOTICE = {"trackers": [
    {"id": "vendor-ads", "contracted": False, "cookies": [{"name": "_ads_id", "domain": "ads.example"}]},
    {"id": "site-stats", "contracted": True, "cookies": [{"name": "_stats", "domain": "mass.gov"}]},
]}


def waiver(waiver_id="W-7", *, scope=None, clauses=("2.1", "2.2", "2.5"), starts=STARTS, ends=ENDS):
    """A waiver as GET /v1/AGENCY/waivers lists it: id, clauses, scope and dates."""
    return {"id": waiver_id, "clauses": list(clauses), "scope": scope or {"cookies": ["_ads_id"]},
            "starts": starts.isoformat(), "ends": ends.isoformat() if ends else None}


def fail_2_2(*cookies):
    """A failing 2.2 finding naming its too-long cookies as cookie_clauses writes it."""
    return Finding(URL, "2.2", "fail", "Persistent cookies expire after more than 2 years.",
                   {"too_long": [{"name": n, "domain": d, "lifetime_days": 1095} for n, d in cookies]})


def fail_2_1(*labels):
    """A failing 2.1 finding: persistent cookies outside the Commonwealth domains."""
    return Finding(URL, "2.1", "fail", "Persistent cookies set outside.", {"outside": list(labels)})


def fail_2_5(*labels):
    """A failing 2.5 finding: permanent cookies of outside parties without a contract."""
    return Finding(URL, "2.5", "fail", "Permanent cookies from outside parties.",
                   {"offending": [{"cookie": label, "why": "not contracted"} for label in labels]})


def verdicts(findings, waivers, day):
    """The verdict of each finding after waivers, on one day."""
    applied = apply_waivers(findings, {URL: NOTICE}, {URL: waivers}, day)
    return [f.verdict for f in applied]


@pytest.mark.parametrize(("day", "holds"), [
    (STARTS - ONE_DAY, False), (STARTS, True), (ENDS, True), (ENDS + ONE_DAY, False)])
def test_a_limited_waiver_holds_from_starts_through_ends(day, holds):
    assert in_force(waiver(), day) is holds
    assert verdicts([fail_2_2(("_ads_id", "ads.example"))], [waiver()], day) == (["waived"] if holds else ["fail"])


def test_a_permanent_waiver_has_no_end():
    permanent = waiver(ends=None)

    assert in_force(permanent, datetime.date(2099, 1, 1))
    assert not in_force(permanent, STARTS - ONE_DAY)


def test_the_waived_finding_names_its_waiver_and_keeps_the_reason():
    finding = fail_2_2(("_ads_id", "ads.example"))

    [waived] = apply_waivers([finding], {URL: NOTICE}, {URL: [waiver("W-42")]}, STARTS)

    assert waived.verdict == "waived" and waived.waivers == ("W-42",)
    assert waived.reason.startswith("Waived by waiver W-42 (in force on 2027-03-01): Persistent cookies")
    assert waived.evidence == finding.evidence
    assert finding.verdict == "fail"  # the input is not changed


def test_every_cookie_must_be_covered():
    finding = fail_2_2(("_ads_id", "ads.example"), ("_other", "ads.example"))

    assert verdicts([finding], [waiver()], STARTS) == ["fail"]
    both = [waiver("W-1"), waiver("W-2", scope={"cookies": ["_other"]})]
    [waived] = apply_waivers([finding], {URL: NOTICE}, {URL: both}, STARTS)
    assert waived.verdict == "waived" and waived.waivers == ("W-1", "W-2")


def test_a_tracker_scope_covers_that_trackers_declared_cookies_only():
    by_tracker = [waiver(scope={"tracker": "vendor-ads"})]

    assert verdicts([fail_2_5("_ads_id (ads.example)")], by_tracker, STARTS) == ["waived"]
    assert verdicts([fail_2_5("_stats (mass.gov)")], by_tracker, STARTS) == ["fail"]
    assert verdicts([fail_2_5("_ads_id (elsewhere.example)")], by_tracker, STARTS) == ["fail"]


@pytest.mark.parametrize(("name", "pattern", "matches"), [
    ("_ga_X1", "_ga_*", True), ("_ga", "_ga*", True), ("_gb_X1", "_ga_*", False), ("_ga_X1", "_ga_", False),
    ("_ga", "_ga", True), ("x_ga", "_ga*", False), ("anything", "*", True)])
def test_cookie_names_match_exactly_or_by_trailing_star(name, pattern, matches):
    assert cookie_name_matches(pattern, name) is matches


def test_a_waiver_covers_only_its_clauses():
    only_2_2 = [waiver(clauses=("2.2",), scope={"cookies": ["_ads_*"]})]
    findings = [fail_2_2(("_ads_id", "ads.example")), fail_2_1("_ads_id (ads.example)")]

    assert verdicts(findings, only_2_2, STARTS) == ["waived", "fail"]


def test_passing_and_other_clauses_are_never_waived():
    everything = [waiver(scope={"cookies": ["*"]})]
    findings = [Finding(URL, "1.3.1", "fail", "Undeclared.", {"undeclared": ["_ads_id (ads.example)"]}),
                Finding(URL, "2.2", "pass", "Fine.", {"too_long": []}),
                Finding(URL, "2.2", "fail", "Unnamed.", {})]

    assert verdicts(findings, everything, STARTS) == ["fail", "pass", "fail"]


def test_waivers_apply_per_page():
    other = "https://other.mass.gov/"
    findings = [fail_2_2(("_ads_id", "ads.example")), replace(fail_2_2(("_ads_id", "ads.example")), url=other)]

    applied = apply_waivers(findings, {URL: NOTICE, other: NOTICE}, {URL: [waiver()], other: []}, STARTS)

    assert [f.verdict for f in applied] == ["waived", "fail"]


def test_offending_cookies_read_from_each_clauses_evidence():
    assert offending_cookies(fail_2_1("_x (ads.example)")) == [{"name": "_x", "domain": "ads.example"}]
    assert offending_cookies(fail_2_5("_y (.t.example)")) == [{"name": "_y", "domain": ".t.example"}]
    assert offending_cookies(fail_2_2(("_z", "mass.gov"))) == [{"name": "_z", "domain": "mass.gov"}]


def test_reports_count_waived_apart(tmp_path):
    findings = apply_waivers([fail_2_2(("_ads_id", "ads.example")), fail_2_1("_x (ads.example)")],
                             {URL: NOTICE}, {URL: [waiver("W-9")]}, STARTS)

    paths = write_reports(tmp_path, [PageRecord(URL)], findings, {"agency": "dor"})

    summary = json.loads(paths["json"].read_text())["summary"]
    assert summary["failed"] == 1 and summary["waived"] == 1
    page = paths["html"].read_text()
    assert "1 failing finding(s) of 2, 1 waived." in page
    assert "<td class='waived'>waived</td><td>Waived by waiver W-9" in page
    suite = ET.parse(paths["junit"]).getroot().find("testsuite")
    assert suite.get("failures") == "1" and suite.get("skipped") == "1"
    skipped = suite.find("testcase/skipped")
    assert skipped.get("message") == "waived by waiver W-9"
    assert [c.get("name") for c in suite.findall("testcase") if c.find("skipped") is not None] == ["clause 2.2"]


def test_an_unreadable_waiver_list_is_warned_about_and_waives_nothing():
    warnings = []

    found = load_waivers(["http://127.0.0.1:9"], "dor", warnings.append)

    assert found == {"http://127.0.0.1:9": []}
    assert warnings[0].startswith("consent-qa: warning: cannot read the waivers from http://127.0.0.1:9/v1/dor/waivers")
    assert warnings[0].endswith("no finding is waived")
