"""The three reports from findings: JSON shape, escaped HTML with screenshots, JUnit that parses."""

import json
from datetime import datetime
import xml.etree.ElementTree as ET

from extension.clauses.findings import Finding
from extension.page_record import PageRecord
from extension.report import write_reports

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 16
URL = "https://www.mass.gov/a?q=<script>alert(1)</script>"


def findings():
    """One passing and one failing finding with HTML in the reason."""
    return [
        Finding(URL, "1.3.2", "pass", "Fine.", {}),
        Finding(URL, "2.2", "fail", "Cookie <b> lasts 3 years & more.", {"raw": "a=<1>"}),
    ]


def pages():
    """A checked page with screenshots and cookies, and one that could not be checked."""
    return [PageRecord(URL, screenshots={"before": PNG, "after": PNG},
                       cookies=[{"name": "<evil>", "domain": "mass.gov", "persistent": True, "lifetime_days": 1095,
                                 "setters": ["www.mass.gov"], "phases": ["before"]}]),
            PageRecord("https://down.example/", error="unreachable")]


def test_reports_are_written(tmp_path):
    paths = write_reports(tmp_path, pages(), findings(), {"agency": "dor"})

    data = json.loads(paths["json"].read_text())
    assert data["summary"] == {"pages": 2, "findings": 2, "failed": 1, "errors": 1}
    assert data["findings"] == [
        {"url": URL, "clause": "1.3.2", "verdict": "pass", "reason": "Fine.", "evidence": {}},
        {"url": URL, "clause": "2.2", "verdict": "fail", "reason": "Cookie <b> lasts 3 years & more.",
         "evidence": {"raw": "a=<1>"}},
    ]
    assert data["pages"][1] == {"url": "https://down.example/", "screenshots": {}, "cookies": [], "next_url": None,
                                "error": "unreachable", "seconds": None, "platform": None}
    assert data["pages"][0]["screenshots"] == {"before": "screenshots/page1-before.png",
                                               "after": "screenshots/page1-after.png"}
    assert (tmp_path / "screenshots" / "page1-before.png").read_bytes() == PNG


def test_html_escapes_everything(tmp_path):
    page = write_reports(tmp_path, pages(), findings(), {"agency": "<dor>"})["html"].read_text()

    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Cookie &lt;b&gt; lasts 3 years &amp; more." in page
    assert "&lt;evil&gt;" in page and "&lt;dor&gt;" in page
    assert "<img src='screenshots/page1-before.png'" in page
    assert "Could not be checked: unreachable" in page


def test_junit_has_a_case_per_finding_and_page_errors(tmp_path):
    root = ET.parse(write_reports(tmp_path, pages(), findings(), {"agency": "dor"})["junit"]).getroot()

    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["clause 1.3.2", "clause 2.2", "check"]
    assert cases[1].find("failure").get("message") == "Cookie <b> lasts 3 years & more."
    assert cases[2].find("error").get("message") == "unreachable"
    assert suite.get("failures") == "1" and suite.get("errors") == "1"


def test_html_names_each_clause_by_what_it_asks_and_gives_a_readable_time(tmp_path):
    page = write_reports(tmp_path, pages(), findings(), {"agency": "dor"})["html"].read_text()
    generated = json.loads((tmp_path / "report.json").read_text())["generated"]

    assert "<td>2.2 Cookie lifetime at most 2 years</td>" in page
    assert "<td>1.3.2 Notice visible</td>" in page
    assert generated not in page  # the JSON keeps the ISO instant; the page says it as a person would
    day = datetime.strptime(generated, "%Y-%m-%dT%H:%M:%SZ")
    assert f"Generated {day.day} {day:%B %Y} at {day:%H:%M} UTC." in page


def test_a_reason_with_a_script_and_quotes_is_text_in_the_page(tmp_path):
    hostile = Finding(URL, "1.3.3", "fail", 'Opt-out broke: <script>alert("x")</script> " onmouseover="x', {})

    page = write_reports(tmp_path, pages(), [hostile], {"agency": "dor"})["html"].read_text()

    assert "<script>" not in page and 'onmouseover="x' not in page
    assert "Opt-out broke: &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &#34; onmouseover=&#34;x" in page


def test_gpc_and_waived_findings_keep_their_keys_and_order_in_the_json(tmp_path):
    gpc = Finding(URL, "1.3.3", "pass", "GPC honoured.", {"gpc": True}, variant="gpc")
    waived = Finding(URL, "2.2", "waived", "Waived by waiver W-1.", {}, waivers=("W-1", 7))

    data = json.loads(write_reports(tmp_path, pages(), [gpc, waived], {"agency": "dor"})["json"].read_text())

    assert [list(found) for found in data["findings"]] == [
        ["url", "clause", "verdict", "reason", "evidence", "variant"],
        ["url", "clause", "verdict", "reason", "evidence", "waivers"]]
    assert data["findings"][1]["waivers"] == ["W-1", 7]
    assert list(data["pages"][0]) == ["url", "screenshots", "cookies", "next_url", "error", "seconds", "platform"]
