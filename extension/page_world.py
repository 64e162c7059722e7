"""Measure the page under test from a DevTools isolated world: its scripts share the DOM, never our code or answers.

Issue 19.3: the old channel (CustomEvents on `document`) let a page hear, stop, rewrite and forge what the
add-on answered. Here the driver runs dom.js, facts.js, links.js and injected/page_agent.js through CDP
(`Page.createIsolatedWorld` + `Runtime.evaluate`, chromedriver's goog/cdp/execute, which remote Chromium
endpoints answer too) in a world of its own: the page can change its DOM, which is what is measured, but
not the measuring code, its prototypes or the value handed back. One world per document; created again
(same name, same context while the document lives) on every ask, so a navigation needs no bookkeeping.
"""

import json
from functools import cache

from selenium.common.exceptions import WebDriverException

from extension.chromium import ADDON_DIR
from extension.chromium import injected
from extension.rules import RULES
from extension.windows import page_window

WORLD = "consent-qa"
NOT_INSTALLED = "consent-qa: not installed"


class PageWorldError(RuntimeError):
    """The isolated world did not answer: the page cannot be measured."""


def cdp(driver, command: str, params: dict | None = None) -> dict:
    """One DevTools command on the current tab (webdriver.Chrome and Chromium remotes alike)."""
    return driver.execute("executeCdpCommand", {"cmd": command, "params": params or {}})["value"]


def main_frame(driver) -> dict:
    """The current tab's top frame as DevTools describes it (id, url, unreachableUrl for an error page)."""
    return cdp(driver, "Page.getFrameTree")["frameTree"]["frame"]


@cache
def agent_source() -> str:
    """The measuring code, DOM helpers first, built with rules.json as the driver reads it."""
    parts = [(ADDON_DIR / name).read_text(encoding="utf-8") for name in ("dom.js", "facts.js", "links.js")]
    parts.append(injected("page_agent.js"))
    parts.append(f"globalThis.consentQaPage = globalThis.consentQaAgent({json.dumps(RULES)}); true;")
    return "\n".join(parts)


def _evaluate(driver, context: int, expression: str):
    """Run expression in the world and return its value (a promise is awaited)."""
    answer = cdp(driver, "Runtime.evaluate", {"expression": expression, "contextId": context,
                                               "returnByValue": True, "awaitPromise": True})
    if "exceptionDetails" in answer:
        details = answer["exceptionDetails"]
        text = (details.get("exception") or {}).get("description") or details.get("text")
        raise PageWorldError(str(text).splitlines()[0])
    return answer["result"].get("value")


def _ask_once(driver, call: str):
    """The world of the current document (made, and the agent installed, if new), and call's value in it."""
    context = cdp(driver, "Page.createIsolatedWorld", {"frameId": page_window(driver), "worldName": WORLD})
    result = _evaluate(driver, context["executionContextId"], call)
    if result == NOT_INSTALLED:
        _evaluate(driver, context["executionContextId"], agent_source())
        result = _evaluate(driver, context["executionContextId"], call)
    return result


def ask_page_world(driver, op: str, **params) -> dict:
    """Ask the measuring code in the page's isolated world (facts, dom, opt-out-control, next-link, focus...)."""
    call = (f"globalThis.consentQaPage ? globalThis.consentQaPage.handle({json.dumps({'op': op, **params})})"
            f" : {json.dumps(NOT_INSTALLED)}")
    for attempt in (1, 2):
        try:
            result = _ask_once(driver, call)
            break
        except WebDriverException as e:
            # The document went away between two commands (the page navigated): once more, in the new one.
            if attempt == 1 and "execution context" in str(e):
                continue
            raise PageWorldError(f"{op}: {(e.msg or str(e)).splitlines()[0]}") from e
    if not isinstance(result, dict) or "error" in result:
        raise PageWorldError(f"{op}: {json.dumps(result)[:200]}")
    return result
