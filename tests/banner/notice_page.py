"""Page object for the consent notice: locators as data, explicit waits that say what did not happen."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

NOTICE = (By.CSS_SELECTOR, "[data-consent-notice]")
CONFIRMATION_HOST = (By.CSS_SELECTOR, "[data-consent-confirmation]")
OPT_OUT = (By.CSS_SELECTOR, "[data-consent-action=opt-out]")
ACCEPT = (By.CSS_SELECTOR, "[data-consent-action=accept]")
DETAILS = (By.CSS_SELECTOR, "[data-consent-action=details]")
HIDE = (By.CSS_SELECTOR, "[data-consent-action=hide]")
CONFIRMATION = (By.CSS_SELECTOR, "[role=alert]")
GPC_MESSAGE = (By.CSS_SELECTOR, "[role=status]")
REOPEN = (By.CSS_SELECTOR, "[data-consent-open]")
WAIT = 10

# True when the notice's choices are on screen (checkVisibility: not hidden, not display:none).
CHOICES_VISIBLE = """
const host = document.querySelector('[data-consent-notice]');
if (!host || host.hidden) return false;
const button = host.shadowRoot.querySelector('[data-consent-action=opt-out]');
const r = button.getBoundingClientRect();
return button.checkVisibility() && r.height > 0 && r.bottom <= innerHeight && r.top >= 0;
"""
NOTICE_HIDDEN = """
const host = document.querySelector('[data-consent-notice]');
if (!host || host.hidden) return true;
return !host.shadowRoot.querySelector('[data-consent-action=opt-out]').checkVisibility();
"""
FOCUSED_CONFIRMATION = """
const host = document.querySelector('[data-consent-confirmation]');
const active = host && host.shadowRoot.activeElement;
return active && active.getAttribute('role') === 'alert' && active.checkVisibility() ? active.textContent : null;
"""


class NoticePage:
    """What a visitor sees and does on a page that embeds the banner."""

    def __init__(self, driver):
        self.driver = driver
        self._scripts = []

    def send_gpc(self):
        """Make navigator.globalPrivacyControl true before any page script runs (this tab, until forgotten)."""
        result = self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
            "source": "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"})
        self._scripts.append(result["identifier"])

    def forget_overrides(self):
        """Remove what send_gpc installed, so the next test starts as a plain visitor."""
        for identifier in self._scripts:
            self.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": identifier})
        self._scripts.clear()

    def visit(self, url):
        """Load a page and wait until it has finished loading."""
        self.driver.get(url)
        return self

    def wait(self, condition, message, timeout=WAIT):
        """Explicit wait with a message saying what a visitor would have missed."""
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(condition, message)

    def wait_shown(self):
        """Wait for the notice's choices to be on screen."""
        self.wait(lambda d: d.execute_script(CHOICES_VISIBLE), "the consent notice did not appear")
        return self

    def shown(self):
        """Whether the choices are on screen now."""
        return self.driver.execute_script(CHOICES_VISIBLE)

    def wait_hidden(self):
        """Wait until the choices are gone."""
        self.wait(lambda d: d.execute_script(NOTICE_HIDDEN), "the consent notice stayed on screen")

    def host(self):
        """The notice's root element (in the page)."""
        return self.driver.find_element(*NOTICE)

    def control(self, locator):
        """An element inside the notice's open shadow root, or else the confirmation's (shown after a choice)."""
        found = self.controls(locator)
        if not found:
            found = self.driver.find_element(*CONFIRMATION_HOST).shadow_root.find_elements(*locator)
        if not found:
            raise AssertionError(f"no {locator[1]} in the notice or its confirmation")
        return found[0]

    def controls(self, locator):
        """Every element matching inside the notice's shadow root."""
        return self.host().shadow_root.find_elements(*locator)

    def notice_text(self):
        """All the text of the notice, as a screen reader would get it."""
        return self.driver.execute_script(
            "return document.querySelector('[data-consent-notice]').shadowRoot.textContent")

    def wait_confirmation(self):
        """Wait until focus is on the confirmation (role=alert) and return its text."""
        return self.wait(lambda d: d.execute_script(FOCUSED_CONFIRMATION),
                         "focus did not move to a visible confirmation with role=alert")

    def cookie(self, name):
        """A cookie of the current page's site, as the browser stores it, or None."""
        return self.driver.get_cookie(name)

    def wait_cookie(self, name):
        """Wait for a cookie to be set."""
        return self.wait(lambda d: d.get_cookie(name), f"cookie {name} was not set")

    def requested(self, fragment):
        """URLs this page view fetched that contain fragment (resource timing, so only this page view)."""
        return self.driver.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.includes(arguments[0]))",
            fragment)

    def settle(self):
        """Wait until the page has loaded and the banner script has run (or failed to load)."""
        self.wait(lambda d: d.execute_script(
            "return document.readyState === 'complete' && "
            "performance.getEntriesByType('resource').some(e => e.name.includes('/banner.js'))"),
            "the page did not finish loading its banner script")
        # One more animation frame: anything the banner activates is inserted by then.
        self.driver.execute_async_script("requestAnimationFrame(() => setTimeout(arguments[0], 50))")
