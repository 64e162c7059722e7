"""`consent-qa check --remote-url HUB` through a real Selenium Grid 4 (a hub, two nodes on Debian's Chromium):
the add-on travels in the capabilities and every fixture page gets the verdicts local Chromium gives it.
"""

import json
import threading
import time

import pytest

from qa_fixture_site import CASES
from qa_fixture_site import EXPECTED_FAILURE
from selenium_grid import grid_fixture

from extension import remote
from extension.browser import SetupError
from extension.browser import launch_chrome
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


def hold_every_slot(grid):
    """A browser in each of the Grid's slots (one per node here)."""
    return [launch_chrome(remote_url=grid.url, extension=False) for _ in grid.node_urls]


def test_a_browser_waits_in_the_grid_queue_for_a_slot_longer_than_a_command(runs, selenium_grid):
    held = hold_every_slot(selenium_grid)
    # The Grid queues this session until a slot frees; before, the 45 s command timeout gave up first and
    # called the Grid unreachable.
    release = threading.Timer(50, held.pop().quit)
    release.start()
    started = time.monotonic()
    try:
        waiting = launch_chrome(remote_url=selenium_grid.url, extension=False)
        waited = time.monotonic() - started
        waiting.driver.get("about:blank")
        waiting.quit()
    finally:
        release.join()
        for browser in held:
            browser.quit()
    assert waited >= 45


def test_a_grid_whose_slots_stay_busy_is_named_as_such(runs, selenium_grid, monkeypatch):
    held = hold_every_slot(selenium_grid)
    # Only the browser that finds every slot taken waits the short time (holding them may take longer on a busy
    # machine: a slot the last test freed is only free once the Grid has ended its session).
    monkeypatch.setattr(remote, "NEW_SESSION_TIMEOUT", 5)
    try:
        with pytest.raises(SetupError) as raised:
            launch_chrome(remote_url=selenium_grid.url, extension=False)
    finally:
        for browser in held:
            browser.quit()
    assert str(raised.value) == (f"the remote WebDriver at {selenium_grid.url} gave no browser within 5 s (on a "
                                 "Selenium Grid: every slot stayed busy; give it more slots or run fewer threads)")
