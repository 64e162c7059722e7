"""Talk to the add-on and to the page under test on paths the page's scripts cannot reach (issue 19.3).

The record (requests, raw Set-Cookie headers, cookie changes and writes, the jar) lives in the service
worker; the driver reads it from the extension's own page, record.html, kept open in a window of its
own beside the page under test (a window, not a tab: the page stays visible). Facts about the page
come from a DevTools isolated world (extension/page_world.py). No DOM event of the page is involved.
"""

import json
import weakref

from selenium.common.exceptions import NoSuchWindowException
from selenium.common.exceptions import WebDriverException

from extension.chromium import RECORD_PAGE
from extension.chromium import injected
from extension.page_world import PageWorldError
from extension.page_world import ask_page_world

WORKER_OPS = frozenset({"read", "last", "reset", "ping"})
# The record window of each driver (its handle): opened on first use, kept until the browser quits.
_record_windows: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class ChannelError(RuntimeError):
    """The extension did not answer: the record cannot be trusted."""


def record_window(driver) -> str:
    """The handle of the window showing record.html, opened now if it is missing; the current window stays."""
    handle = _record_windows.get(driver)
    if handle is not None and handle in driver.window_handles:
        return handle
    current = driver.current_window_handle
    driver.switch_to.new_window("window")
    driver.get(RECORD_PAGE)
    handle = driver.current_window_handle
    _record_windows[driver] = handle
    driver.switch_to.window(current)
    return handle


def ask_worker(driver, op: str, **params) -> dict:
    """Ask the service worker from record.html, then come back to the page under test."""
    page = driver.current_window_handle
    try:
        try:
            driver.switch_to.window(_record_windows.get(driver) or record_window(driver))
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
