"""Notices the top document does not hold (issue 21, class 6): in a frame, or behind a closed shadow root.

A platform's notice in another origin's frame (Sourcepoint's, TrustArc's kind) is recognised and operated by
autoconsent's frame rules in that frame (the add-on's bridge runs in every frame): the driver switches into the
frame to ask and to act. What the tool can neither see nor operate (a frame no rule knows, a closed shadow
root) is listed as opaque, so that clause 1.3.2 says `unknown` with the reason instead of "no notice".
Inside a frame the measuring code runs through WebDriver in a function scope of its own (its helpers shadow
`globalThis`, so the frame's page gets no global of ours); the top document is still measured from the
DevTools isolated world (extension/page_world.py).
"""

import re
import time
from contextlib import contextmanager
from functools import cache
from urllib.parse import urlsplit

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from extension.chromium import ADDON_DIR
from extension.page_world import cdp
from extension.platforms.autoconsent import selectors_for
from extension.platforms.operate import SETTLED
from extension.platforms.operate import platform_opt_out
from extension.platforms.operate import platform_state
from extension.rules import RULES

FRAME_TIMEOUT = 3.0
# A focus log inside a frame, under a symbol key (no name of ours on the frame's window), read back after Tab.
FOCUS_START = """
const key = Symbol.for("consent-qa focus log");
if (!window[key]) {
  window[key] = [];
  document.addEventListener("focusin", (event) => {
    const el = event.composedPath()[0];
    const name = (el.getAttribute("aria-label") || el.textContent || el.value || "").replace(/\\s+/g, " ").trim();
    window[key].push({ name: name.slice(0, 100), tag: el.tagName.toLowerCase(), action: el.getAttribute("data-consent-action") });
  }, true);
}
window[key].length = 0;
"""
FOCUS_READ = 'return window[Symbol.for("consent-qa focus log")] || [];'
MAX_OPAQUE = 10
# What makes a region the tool cannot operate look like a cookie notice: rules.json's banner-like text.
NOTICE_TEXT = re.compile(RULES["banner_like"]["text"], re.I)


@cache
def frame_facts_source() -> str:
    """dom.js and facts.js as one function body: their globals stay in its scope, the frame's page gets none."""
    parts = [(ADDON_DIR / name).read_text(encoding="utf-8") for name in ("dom.js", "facts.js")]
    return "\n".join(["const globalThis = {};", *parts, "return globalThis.consentQaFacts(arguments[0]).frameFacts();"])


def frame_elements(driver) -> list:
    """The top document's frames, in document order."""
    return driver.find_elements(By.CSS_SELECTOR, "iframe, frame")


@contextmanager
def inside(driver, index: int):
    """Commands in the index-th frame of the top document, then back to the top whatever happens."""
    driver.switch_to.frame(frame_elements(driver)[index])
    try:
        yield
    finally:
        driver.switch_to.default_content()


def origin(url: str) -> str | None:
    """scheme://host[:port] of a frame's address (never its path or query, which may carry identifiers)."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def detect_in_frames(driver, limit: float = FRAME_TIMEOUT) -> dict | None:
    """The platform whose notice autoconsent finds shown in a frame of the page (its frame named), or None."""
    deadline = time.monotonic() + limit
    while True:
        settled = True
        for index, element in enumerate(frame_elements(driver)):
            try:
                if not element.is_displayed():
                    continue
                src = element.get_attribute("src")
                with inside(driver, index):
                    state = platform_state(driver)
            except WebDriverException:
                continue
            if state and state.get("popup"):
                name = state["popup"]
                return {"name": name, "detected": state.get("detected", []), "selectors": selectors_for(name),
                        "by": "DuckDuckGo autoconsent", "frame": {"index": index, "origin": origin(src)}}
            if state is not None and state.get("lifecycle") not in SETTLED:
                settled = False
        if settled or time.monotonic() >= deadline:
            return None
        time.sleep(0.2)


def notice_frame(platform: dict, facts: dict) -> int | None:
    """The index of the frame holding the platform's notice: autoconsent found it there, or the element the
    platform's selectors name is (or holds) a frame and shows no text of its own (TrustArc's written frame)."""
    if platform.get("frame"):
        return platform["frame"]["index"]
    notice = (facts or {}).get("notice") or {}
    if notice.get("in_frame") or (notice.get("frameIndex") is not None and not notice.get("text")):
        return notice["frameIndex"]
    return None


def with_frame_notice(driver, platform: dict, facts: dict) -> dict:
    """Facts with the notice's content read inside its frame (where it sits is measured from the top)."""
    index = notice_frame(platform, facts)
    if index is None:
        return facts
    element = frame_elements(driver)[index]
    src = element.get_attribute("src")
    outer = (facts or {}).get("notice") or {
        "hook": "platform", "visible": element.is_displayed(), "rect": element.rect, "role": None, "label": None}
    with inside(driver, index):
        inner = driver.execute_script(frame_facts_source(), RULES)
    notice = {**outer, **{key: inner[key] for key in ("text", "fullText", "texts", "links", "controls")},
              "in_frame": True, "frameIndex": index, "frame": origin(src)}
    return {**(facts or {}), "notice": notice}


