"""The built-in demo site, with the real banner, passes every clause (issue 4's "done when")."""

import json
import xml.etree.ElementTree as ET

import pytest

from extension.clauses import CLAUSES
from extension.cli import main

pytestmark = pytest.mark.browser


def test_demo_site_passes_every_clause(live_server, tmp_path):
    code = main(["check", f"{live_server}/demo/", "--agency", "demo", "--report-dir", str(tmp_path), "--gpc"])

    report = json.loads((tmp_path / "report.json").read_text())
    failed = [(f["clause"], f["reason"]) for f in report["findings"] if f["verdict"] == "fail"]
    assert failed == []
    assert code == 0
    assert [f["clause"] for f in report["findings"]] == [*CLAUSES, "1.3.3"]
    assert ET.parse(tmp_path / "junit.xml").getroot().find("testsuite").get("failures") == "0"
    assert (tmp_path / "screenshots" / "page1-after.png").exists()
