"""Visitor journeys on the demo agency site (same origin as the service), in real headless Chromium."""

import json
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from notice_page import ACCEPT
from notice_page import DETAILS
from notice_page import GPC_MESSAGE
from notice_page import HIDE
from notice_page import OPT_OUT
from notice_page import REOPEN

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm install --prefix .cache/npm axe-core@4"
TRACKER_PATH = "/demo/tracker/"
STATUS_FROM_PAGE = """
const done = arguments[arguments.length - 1];
fetch('/v1/demo/status').then(r => r.json()).then(done, e => done(String(e)));
"""
# Layout shifts since the page started (buffered): CLS of the page, and the part whose shifted nodes are the
# notice's own (recent-input shifts excluded, as CLS does).
LAYOUT_SHIFTS = """
const done = arguments[arguments.length - 1];
const host = document.querySelector('[data-consent-notice]');
// Nodes inside a shadow root are reported as null: counted as the notice's, to be safe.
const ours = node => !node || node === host || node.getRootNode().host === host;
const seen = [];
const observer = new PerformanceObserver(list => seen.push(...list.getEntries()));
observer.observe({type: 'layout-shift', buffered: true});
setTimeout(() => {
  seen.push(...observer.takeRecords());
  observer.disconnect();
  const counted = seen.filter(e => !e.hadRecentInput);
  done({cls: counted.reduce((sum, e) => sum + e.value, 0),
        banner: counted.filter(e => e.sources.some(s => ours(s.node))).reduce((sum, e) => sum + e.value, 0),
        shifts: seen.map(e => ({value: e.value, recentInput: e.hadRecentInput, at: Math.round(e.startTime),
                                sources: e.sources.map(s => s.node ? s.node.nodeName : '?')}))});
}, 200);
"""
# Where the focused element is, against the banner, after the banner's own scroll handling (two frames).
FOCUS_VS_BANNER = """
const done = arguments[arguments.length - 1];
requestAnimationFrame(() => requestAnimationFrame(() => {
  const host = document.querySelector('[data-consent-notice]');
  const active = document.activeElement;
  if (active === host) { done({inBanner: true}); return; }
  const r = active.getBoundingClientRect();
  const b = host.shadowRoot.querySelector('section').getBoundingClientRect();
  done({inBanner: false, label: active.tagName + ' ' + (active.textContent || '').trim().slice(0, 30),
        covered: r.bottom > b.top && r.top < b.bottom, inView: r.top >= 0 && r.bottom <= innerHeight});
}));
"""
BUTTON_LOOKS = """
const root = document.querySelector('[data-consent-notice]').shadowRoot;
return ['opt-out', 'accept'].map(action => {
  const b = root.querySelector(`[data-consent-action=${action}]`);
  const s = getComputedStyle(b), r = b.getBoundingClientRect();
  return {width: Math.round(r.width), height: Math.round(r.height), top: Math.round(r.top),
          background: s.backgroundColor, color: s.color, weight: s.fontWeight, size: s.fontSize,
          border: s.borderTopWidth + ' ' + s.borderTopColor};
});
"""


@pytest.fixture(scope="module")
def demo_notice(live_server):
    """The demo agency's notice as the service publishes it (what the banner must disclose)."""
    with urllib.request.urlopen(f"{live_server}/v1/demo/notice?lang=en", timeout=10) as response:
        return json.load(response)


def tracker_ran(page):
    """Whether the stand-in tracker ran in this page view (its script or its beacon was fetched)."""
    return bool(page.requested(TRACKER_PATH)) or bool(page.driver.execute_script(
        "return window.demoAnalyticsLoaded || window.demoInlineTrackerRan || false"))


def test_fresh_visit_shows_the_notice_with_trackers_and_links(visitor, live_server, demo_notice):
    visitor.visit(f"{live_server}/demo/").wait_shown()
    visitor.control(DETAILS).click()
    text = visitor.notice_text()
    anchors = visitor.host().shadow_root.find_elements("css selector", "a")
    links = {a.text: a.get_attribute("href") for a in anchors}
    hrefs = [a.get_attribute("href") for a in anchors]
    assert demo_notice["text"]["title"] in text
    for tracker in demo_notice["trackers"]:
        assert tracker["vendor"] in text and tracker["purpose"] in text
        # The welcome video's tracker (issue 22) sets no cookie.
        assert all(cookie["name"] in text for cookie in tracker["cookies"])
        assert tracker["license_url"] in hrefs and tracker["privacy_url"] in hrefs
    assert links[demo_notice["text"]["privacy_link"]] == demo_notice["privacy_policy_url"]
    assert links[demo_notice["text"]["terms_link"]] == demo_notice["terms_url"]
    # Opt-out mode: the tracker runs until the visitor opts out.
    visitor.wait(lambda d: tracker_ran(visitor), "the demo tracker did not run in opt-out mode")


def test_both_choices_look_the_same(visitor, live_server):
    visitor.visit(f"{live_server}/demo/").wait_shown()
    opt_out, other = visitor.driver.execute_script(BUTTON_LOOKS)
    assert opt_out == other
    order = [b.get_attribute("data-consent-action") for b in
             visitor.host().shadow_root.find_elements("css selector", "button[data-consent-action]")]
    assert order.index("opt-out") < order.index("accept")


