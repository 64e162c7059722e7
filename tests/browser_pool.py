"""One headless Chromium per test process (so per xdist worker) and kind of launch, lent to module after module.

Starting a browser costs one to two seconds and quitting it half a second; the modules that drive one only
need a clean one. Each loan is a fresh tab (CDP overrides and injected scripts belong to a tab, so they go
with the old one) in a browser without cookies or cache (those belong to the profile, so they are cleared).
A browser that stopped answering is replaced, never reused; one that cannot start fails the test.
"""

import copy
import os
import threading

from selenium.common.exceptions import WebDriverException

from extension.browser import launch_chrome
from extension.windows import use_page_window

MAX_IDLE = 4  # browsers kept between runs (one run takes at most two per worker thread)


def fresh_tab(driver):
    """Leave the driver on a new blank tab, every other tab closed, and no cookie or cached file in the profile."""
    old = list(driver.window_handles)
    driver.switch_to.new_window("tab")
    new = driver.current_window_handle
    for handle in old:
        driver.switch_to.window(handle)
        driver.close()
    use_page_window(driver, new)
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.execute_cdp_cmd("Network.clearBrowserCache", {})


def _answers(browser):
    try:
        browser.driver.current_window_handle  # noqa: B018 (one round trip: is the driver still there?)
    except WebDriverException:
        return False
    return True


class BrowserPool:
    """Browsers started on first use, one per (extension, extra arguments), quit when the run ends."""

    def __init__(self):
        self._browsers = {}

    def lend(self, *, extension=False, extra_args=()):
        """A started browser of this kind on a fresh tab; give it back with give_back(), never quit() it."""
        key = (extension, tuple(extra_args))
        browser = self._browsers.get(key)
        if browser is not None and not _answers(browser):
            browser.quit()
            browser = None
        if browser is None:
            browser = launch_chrome(extension=extension, extra_args=tuple(extra_args))
            if extension:
                browser.wait_ready()
            self._browsers[key] = browser
        fresh_tab(browser.driver)
        return browser

    def give_back(self, browser):
        """The module is done with it: leave its last page so nothing of it keeps running until the next loan."""
        try:
            browser.driver.get("about:blank")
        except WebDriverException:
            # A browser the module broke: quit now, the next loan starts another.
            self._forget(browser)

    def _forget(self, browser):
        for key, known in list(self._browsers.items()):
            if known is browser:
                del self._browsers[key]
        browser.quit()

    def close(self):
        """Quit every browser of the pool (the run is over)."""
        for browser in list(self._browsers.values()):
            browser.quit()
        self._browsers.clear()


class ProductBrowsers:
    """The browsers `consent-qa` and the monitoring worker start in this test process, kept for the next run.

    extension.runner starts one browser (two with GPC) per worker thread and quits them when its run ends; every
    page's journey already begins with a fresh window and a wiped profile (extension/driver.py), which is what
    lets one run reuse a browser page after page. Here a run gets a loan of a browser, and the loan's quit() hands
    it back; the next run of the same kind (extension, GPC, extra arguments) gets it: about a second of browser
    start saved per run. At most MAX_IDLE wait, the one idle longest quit first. Remote endpoints (a Grid) are not
    kept, and a forked child (a test that becomes another user) starts and quits its own. A browser that stopped
    answering is quit, never lent again.
    """

    def __init__(self, launch):
        self._launch = launch
        self._owner = os.getpid()
        self._idle = []  # (kind, browser), longest idle first
        self._all = []
        self._loans = []  # the loans not yet given back
        self._lock = threading.Lock()

    def launch(self, *, extension=True, gpc=False, remote_url=None, extra_args=(), **others):
        """launch_chrome's signature: a loan of an idle browser of this kind, or of a new one."""
        if remote_url or others or os.getpid() != self._owner:
            return self._launch(extension=extension, gpc=gpc, remote_url=remote_url, extra_args=extra_args, **others)
        kind = (extension, gpc, tuple(extra_args))
        while True:
            with self._lock:
                found = next((entry for entry in reversed(self._idle) if entry[0] == kind), None)
                if found is not None:
                    self._idle.remove(found)
            if found is None:
                break
            if _answers(found[1]):
                return self._lend(kind, found[1])
            self._forget(found[1])
        browser = self._launch(extension=extension, gpc=gpc, extra_args=tuple(extra_args))
        with self._lock:
            self._all.append(browser)
        return self._lend(kind, browser)

    def _lend(self, kind, browser):
        """The run's handle: a copy of the browser whose quit() ends this loan only (a run may quit one twice)."""
        loan = copy.copy(browser)
        loan.quit = lambda: self._give_back(kind, browser, loan)
        with self._lock:
            self._loans.append(loan)
        return loan

    def _give_back(self, kind, browser, loan):
        with self._lock:
            if not any(lent is loan for lent in self._loans):
                return  # that loan ended already
            self._loans = [lent for lent in self._loans if lent is not loan]
        try:
            browser.driver.get("about:blank")
        except WebDriverException:
            self._forget(browser)
            return
        with self._lock:
            self._idle.append((kind, browser))
            evicted = self._idle.pop(0)[1] if len(self._idle) > MAX_IDLE else None
        if evicted is not None:
            self._forget(evicted)

    def _forget(self, browser):
        with self._lock:
            if browser in self._all:
                self._all.remove(browser)
            self._idle = [entry for entry in self._idle if entry[1] is not browser]
        browser.quit()

    def close(self):
        """Quit every browser started here (the test process ends)."""
        with self._lock:
            browsers, self._all, self._idle, self._loans = list(self._all), [], [], []
        for browser in browsers:
            browser.quit()
