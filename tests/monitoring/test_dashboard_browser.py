"""The dashboard in real Chromium, keyboard only: the matrix and its filters, an agency's chart, a run's report
with its screenshot, a statement signed by the agency's ISO; axe-core finds no WCAG 2.x A/AA violation."""

import importlib.util
import sys
from pathlib import Path

import pytest
from dashboard_world import World
from databases import new_sqlite_url
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from serving import AppServer



def _console_browser():
    """tests/console/console_browser.py (the console's keyboard-only person and axe-core), however pytest was run."""
    if "console_browser" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "console_browser", Path(__file__).resolve().parents[1] / "console" / "console_browser.py")
        sys.modules["console_browser"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["console_browser"])
    return sys.modules["console_browser"]


console_browser = _console_browser()
ACTIVE_ID = console_browser.ACTIVE_ID
pytestmark = pytest.mark.browser
PASSWORD = "journey-password-0123456"


@pytest.fixture(scope="module")
def site(tmp_path_factory, upgraded_sqlite):
    """The monitored world served on loopback; staff can sign in with a password."""
    folder = tmp_path_factory.mktemp("dashboard-browser")
    world = World(folder, new_sqlite_url(folder, upgraded_sqlite), password=PASSWORD)
    server = AppServer(world.app, quiet=True)
    server.start()
    yield server, world
    server.stop()
    world.close()


@pytest.fixture(scope="module")
def person(site, browser_pool):
    """One keyboard-only person in one headless Chromium for the module."""
    browser = console_browser.start_browser(browser_pool)
    yield console_browser.Staff(browser.driver, site[0].url)
    browser_pool.give_back(browser)


def sign_in(person, name):
    """The journey's password (console_browser's sign_in uses its own)."""
    person.open("/console/login")
    person.wait(lambda d: d.execute_script(ACTIVE_ID) == "name", "the name field did not take focus")
    person.press(name, Keys.TAB, PASSWORD, Keys.ENTER)
    person.wait(lambda d: "/console/login" not in d.current_url, f"{name} was not signed in")


def assert_axe_clean(person, page):
    violations, passed = person.axe()
    assert violations == [], (page, violations)
    assert {"document-title", "html-has-lang", "color-contrast"} <= set(passed), page


def rows(person):
    return [cell.text for cell in person.driver.find_elements(By.CSS_SELECTOR, "table.matrix tbody th a")]


def follow(person, label):
    """Tab to a link by its text and press Enter; wait for the next page."""
    person.submit(label)


def test_a_new_visitor_to_the_console_is_sent_to_the_sign_in_form(person):
    person.open("/console/")
    person.wait(lambda d: "/console/login" in d.current_url, "/console/ did not lead to the sign-in form")
    assert person.heading() == "Sign in"


def test_a_reader_filters_the_matrix_and_opens_an_agency_and_a_run_by_keyboard(person, site):
    _server, world = site
    sign_in(person, "audrey")
    assert person.heading() == "Monitoring dashboard"
    assert len(rows(person)) == 4
    fail = person.driver.find_element(By.CSS_SELECTOR, "table.matrix .verdict-fail")
    assert fail.text == "Fail" and fail.value_of_css_property("background-color") == "rgba(176, 31, 31, 1)"
    assert_axe_clean(person, "matrix")

    person.tab_to("failing")
    person.press(Keys.SPACE)
    person.submit("Filter")
    assert "failing=1" in person.driver.current_url and rows(person) == ["Office of Elder Affairs"]

    follow(person, "Office of Elder Affairs")
    assert person.heading() == "Office of Elder Affairs"
    chart = person.driver.find_element(By.CSS_SELECTOR, "figure.chart svg")
    assert chart.is_displayed() and chart.size["height"] > 100
    assert_axe_clean(person, "agency page")

    follow(person, f"Run {world.runs['hhs-a']}")
    assert person.heading() == f"Run {world.runs['hhs-a']} of Office of Elder Affairs"
    image = person.driver.find_element(By.CSS_SELECTOR, ".shots img")
    person.wait(lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image),
                "the screenshot did not load")
    assert_axe_clean(person, "run page")
    person.sign_out()


def test_the_agency_s_iso_sees_only_it_and_signs_its_statement_by_keyboard(person, site):
    sign_in(person, "ivy")
    assert rows(person) == ["Office of Elder Affairs"]
    person.open("/console/agencies/hhs-a/statement")
    assert person.heading() == "Statement of compliance: Office of Elder Affairs"
    assert_axe_clean(person, "statement")
    person.type_into("title", "Information Security Officer")
    person.submit("Sign as ivy")
    status = person.driver.find_element(By.CSS_SELECTOR, "[role=status]")
    assert status.text.startswith("Signed: the statement of")
    signed = person.driver.find_element(By.CSS_SELECTOR, ".signature .signed").text
    assert signed.startswith("Signed by ivy, Information Security Officer")
    assert_axe_clean(person, "signed statement")
    person.open("/console/agencies/eea-c")
    assert person.heading() == "Not found"
    person.sign_out()
