"""Talk to the add-on and to the page under test on paths the page's scripts cannot reach (issue 19.3).

The record (requests, raw Set-Cookie headers, cookie changes and writes, the jar) lives in the service
worker; the driver reads it from the extension's own page, record.html, kept open in a window of its
own beside the page under test (a window, not a tab: the page stays visible). Facts about the page
come from a DevTools isolated world (extension/page_world.py). No DOM event of the page is involved.
"""

import json

from selenium.common.exceptions import NoSuchWindowException
from selenium.common.exceptions import WebDriverException

from extension.chromium import injected
from extension.page_world import PageWorldError
from extension.page_world import ask_page_world
from extension.windows import known_record_window
from extension.windows import page_window
from extension.windows import record_window

WORKER_OPS = frozenset({"read", "last", "quiet", "reset", "ping"})


class ChannelError(RuntimeError):
    """The extension did not answer: the record cannot be trusted."""


def ask_worker(driver, op: str, **params) -> dict:
    """Ask the service worker from record.html, then come back to the page under test."""
    page = page_window(driver)
    try:
        try:
            driver.switch_to.window(known_record_window(driver))
        except NoSuchWindowException:
            driver.switch_to.window(record_window(driver))  # closed by someone: open it again
        try:
            result = driver.execute_async_script(injected("ask_worker.js"), {"op": op, **params})
        finally:
            driver.switch_to.window(page)
    except WebDriverException as e:
        raise ChannelError(f"{op}: {(e.msg or str(e)).splitlines()[0]}") from e
    if not isinstance(result, dict) or "error" in result:
        raise ChannelError(f"{op}: {json.dumps(result)[:200]}")
    return result


def ask_page(driver, op: str, **params) -> dict:
    """The worker's record (read, last, reset, ping) or the page's facts (facts, dom, next-link, focus-...)."""
    if op in WORKER_OPS:
        return ask_worker(driver, op, **params)
    try:
        return ask_page_world(driver, op, **params)
    except PageWorldError as e:
        raise ChannelError(str(e)) from e
