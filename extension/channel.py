"""Talk to the extension from Selenium without changing the page under test."""

import json

from selenium.common.exceptions import WebDriverException

from extension.chromium import RECORD_PAGE
from extension.chromium import injected


class ChannelError(RuntimeError):
    """The extension did not answer: the record cannot be trusted."""


def ask_page_for_element(driver, op: str, timeout_ms: int = 8000, **params) -> tuple:
    """Ask the content script of the current page; (its answer, the element it pointed at or None)."""
    try:
        answer = driver.execute_async_script(injected("ask_page.js"), {"op": op, **params}, timeout_ms)
    except WebDriverException as e:
        raise ChannelError(f"{op}: {e.msg or e}") from e
    if not isinstance(answer, dict) or "error" in answer:
        raise ChannelError(f"{op}: {json.dumps(answer)[:200]}")
    result = answer.get("result")
    if not isinstance(result, dict) or "error" in result:
        raise ChannelError(f"{op}: {json.dumps(result)[:200]}")
    return result, answer.get("element")


def ask_page(driver, op: str, timeout_ms: int = 8000, **params) -> dict:
    """Ask the content script (facts, dom, read, last, reset, focus-start, focus-log, next-link...)."""
    return ask_page_for_element(driver, op, timeout_ms, **params)[0]


def ask_extension_page(driver, op: str, **params) -> dict:
    """Open the extension's record page in the current tab and ask the worker directly."""
    if not driver.current_url.startswith(RECORD_PAGE):
        driver.get(RECORD_PAGE)
    result = driver.execute_async_script(injected("ask_worker.js"), {"op": op, **params})
    if not isinstance(result, dict) or "error" in result:
        raise ChannelError(f"{op}: {json.dumps(result)[:200]}")
    return result
