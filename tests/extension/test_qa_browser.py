"""launch_chrome and the extension's record: plain browsers, GPC, fixed id, clean quit, what is recorded."""

import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from extension.chromium import EXTENSION_ID
from extension.chromium import RECORD_PAGE
from extension.chromium import extension_id
from extension.browser import launch_chrome
from extension.chromium import merge_features
from extension.channel import ask_page
from extension.windows import record_window
from extension.driver import check_page
from extension.driver import fresh_tab
from extension.driver import wait_notice
from extension.driver import wait_quiet


@contextmanager
def commands_sent(driver):
    """The names of the WebDriver commands the driver sends inside the block, in order."""
    sent = []
    execute = driver.execute
    driver.execute = lambda command, params=None: sent.append(command) or execute(command, params)
    try:
        yield sent
    finally:
        del driver.execute


# Run in record.html: the tabs the add-on's own DevTools sessions are attached to (a command there answers).
WATCHED_TABS = """const done = arguments[arguments.length - 1];
chrome.tabs.query({}).then(async (tabs) => {
  const held = [];
  for (const tab of tabs) {
    await chrome.debugger.sendCommand({ tabId: tab.id }, "Page.getFrameTree").then(() => held.push(tab.url), () => {});
  }
  done(held);
});"""


def test_features_fold_into_one_flag():
    args = merge_features(["--x", "--enable-features=A,B"], ("GlobalPrivacyControl", "A"))
    assert args == ["--x", "--enable-features=A,B,GlobalPrivacyControl"]
    assert merge_features(["--x"], ()) == ["--x"]


def test_extension_id_is_derived_from_the_manifest_key():
    assert EXTENSION_ID == extension_id()
    assert len(EXTENSION_ID) == 32 and set(EXTENSION_ID) <= set("abcdefghijklmnop")


@pytest.mark.browser
def test_plain_browser_with_gpc_quits_cleanly(fx_server):
    browser = launch_chrome(extension=False, gpc=True)
    with browser:
        browser.wait_ready()  # nothing to wait for without the extension
        browser.driver.get(f"{fx_server}/fx/privacy")
        assert browser.driver.execute_script("return navigator.globalPrivacyControl") is True
        pid = browser.service.process.pid
        temp_dir = Path(browser.temp_dir)
    assert not temp_dir.exists()
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]


@pytest.mark.browser
def test_record_has_requests_raw_headers_and_cookie_flags(fx_server, qa_browser):
    driver = qa_browser.driver
    fresh_tab(driver)
    driver.get(f"{fx_server}/fx/outside-cookie/")
    wait_notice(driver)
    wait_quiet(driver)
    record = ask_page(driver, "read")

    requests = {e["url"].split("?")[0]: e for e in record["events"] if e["kind"] == "request"}
    page = requests[f"{fx_server}/fx/outside-cookie/"]
    assert page["type"] == "main_frame"
    outside = requests[f"http://localhost:{fx_server.rsplit(':', 1)[1]}/fx/outside/t.js"]
    assert outside["type"] == "script" and outside["initiator"] == fx_server
    [header] = [e for e in record["events"] if e["kind"] == "set-cookie"]
    assert header["headers"] == ["_fx_outside=1; Max-Age=2592000; Path=/; SameSite=None; Secure"]
    writes = [e["value"] for e in record["events"] if e["kind"] == "cookie-write"]
    assert any(w.startswith("_fx_analytics=1; max-age=31536000") for w in writes)
    jar = {c["name"]: c for c in record["cookies"]}
    assert jar["_fx_outside"]["domain"] == "localhost" and jar["_fx_outside"]["sameSite"] == "no_restriction"
    assert jar["_fx_outside"]["secure"] and not jar["_fx_outside"]["session"]
    assert jar["_fx_analytics"]["domain"] == "127.0.0.1"

    ask_page(driver, "reset")
    assert ask_page(driver, "read")["events"] == []


@pytest.mark.browser
def test_reading_facts_leaves_the_page_unchanged(fx_server, qa_browser):
    driver = qa_browser.driver
    fresh_tab(driver)
    driver.get(f"{fx_server}/fx/good/")
    wait_notice(driver)
    html = driver.execute_script("return document.documentElement.outerHTML")

    facts = ask_page(driver, "facts")

    assert facts["notice"]["hook"] == "data-consent-notice"
    controls = facts["notice"]["controls"]
    assert [c["action"] for c in controls if c["tag"] == "button"] == ["opt-out", "accept"]
    assert [c["name"] for c in controls if c["tag"] == "a"] == ["Privacy policy", "Terms of use"]
    assert all(c["tabbable"] and c["visible"] for c in controls)
    assert driver.execute_script("return document.documentElement.outerHTML") == html


