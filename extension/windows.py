"""The two windows a check uses: the page under test, and the add-on's record.html beside it.

Both handles are remembered per driver (until the browser quits), so asking the worker or the page's world
does not first ask the driver where it is: one WebDriver command less each time, one hop less through a Grid.
"""

import weakref

from extension.chromium import RECORD_PAGE

# The record window of each driver: opened on first use, kept until the browser quits.
_record_windows: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
# The window under test of each driver, as fresh_tab left it.
_page_windows: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def record_window(driver, handles: list | None = None) -> str:
    """The handle of the window showing record.html, opened now if it is missing; the current window stays.

    handles: the driver's window handles if the caller has just read them.
    """
    handle = _record_windows.get(driver)
    if handle is not None and handle in (driver.window_handles if handles is None else handles):
        return handle
    current = driver.current_window_handle
    driver.switch_to.new_window("window")
    driver.get(RECORD_PAGE)
    handle = driver.current_window_handle
    _record_windows[driver] = handle
    driver.switch_to.window(current)
    return handle


def known_record_window(driver) -> str:
    """The record window's handle as last seen (it may have been closed since), or a new one."""
    return _record_windows.get(driver) or record_window(driver)


def page_window(driver) -> str:
    """The handle of the window under test (chromedriver's handle is its top frame's id): remembered, else asked."""
    handle = _page_windows.get(driver)
    if handle is None:
        handle = _page_windows[driver] = driver.current_window_handle
    return handle


def use_page_window(driver, handle: str) -> None:
    """Switch to the window under test and remember it."""
    driver.switch_to.window(handle)
    _page_windows[driver] = handle
