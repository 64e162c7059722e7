"""Talk to the extension from Selenium without changing the page under test."""

import json

from selenium.common.exceptions import WebDriverException

from extension.browser import RECORD_PAGE

# Runs in the page: one CustomEvent out, one back (the content script answers; see content.js).
_PAGE_SCRIPT = """
const payload = arguments[0];
const done = arguments[arguments.length - 1];
const id = Math.random().toString(36).slice(2) + Date.now();
const timer = setTimeout(() => {
  document.removeEventListener("consent-qa-response", onResponse);
  done({error: "the consent-qa content script did not answer (is the extension loaded?)"});
}, arguments[1]);
function onResponse(event) {
  let data;
  try { data = JSON.parse(event.detail); } catch (e) { return; }
  if (data.id !== id) { return; }
  clearTimeout(timer);
  document.removeEventListener("consent-qa-response", onResponse);
  done(data.result);
}
document.addEventListener("consent-qa-response", onResponse);
document.dispatchEvent(new CustomEvent("consent-qa-request", {detail: JSON.stringify({...payload, id})}));
"""

# Runs on the extension's own page, which has chrome.runtime.
_EXTENSION_SCRIPT = """
const done = arguments[arguments.length - 1];
chrome.runtime.sendMessage(arguments[0]).then(done, (e) => done({error: String(e)}));
"""


class ChannelError(RuntimeError):
    """The extension did not answer: the record cannot be trusted."""


def ask_page(driver, op: str, timeout_ms: int = 8000, **params) -> dict:
    """Ask the content script of the current page (facts, dom, read, last, reset, focus-start, focus-log)."""
    try:
        result = driver.execute_async_script(_PAGE_SCRIPT, {"op": op, **params}, timeout_ms)
    except WebDriverException as e:
        raise ChannelError(f"{op}: {e.msg or e}") from e
    if not isinstance(result, dict) or "error" in result:
        raise ChannelError(f"{op}: {json.dumps(result)[:200]}")
    return result


def ask_extension_page(driver, op: str, **params) -> dict:
    """Open the extension's record page in the current tab and ask the worker directly."""
    if not driver.current_url.startswith(RECORD_PAGE):
        driver.get(RECORD_PAGE)
    result = driver.execute_async_script(_EXTENSION_SCRIPT, {"op": op, **params})
    if not isinstance(result, dict) or "error" in result:
        raise ChannelError(f"{op}: {json.dumps(result)[:200]}")
    return result
