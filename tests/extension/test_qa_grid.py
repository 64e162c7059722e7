"""`consent-qa check --remote-url HUB` through a real Selenium Grid 4 (a hub, two nodes on Debian's Chromium):
the add-on travels in the capabilities and every fixture page gets the verdicts local Chromium gives it.
"""

import json

import pytest

from qa_fixture_site import CASES
from qa_fixture_site import EXPECTED_FAILURE
from selenium_grid import grid_fixture

from extension.cli import main

# A Grid, then every fixture page twice (Grid and local): about two minutes, in `make test-long`.
pytestmark = [pytest.mark.browser, pytest.mark.long, pytest.mark.timeout(600)]
# One session per node: the two workers' browsers must land on different nodes.
selenium_grid = grid_fixture(nodes=2, max_sessions=1)
WORKERS = 2


def verdicts(report):
    """(page case, clause) → verdict, as the report lists them."""
    return {(f["url"].split("/fx/")[1].strip("/"), f["clause"]): f["verdict"] for f in report["findings"]}


@pytest.fixture(scope="module")
def runs(fx_server, selenium_grid, tmp_path_factory):
    """The same pages checked through the Grid and on local Chromium: {"grid"|"local": (exit code, report)}."""
    urls = [f"{fx_server}/fx/{case}/" for case in CASES]
    found = {}
    for name, more in (("grid", ["--remote-url", selenium_grid.url]), ("local", [])):
        folder = tmp_path_factory.mktemp(f"qa-{name}")
        code = main(["check", *urls, "--agency", "fx", "--report-dir", str(folder), "--workers", str(WORKERS),
                     *more])
        found[name] = (code, json.loads((folder / "report.json").read_text()))
    return found


def test_every_page_was_checked_through_the_grid_on_both_nodes(runs, selenium_grid):
    code, report = runs["grid"]

    assert code == 1
    assert [page["error"] for page in report["pages"] if page.get("error")] == []
    assert len(report["pages"]) == len(CASES)
    # Each node started one of the two workers' browsers: the hub spread them.
    assert selenium_grid.sessions_by_node() == {url: 1 for url in selenium_grid.node_urls}


def test_grid_gives_each_page_the_verdicts_local_chromium_gives(runs):
    grid, local = verdicts(runs["grid"][1]), verdicts(runs["local"][1])

    assert runs["local"][0] == runs["grid"][0]
    reasons = {(f["url"], f["clause"], f["verdict"]): f["reason"] for _code, report in runs.values()
               for f in report["findings"]}
    differing = {key: (grid[key], local.get(key)) for key in grid if grid[key] != local.get(key)}
    assert differing == {}, "verdicts differ (Grid, local): " + repr(
        {key: reason for key, reason in reasons.items() if any(case in key[0] for case, _ in differing)})[:3000]
    assert grid.keys() == local.keys()


def test_grid_run_fails_each_broken_page_on_its_clause(runs):
    found = verdicts(runs["grid"][1])

    expected = {case: clause for case, clause in EXPECTED_FAILURE.items() if clause}
    assert {case: found[(case, clause)] for case, clause in expected.items()} == {case: "fail" for case in expected}


def test_the_add_on_ran_on_the_node(runs):
    findings = {(f["url"].split("/fx/")[1].strip("/"), f["clause"]): f for f in runs["grid"][1]["findings"]}

    # Only the add-on sees a Set-Cookie header's raw Max-Age: the reason quotes it from the node's browser.
    assert "Max-Age=3600" in findings[("token-max-age", "1.3.3")]["reason"]
