"""One page's journey: fresh visit, opt out, reload, follow a link; the extension records, this acts."""

import time
from concurrent.futures import ThreadPoolExecutor

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.keys import Keys

from extension.channel import ask_page
from extension.channel import ask_worker
from extension.clauses.privacy_readability import capture_policy
from extension.navigation import allowed_for
from extension.navigation import check_url
from extension.navigation import policy_places
from extension.navigation import stay_within
from extension.page_world import main_frame
from extension.platforms import frames
from extension.platforms.operate import asks_again
from extension.platforms.operate import detect_platform
from extension.platforms.operate import platform_opt_out
from extension.platforms.operate import reached_by_keyboard
from extension.rules import OPT_OUT_NAME
from extension.trackers import tracker_prefixes
from extension.tracking.probe import stored
from extension.tracking.probe import type_word
from extension.windows import record_window
from extension.windows import use_page_window

NOTICE_TIMEOUT = 5.0
QUIET_MS = 300
MAX_TABS = 250  # a keyboard user may need many presses; each costs a few ms here


class PageError(RuntimeError):
    """The page could not be checked at all (unreachable, or the extension saw nothing)."""


def fresh_tab(driver) -> None:
    """A new tab, every other one closed, an empty record and no cookies or site storage: a first-time visitor."""
    handles = driver.window_handles
    record = record_window(driver, handles)  # the worker's page stays open in its own window
    # In the window under test (the old tab is closed next, so the new one is shown): 0.25 CPU-seconds less per
    # page than a window of its own, measured.
    driver.switch_to.new_window("tab")
    new = driver.current_window_handle
    for handle in handles:
        if handle != record:
            driver.switch_to.window(handle)
            driver.close()
    use_page_window(driver, new)
    ask_worker(driver, "reset", wipe=True)


def wait_quiet(driver, quiet_ms: int = QUIET_MS, limit: float = 3.0, read: bool = False) -> dict:
    """Wait until the extension has seen no new event for quiet_ms (network and cookies settled), at most limit
    seconds; the worker waits, so this is one ask. Its answer: the worker's clock then ("now") and "newest", and
    with `read` the record as it stood then ("record"): the same ask, not a second switch of windows."""
    return ask_worker(driver, "quiet", quiet_ms=quiet_ms, limit_ms=round(limit * 1000), read=read)


def wait_notice(driver, limit: float = NOTICE_TIMEOUT, platform: tuple = ()) -> dict:
    """Poll the notice facts until it is shown and stopped moving, or the page settled without one."""
    deadline = time.monotonic() + limit
    previous = None
    facts = ask_page(driver, "facts", platform=list(platform))
    while time.monotonic() < deadline:
        notice = facts.get("notice")
        if notice and notice.get("visible"):
            if previous is not None and previous == notice["rect"]:
                return facts
            previous = notice["rect"]
        elif facts.get("readyState") == "complete":
            state = ask_page(driver, "last")
            idle_ms = state["now"] - state["newest"]
            if idle_ms >= 800:
                return facts
            # No notice yet: look again when the 800 ms window would close (or sooner if it shows).
            time.sleep(max(0.1, min((800 - idle_ms) / 1000, 0.25, deadline - time.monotonic())))
            facts = ask_page(driver, "facts", platform=list(platform))
            continue
        time.sleep(0.1)
        facts = ask_page(driver, "facts", platform=list(platform))
    return facts


def visit(driver, url: str, allowed=None) -> None:
    """Load a page; a page without our content script is an error page (unreachable); never one off `allowed`."""
    if allowed is not None:
        check_url(allowed, url)  # a next or policy link off the agency's origins is never opened
    try:
        driver.get(url)
    except WebDriverException as e:
        reason = (e.msg or str(e)).splitlines()[0].removeprefix("unknown error: ")
        raise PageError(f"page unreachable: {url} ({reason})") from e
    if allowed is not None:
        stay_within(driver, allowed)  # where a redirect took it
    try:
        frame = main_frame(driver)
    except WebDriverException as e:
        raise PageError(f"page unreachable: {url} ({(e.msg or str(e)).splitlines()[0]})") from e
    if frame.get("unreachableUrl") or not frame.get("url", "").startswith(("http://", "https://")):
        raise PageError(f"page unreachable: {url} (an error page, or not a web page: {frame.get('url')})")


def keyboard_reach(driver, facts: dict) -> dict:
    """Press Tab through the page and note whether the opt-out control ever got the focus."""
    ask_page(driver, "focus-start")
    presses = min(MAX_TABS, facts.get("tabbable", 0) + 10)
    ActionChains(driver).send_keys(Keys.TAB * presses).perform()
    log = ask_page(driver, "focus-log")["log"]
    reached = any(e.get("action") == "opt-out" or OPT_OUT_NAME.search(e.get("name") or "") for e in log)
    return {"reached": reached, "presses": presses, "focused": log[:40]}


def opt_out(driver, platform: tuple = ()) -> dict:
    """Find and click the opt-out control like a visitor would (a script click only as a noted fallback)."""
    info = ask_page(driver, "opt-out-control", platform=list(platform))
    if not info.get("found"):
        return {"found": False, "clicked": False}
    point = info.pop("point")
    result = {**info, "clicked": False, "error": None}
    if point["clear"]:
        # A trusted click where the measuring world says the control is: no element handed through the page.
        click = ActionBuilder(driver, duration=0)  # Selenium's default glides the pointer for 250 ms
        click.pointer_action.move_to_location(point["x"], point["y"]).click()
        click.perform()
        result["clicked"] = True
    else:
        result["error"] = "element click intercepted: another element or no box at the control's centre"
        ask_page(driver, "click-control")
        result["clicked_by_script"] = True
    return result