@pytest.mark.browser
def test_record_survives_the_worker_stopping(fx_server, qa_browser):
    driver = qa_browser.driver
    fresh_tab(driver)
    driver.get(f"{fx_server}/fx/good/")
    wait_quiet(driver)
    seen = len(ask_page(driver, "read")["events"])
    page = driver.current_window_handle
    driver.switch_to.window(record_window(driver))
    assert driver.execute_async_script(WATCHED_TABS) == [f"{fx_server}/fx/good/"]  # the page, not record.html
    driver.switch_to.window(page)

    # What the 30-second idle timeout does, now: stop the extension's service worker. The add-on's DevTools
    # sessions keep it alive while it watches a page (by design); a tab showing the add-on's own page is let go,
    # so here nothing holds the worker, as when Chrome's idle timer stops it.
    driver.get(RECORD_PAGE)
    WebDriverWait(driver, 3, poll_frequency=0.1).until(
        lambda d: d.execute_async_script(WATCHED_TABS) == [], "the add-on still watches a tab showing its own page")
    driver.execute_cdp_cmd("ServiceWorker.enable", {})
    driver.execute_cdp_cmd("ServiceWorker.stopAllWorkers", {})
    targets = driver.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]
    assert "service_worker" not in {t["type"] for t in targets}
    driver.get(f"{fx_server}/fx/good/more")
    wait_quiet(driver)

    events = ask_page(driver, "read")["events"]
    assert len(events) > seen
    assert any(e["kind"] == "request" and e["url"] == f"{fx_server}/fx/good/more" for e in events[seen:])


@pytest.mark.browser
def test_a_quiet_wait_lasts_until_the_page_stops_writing_cookies(fx_server, qa_browser):
    driver = qa_browser.driver
    fresh_tab(driver)
    driver.get(f"{fx_server}/fx/privacy")
    # The page writes a cookie every 100 ms for about a second, then stops.
    driver.execute_script("let n = 0; const t = setInterval(() => { document.cookie = `tick=${n}; path=/`;"
                          " n += 1; if (n === 10) clearInterval(t); }, 100);")
    time.sleep(0.25)  # writing has begun
    answer = wait_quiet(driver, quiet_ms=1000, limit=8)  # a second without a write: the page has stopped

    assert answer["quiet"] is True and answer["now"] - answer["newest"] >= 1000
    writes = [e["value"] for e in ask_page(driver, "read")["events"] if e["kind"] == "cookie-write"]
    assert writes[-1].startswith("tick=9"), writes  # nothing was left out: the wait outlasted the writes
    # A wait that cannot end quiet ends at its limit, saying so.
    driver.execute_script("setInterval(() => { document.cookie = 'busy=1; path=/'; }, 50);")
    time.sleep(0.25)
    started = time.monotonic()
    busy = wait_quiet(driver, quiet_ms=2000, limit=0.8)
    assert busy["quiet"] is False and busy["now"] - busy["newest"] < 2000
    assert time.monotonic() - started < 2


@pytest.mark.browser
def test_each_ask_is_one_command_fewer_than_asking_where_the_page_is_first(fx_server, qa_browser):
    driver = qa_browser.driver
    fresh_tab(driver)
    driver.get(f"{fx_server}/fx/good/")
    ask_page(driver, "facts")  # the measuring code is installed in the new document's world once
    with commands_sent(driver) as worker:
        ask_page(driver, "last")  # the worker, from record.html
    with commands_sent(driver) as world:
        ask_page(driver, "facts")  # the page's isolated world
    # Each command is a hop through a Grid: going there and back, never "where am I?" first.
    assert worker == ["switchToWindow", "w3cExecuteScriptAsync", "switchToWindow"]
    assert world == ["executeCdpCommand", "executeCdpCommand"]


@pytest.mark.browser
def test_a_quiet_wait_brings_the_record_in_the_same_ask(fx_server, qa_browser):
    driver = qa_browser.driver
    fresh_tab(driver)
    driver.get(f"{fx_server}/fx/good/")
    with commands_sent(driver) as sent:
        answer = wait_quiet(driver, read=True)
    # The page is quiet: reading again finds exactly what came with the wait, which was one trip to the worker.
    assert sent == ["switchToWindow", "w3cExecuteScriptAsync", "switchToWindow"]
    assert answer["quiet"] is True and answer["record"]["events"] == ask_page(driver, "read")["events"]
    assert any(e["kind"] == "request" for e in answer["record"]["events"])


@pytest.mark.browser
def test_a_journey_asks_the_worker_seven_times(fx_server, fx_notice, qa_browser):
    """Each ask switches to record.html's window and back, about 50 ms of the browser's CPU: a reset, then six waits
    for quiet, two of which bring the record (before and after the opt-out) instead of reading it apart."""
    with commands_sent(qa_browser.driver) as sent:
        page = check_page(qa_browser, f"{fx_server}/fx/good/", fx_notice)
    asks = [command for command in sent if command == "w3cExecuteScriptAsync"]
    assert len(asks) == 7
    assert page["next"]["url"] and page["before"]["record"]["events"] and page["after_record"]["events"]


@pytest.mark.browser
def test_a_fresh_tab_replaces_the_page_and_is_shown_at_full_size(fx_server, qa_browser):
    driver = qa_browser.driver
    for _ in range(3):
        fresh_tab(driver)
        driver.get(f"{fx_server}/fx/good/")
    # The page under test and record.html (in a window of its own), nothing left of earlier visits.
    assert len(driver.window_handles) == 2
    shown = driver.execute_script("return [document.visibilityState, innerWidth, outerHeight]")
    assert shown == ["visible", 1280, 900]
