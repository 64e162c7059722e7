"""Browser fixtures for the banner tests: the process's Chromium on a fresh tab per module, a clean visitor per test."""

import pytest

from agency_site import AgencySite
from extension.browser import SetupError
from notice_page import NoticePage

# Installed before any page script: records CSP and Trusted Types violations, so tests can assert there were none.
VIOLATION_RECORDER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def chrome(browser_pool):
    """The pool's headless Chromium for the whole module, on a fresh tab (starting one costs about a second)."""
    try:
        # Realistic host names on loopback, for cookies on parent domains (www.agency.test -> agency.test).
        browser = browser_pool.lend(extension=False, extra_args=("--host-resolver-rules=MAP *.test 127.0.0.1",))
    except SetupError as error:
        # A browser that cannot start is a failed run, never a skipped one: the journeys would prove nothing.
        pytest.fail(f"Chromium did not start, so no banner journey can run: {error}", pytrace=False)
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": VIOLATION_RECORDER})
    yield browser.driver
    browser_pool.give_back(browser)


@pytest.fixture
def visitor(chrome):
    """A new visit: no cookies from earlier tests, no GPC override; yields the page object."""
    chrome.get("about:blank")
    chrome.execute_cdp_cmd("Network.clearBrowserCookies", {})
    page = NoticePage(chrome)
    yield page
    page.forget_overrides()


@pytest.fixture(scope="module")
def site():
    """A stand-in agency web site on http://localhost:PORT (its own origin, apart from the service)."""
    server = AgencySite().start()
    yield server
    server.stop()