def test_opt_out_is_effective_on_reload_and_other_pages(visitor, live_server):
    visitor.visit(f"{live_server}/demo/").wait_shown()
    visitor.wait_cookie("_demo_analytics")
    visitor.control(OPT_OUT).click()
    assert visitor.wait_confirmation()
    token = visitor.wait_cookie("consent_optout")
    assert "expiry" not in token and token["path"] == "/" and token["sameSite"] == "Lax"
    assert visitor.cookie("_demo_analytics") is None
    assert visitor.driver.execute_async_script(STATUS_FROM_PAGE) == {
        "opted_out": True, "source": "token", "token_valid": True}
    for path in ("/demo/", "/demo/services"):
        visitor.visit(f"{live_server}{path}").settle()
        assert not visitor.shown()
        assert not tracker_ran(visitor), f"tracker ran on {path} after opt-out"
        assert visitor.cookie("_demo_analytics") is None


def test_keyboard_only_opt_out(visitor, live_server):
    visitor.visit(f"{live_server}/demo/").wait_shown()
    actions = ActionChains(visitor.driver)
    focused = None
    for _ in range(40):
        actions.send_keys(Keys.TAB).perform()
        focused = visitor.driver.execute_script(
            "const a = document.querySelector('[data-consent-notice]').shadowRoot.activeElement;"
            "return a && a.getAttribute('data-consent-action');")
        if focused == "opt-out":
            break
    assert focused == "opt-out", "Tab never reached the Opt out button"
    actions.send_keys(Keys.ENTER).perform()
    assert visitor.wait_confirmation()
    visitor.wait_cookie("consent_optout")


def test_reopen_and_change_mind(visitor, live_server):
    visitor.visit(f"{live_server}/demo/").wait_shown()
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    visitor.wait_cookie("consent_optout")
    visitor.control(HIDE).click()
    visitor.wait_hidden()
    visitor.driver.find_element(*REOPEN).click()
    visitor.wait_shown()
    assert visitor.driver.execute_script(
        "return document.querySelector('[data-consent-notice]').shadowRoot.activeElement !== null")
    visitor.control(ACCEPT).click()
    assert visitor.wait_confirmation()
    assert visitor.cookie("consent_optout") is None
    assert visitor.cookie("consent_choice")["value"] == "ok"
    visitor.wait(lambda d: tracker_ran(visitor), "the tracker did not run after the visitor opted back in")
    visitor.visit(f"{live_server}/demo/forms").settle()
    assert not visitor.shown()
    visitor.wait(lambda d: tracker_ran(visitor), "the tracker did not run on the next page")


def test_gpc_is_an_opt_out_without_a_click(visitor, live_server):
    visitor.send_gpc()
    visitor.visit(f"{live_server}/demo/").wait_shown()
    assert visitor.control(GPC_MESSAGE).is_displayed()
    visitor.settle()
    assert not tracker_ran(visitor)
    assert visitor.cookie("consent_choice")["value"] == "out"
    visitor.wait_cookie("consent_optout")
    visitor.visit(f"{live_server}/demo/services").settle()
    assert not visitor.shown() and not tracker_ran(visitor)


def test_no_layout_shift_from_the_notice(visitor, live_server):
    visitor.visit(f"{live_server}/demo/").wait_shown()
    visitor.control(DETAILS).click()
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    shifts = visitor.driver.execute_async_script(LAYOUT_SHIFTS)
    assert shifts["banner"] == 0, shifts
    # The demo page itself is stable too; a tiny allowance for a CPU-starved first frame of the page.
    assert shifts["cls"] < 0.01, shifts


def test_focused_page_elements_are_never_covered(visitor, live_server):
    visitor.visit(f"{live_server}/demo/").wait_shown()
    actions = ActionChains(visitor.driver)
    checked = []
    for _ in range(60):
        actions.send_keys(Keys.TAB).perform()
        where = visitor.driver.execute_async_script(FOCUS_VS_BANNER)
        if where["inBanner"]:
            break
        assert not where["covered"] and where["inView"], where
        checked.append(where["label"])
    assert len(checked) >= 5, checked
    assert any("Cookie settings" in label for label in checked), checked


def run_axe(page):
    """axe-core's WCAG 2.2 A/AA rules on the notice and its confirmation: (violations, ids of rules passed)."""
    page.driver.execute_script(AXE.read_text(encoding="utf-8"))
    return page.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run({include: [['[data-consent-notice]'], ['[data-consent-confirmation]']]},
                {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
          .then(r => done([r.violations.map(v => ({id: v.id, nodes: v.nodes.map(n => n.html)})),
                           r.passes.map(p => p.id)]),
                e => done([[{id: 'axe-error', nodes: [String(e)]}], []]));
    """)


def test_no_axe_violations(visitor, live_server):
    assert AXE.is_file(), f"axe-core is not installed ({AXE}); install it with `{AXE_INSTALL}`"
    visitor.visit(f"{live_server}/demo/").wait_shown()
    visitor.control(DETAILS).click()
    violations, passed = run_axe(visitor)
    assert violations == []
    # The rules that matter most here did run on the notice's own elements.
    assert {"color-contrast", "button-name", "link-name", "valid-lang"} <= set(passed)
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    violations, passed = run_axe(visitor)
    assert violations == [] and "color-contrast" in passed