def shot(driver) -> bytes:
    """A screenshot of the first screen, for the report."""
    return driver.get_screenshot_as_png()


def check_page(browser, url: str, notice_data: dict, gpc_browser=None) -> dict:
    """Run the whole journey on one page and return everything the clauses need."""
    if gpc_browser is None:
        return visitor_journey(browser, url, notice_data)
    # The GPC visit is another browser (its own profile and record): it runs alongside, not after.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gpc") as side:
        gpc = side.submit(check_gpc, gpc_browser, url, allowed_for(url, notice_data))
        page = visitor_journey(browser, url, notice_data)
        page["gpc"] = gpc.result()
    return page


def visitor_journey(browser, url: str, notice_data: dict) -> dict:
    """The visitor's journey in one browser: first visit, opt out, reload, next page (no GPC visit)."""
    driver = browser.driver
    allowed = allowed_for(url, notice_data)
    fresh_tab(driver)
    visit(driver, url, allowed)
    facts = wait_notice(driver)
    # Another consent platform (autoconsent's rules): its notice, its opt-out path, its UI out of equal access.
    platform = detect_platform(driver, facts)
    if platform is None and ((facts or {}).get("notice") or {}).get("hook") != "data-consent-notice":
        platform = frames.detect_in_frames(driver)  # a notice in a frame: Sourcepoint's, TrustArc's kind
    selectors = tuple(platform["selectors"]) if platform else ()
    if platform:
        facts = wait_notice(driver, platform=selectors)
        facts = frames.with_frame_notice(driver, platform, facts)
    if not (facts or {}).get("notice"):
        # What the tool can neither see nor operate (a closed shadow root, a frame no rule knows): `unknown`.
        facts = {**(facts or {}), "opaque": frames.opaque_regions(driver)}
    page = {"url": url, "screenshots": {}, "platform": platform}
    stay_within(driver, allowed)  # scripts navigate at any time: checked around every capture
    page["screenshots"]["before"] = shot(driver)
    record = wait_quiet(driver, read=True)["record"]
    page["before"] = {"facts": facts, "dom": ask_page(driver, "dom", platform=list(selectors))["html"],
                      "record": record}
    # Tracking beyond cookies (issue 22): what is stored now, and a word typed like a visitor (never submitted).
    page["before"].update(stored=stored(driver), typed=type_word(driver))
    # The record is split at this instant (the worker's clock), not reset: nothing falls in between.
    mark = wait_quiet(driver)["now"]
    page["keyboard"] = keyboard_reach(driver, facts)
    if platform and frames.notice_in_frame(facts):
        page["keyboard"] = frames.keyboard_in_frame(driver, platform, facts, page["keyboard"])
    if platform and platform.get("frame"):
        page["opt_out"] = frames.frame_opt_out(driver, platform)
    else:
        page["opt_out"] = platform_opt_out(driver, platform) if platform else opt_out(driver)
    if platform and not page["opt_out"]["clicked"]:
        page["opt_out"] = {**opt_out(driver, selectors), "platform_failed": page["opt_out"]}  # our heuristics
    page["keyboard"] = reached_by_keyboard(page["keyboard"], page["opt_out"])
    wait_quiet(driver)
    stay_within(driver, allowed)
    visit(driver, url, allowed)
    wait_quiet(driver, quiet_ms=400)
    page["after"] = {"facts": ask_page(driver, "facts", platform=list(selectors)),
                     "dom": ask_page(driver, "dom", platform=list(selectors))["html"]}
    if platform:
        # The platform asks again after a reload when the reject choice did not hold.
        page["after"]["platform_asks"] = (frames.frame_asks_again if platform.get("frame") else asks_again)(driver)
    stay_within(driver, allowed)
    page["screenshots"]["after"] = shot(driver)
    page["after"].update(stored=stored(driver), typed=type_word(driver))
    wait_quiet(driver)
    stay_within(driver, allowed)
    link = ask_page(driver, "next-link", prefixes=list(tracker_prefixes(url, notice_data)))["url"]
    page["next"] = {"url": link}
    if link:
        visit(driver, link, allowed)
        whole = wait_quiet(driver, quiet_ms=400, read=True)["record"]
        page["next"]["facts"] = ask_page(driver, "facts", platform=list(selectors))
    else:
        whole = wait_quiet(driver, read=True)["record"]
    stay_within(driver, allowed)
    page["before"]["record"]["events"] = [e for e in whole["events"] if e["time"] < mark]
    page["after_record"] = {**whole, "events": [e for e in whole["events"] if e["time"] >= mark]}
    if notice_data.get("qa_readability"):
        # Clause 1.1: the privacy policy the notice (or the page) links, read as a visitor would.
        # The policy may sit on another origin (mass.gov): the one the agency declares, nothing else.
        policy_allowed = policy_places(allowed, notice_data)
        page["privacy"] = capture_policy(driver, lambda d, link: visit(d, link, policy_allowed),
                                         ((facts or {}).get("notice") or {}).get("links", []))
        stay_within(driver, policy_allowed)
    page["gpc"] = None
    return page


def check_gpc(browser, url: str, allowed=None) -> dict:
    """A first visit with Global Privacy Control on: the banner must treat it as an opt-out, no click."""
    driver = browser.driver
    allowed = allowed or allowed_for(url, {})
    fresh_tab(driver)
    visit(driver, url, allowed)
    facts = wait_notice(driver)
    record = wait_quiet(driver, read=True)["record"]
    stay_within(driver, allowed)
    return {"facts": facts, "record": record, "stored": stored(driver)}
