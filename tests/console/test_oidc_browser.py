"""Single sign-on in real Chromium: a person signs in through the directory's own pages (oidc-provider-mock on
loopback), lands in the console, signs out of it and then of the directory; a person in no mapped group reads
whom to ask. Keyboard only on the console's pages, which axe-core finds clean."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from console_browser import KEYS
from console_browser import Staff
from console_browser import start_browser
from databases import new_sqlite_url
from oidc_providers import GROUPS_FILE
from oidc_providers import mock_provider
from oidc_providers import oidc_settings
from server import create_app
from serving import AppServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def console(tmp_path_factory, upgraded_sqlite, agencies_dir):
    """The console on SQLite with single sign-on through a provider on loopback, served in a thread."""
    folder = tmp_path_factory.mktemp("oidc-browser")
    (folder / "groups.toml").write_text(GROUPS_FILE)
    with mock_provider() as issuer:
        server = AppServer(None, quiet=True)
        server.app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True,
                                 "DATABASE_URL": new_sqlite_url(folder, upgraded_sqlite), "PUBLIC_URL": server.url,
                                 "OIDC": oidc_settings(issuer, folder / "groups.toml")})
        server.issuer = issuer
        server.start()
        yield server
        server.stop()
        server.app.extensions["database"].kw["bind"].dispose()


@pytest.fixture(scope="module")
def person(console, browser_pool):
    """One keyboard-only person in one headless Chromium for the module."""
    browser = start_browser(browser_pool)
    yield Staff(browser.driver, console.url)
    browser_pool.give_back(browser)


def assert_axe_clean(person, page):
    violations, passed = person.axe()
    assert violations == [], (page, violations)
    assert {"document-title", "html-has-lang", "color-contrast"} <= set(passed), page


def sign_in_at_the_directory(person, console, sub):
    """From a console page that needs sign-in: the directory's link by keyboard, then the person at the directory."""
    person.tab_to("sign-in-directory")
    person.press(Keys.ENTER)
    person.wait(lambda d: d.current_url.startswith(console.issuer), "the directory's sign-in page did not open")
    person.driver.find_element(By.CSS_SELECTOR, f"button[name=sub][value='{sub}']").click()


def test_sign_in_through_the_directory_and_out_of_both(person, console):
    person.open("/console/")
    person.wait(lambda d: "/console/login" in d.current_url, "the console did not ask to sign in")
    assert person.heading() == "Sign in"
    assert_axe_clean(person, "sign-in page with the directory")
    # The directory comes first: the first control of the page after the header.
    controls = person.driver.find_elements(By.CSS_SELECTOR, "main a, main input:not([type=hidden])")
    ids = [element.get_attribute("id") for element in controls]
    assert ids[0] == "sign-in-directory" and "name" in ids

    sign_in_at_the_directory(person, console, "sub-alice-1")
    person.wait(lambda d: d.current_url == console.url + "/console/", "the directory did not bring Alice back")
    assert "Signed in as alice.admin (admin, iso)" in person.text_of(".sign-out")

    person.tab_to_text("Sign out")
    person.press(Keys.ENTER)
    person.wait(lambda d: d.find_elements(By.ID, "sign-out-directory"), "no offer to leave the directory")
    assert person.heading() == "Signed out"
    assert_axe_clean(person, "signed out")
    person.tab_to("sign-out-directory")
    person.press(Keys.ENTER)
    person.wait(lambda d: d.current_url.startswith(console.issuer + "/oauth2/end_session"),
                "the directory's end-session page did not open")
    person.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    person.wait(lambda d: d.current_url.startswith(console.url + "/console/login"),
                "the directory did not send the person back to the console's sign-in page")
    # The console session is gone: a console page asks to sign in again.
    person.open("/console/")
    person.wait(lambda d: "/console/login" in d.current_url, "the session outlived sign-out")


def test_a_person_in_no_mapped_group_reads_whom_to_ask(person, console):
    person.open("/console/login")
    sign_in_at_the_directory(person, console, "sub-nobody-3")
    person.wait(lambda d: "/console/login/oidc/callback" in d.current_url, "the directory did not send them back")
    assert person.heading() == "Not signed in"
    assert "none of your groups gives a role" in person.text_of("#sign-in-problem")
    assert "alice.admin@mass.gov" in person.text_of("#administrators")
    assert_axe_clean(person, "refused")
