"""Browser fixtures for the banner tests: one Chromium per module, a clean visitor for each test."""

import pytest

from agency_site import AgencySite
from extension.browser import SetupError
from extension.browser import launch_chrome
from notice_page import NoticePage

# Installed before any page script: records CSP and Trusted Types violations, so tests can assert there were none.
VIOLATION_RECORDER = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def chrome():
    """One headless Chromium for the whole module (starting one costs about a second)."""
    try:
        # Realistic host names on loopback, for cookies on parent domains (www.agency.test -> agency.test).
        browser = launch_chrome(extension=False, extra_args=("--host-resolver-rules=MAP *.test 127.0.0.1",))
    except SetupError as error:
        # A browser that cannot start is a failed run, never a skipped one: the journeys would prove nothing.
        pytest.fail(f"Chromium did not start, so no banner journey can run: {error}", pytrace=False)
    browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": VIOLATION_RECORDER})
    yield browser.driver
    browser.quit()


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
