"""One headless Chromium per test process (so per xdist worker) and kind of launch, lent to module after module.

Starting a browser costs one to two seconds and quitting it half a second; the modules that drive one only
need a clean one. Each loan is a fresh tab (CDP overrides and injected scripts belong to a tab, so they go
with the old one) in a browser without cookies or cache (those belong to the profile, so they are cleared).
A browser that stopped answering is replaced, never reused; one that cannot start fails the test.
"""

from selenium.common.exceptions import WebDriverException

from extension.browser import launch_chrome


def fresh_tab(driver):
    """Leave the driver on a new blank tab, every other tab closed, and no cookie or cached file in the profile."""
    old = list(driver.window_handles)
    driver.switch_to.new_window("tab")
    new = driver.current_window_handle
    for handle in old:
        driver.switch_to.window(handle)
        driver.close()
    driver.switch_to.window(new)
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