def frame_text(driver, index: int) -> str:
    """A frame's own text, read through WebDriver (any origin); empty when it cannot be read."""
    try:
        with inside(driver, index):
            return driver.execute_script("return (document.body || document.documentElement).innerText || ''") or ""
    except WebDriverException:
        return ""


def closed_shadow_hosts(driver) -> list:
    """Shown elements whose closed shadow root holds text about cookies: seen through DevTools, operable by none."""
    try:
        root = cdp(driver, "DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    except WebDriverException:
        return []
    found = []

    def text_of(node) -> str:
        own = node.get("nodeValue", "") if node.get("nodeType") == 3 else ""
        return own + " ".join(text_of(child) for child in node.get("children", []) + node.get("shadowRoots", []))

    def walk(node):
        for shadow in node.get("shadowRoots", []):
            if shadow.get("shadowRootType") == "closed":
                found.append((node, text_of(shadow)))
            walk(shadow)
        for child in node.get("children", []):
            walk(child)

    walk(root)
    hosts = []
    for node, text in found[:MAX_OPAQUE]:
        if not NOTICE_TEXT.search(text):
            continue
        try:
            handle = cdp(driver, "DOM.resolveNode", {"backendNodeId": node["backendNodeId"]})["object"]
            box = cdp(driver, "Runtime.callFunctionOn", {
                "objectId": handle["objectId"], "returnByValue": True,
                "functionDeclaration": "function () { const r = this.getBoundingClientRect();"
                                       " return {x: r.x, y: r.y, width: r.width, height: r.height}; }"})
        except WebDriverException:
            continue
        rect = box["result"]["value"]
        if rect["width"] >= 1 and rect["height"] >= 1:
            hosts.append({"kind": "closed shadow root", "element": node.get("localName"), "rect": rect})
    return hosts


def opaque_regions(driver) -> list:
    """Where a notice may be that the tool can neither see nor operate: a closed shadow root, or a shown frame no
    autoconsent rule knows, whose text speaks of cookies or tracking."""
    regions = closed_shadow_hosts(driver)
    for index, element in enumerate(frame_elements(driver)):
        try:
            if not element.is_displayed():
                continue
            rect, src, title = element.rect, element.get_attribute("src"), element.get_attribute("title")
        except WebDriverException:
            continue
        if NOTICE_TEXT.search(frame_text(driver, index)):
            regions.append({"kind": "frame", "origin": origin(src), "title": title or None, "rect": rect})
    return regions[:MAX_OPAQUE]


def notice_in_frame(facts: dict) -> bool:
    """Whether the notice's content was read inside a frame."""
    return bool(((facts or {}).get("notice") or {}).get("in_frame"))


def frame_opt_out(driver, platform: dict) -> dict:
    """The platform's opt-out path taken by autoconsent inside its frame; the frame is named in the result."""
    with inside(driver, platform["frame"]["index"]):
        result = platform_opt_out(driver, platform)
    return {**result, "frame": platform["frame"]["origin"]}


def frame_asks_again(driver, limit: float = 1.5) -> str | None:
    """The platform whose notice autoconsent finds shown again in a frame after the choice, or None."""
    found = detect_in_frames(driver, limit)
    return found["name"] if found else None


def keyboard_in_frame(driver, platform: dict, facts: dict, keyboard: dict) -> dict:
    """Tab through the page again, listening inside the notice's frame (its focus moves are not heard from the top):
    what got the focus there joins the log the opt-out's keyboard check reads."""
    index = notice_frame(platform, facts)
    if index is None:
        return keyboard
    presses = min(250, (facts or {}).get("tabbable", 0) + len(facts["notice"].get("controls", [])) + 10)
    try:
        with inside(driver, index):
            driver.execute_script(FOCUS_START)
        ActionChains(driver).send_keys(Keys.TAB * presses).perform()
        with inside(driver, index):
            log = driver.execute_script(FOCUS_READ) or []
    except WebDriverException:
        return keyboard
    return {**keyboard, "reached": bool(keyboard.get("reached")), "focused": keyboard.get("focused", []) + log[:40],
            "in_frame": log[:40]}
