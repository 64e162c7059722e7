"""The waiver pages in real Chromium: keyboard only, errors a screen reader announces, axe-core finds nothing."""

import datetime

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from console_browser import ConsoleServer
from console_browser import Staff
from console_browser import start_browser
from databases import new_sqlite_url
from server.db.clock import today as commonwealth_today

pytestmark = pytest.mark.browser
FORM_ORDER = ["agency", "clauses-0", "clauses-1", "clauses-2", "scope_kind-0", "tracker", "cookies", "purpose",
              "why_not_comply", "privacy_review", "pab_representative", "iso_copied", "no_sensitive_information",
              "kind-0", "starts", "ends", "extends"]
MISSING = ["agency", "clauses", "scope_kind", "purpose", "why_not_comply", "privacy_review", "pab_representative",
           "iso_copied", "no_sensitive_information", "kind", "starts", "ends"]


@pytest.fixture(scope="module")
def console(tmp_path_factory, upgraded_sqlite):
    """The console on SQLite with a requester, a member of staff who reviews, counsels and approves, and two more."""
    url = new_sqlite_url(tmp_path_factory.mktemp("pages-db"), upgraded_sqlite)
    server = ConsoleServer(tmp_path_factory.mktemp("pages-agencies"), url)
    server.add_staff("rita", "requester")
    server.add_staff("vera", "reviewer", "counsel", "approver")
    server.add_staff("cole", "counsel")
    server.add_staff("abe", "approver")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def person(console, browser_pool):
    """One keyboard-only person in one headless Chromium for the module."""
    browser = start_browser(browser_pool)
    yield Staff(browser.driver, console.url)
    browser_pool.give_back(browser)


def assert_axe_clean(person, page):
    """No violation; and the rules that matter here did run (labels wherever the page has fields)."""
    violations, passed = person.axe()
    assert violations == [], (page, violations)
    expected = {"document-title", "html-has-lang", "color-contrast"}
    if person.driver.find_elements(By.CSS_SELECTOR, "main input:not([type=hidden]), main textarea"):
        expected.add("label")
    if person.driver.find_elements(By.CSS_SELECTOR, "main select"):
        expected.add("select-name")
    assert expected <= set(passed), (page, sorted(expected - set(passed)))


def test_the_form_in_tab_order_and_its_errors_announced(person):
    person.sign_in("rita").open("/console/waivers/new")
    assert_axe_clean(person, "empty form")

    # From the skip link into main, then every control in reading order.
    person.press(Keys.TAB)
    assert person.driver.switch_to.active_element.text == "Skip to main content"
    person.press(Keys.ENTER)
    reached = person.tab_to("extends")
    # A date field takes three presses (month, day, year) on the same element: counted once.
    stops = [stop for i, stop in enumerate(reached) if stop in FORM_ORDER and reached[i - 1] != stop] + ["extends"]
    assert stops == FORM_ORDER

    person.submit("File the request")
    summary = person.driver.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.get_attribute("role") == "alert"
    links = summary.find_elements(By.TAG_NAME, "a")
    assert len(links) == len(MISSING)
    for name in MISSING:
        error = person.driver.find_element(By.ID, f"{name}-error")
        assert error.is_displayed() and "Error:" in error.get_attribute("textContent")
        holder = person.driver.find_element(By.ID, name)
        assert f"{name}-error" in holder.get_attribute("aria-describedby")
    assert person.driver.find_element(By.ID, "purpose").get_attribute("aria-invalid") == "true"
    assert person.driver.title.startswith("Error: ")
    assert_axe_clean(person, "form with errors")

    # The summary's first link takes the keyboard to the field at fault.
    person.tab_to_text("Agency: this is missing.")
    person.press(Keys.ENTER)
    assert person.driver.current_url.endswith("#agency")
    person.sign_out()


def test_list_waiver_page_steps_and_refusals_pass_axe(person, console):
    starts = commonwealth_today() + datetime.timedelta(days=20)
    person.sign_in("rita").file_request("Fixture Office", "fx_prefs", starts, starts + datetime.timedelta(days=9))
    page = person.driver.current_url.replace(console.url, "")
    assert person.driver.find_element(By.CSS_SELECTOR, "[role=status]").text.startswith("Waiver request")
    assert_axe_clean(person, "waiver page (requester: withdraw)")
    person.open("/console/waivers?agency=fx&state=submitted")
    assert len(person.driver.find_elements(By.CSS_SELECTOR, "tbody tr")) == 1
    assert_axe_clean(person, "filtered list")
    person.sign_out()
    assert_axe_clean(person, "sign-in page")

    # Three roles at once: each step's form appears only when its turn comes, and only one step is theirs.
    person.sign_in("vera").open(page)
    assert [b.get_attribute("data-step") for b in person.driver.find_elements(By.CSS_SELECTOR, "[data-step]")] \
        == ["recommend"]
    person.take_step(page, "Recommend")  # no choice made: the error sits beside the radio group
    assert "Choose grant or deny." in person.text_of("#recommend-recommendation-error")
    assert_axe_clean(person, "step refused")
    person.take_step(page, "Recommend", "recommend-recommendation-0", "recommend-notes", "Fine.")
    # Separation of duties: having recommended, vera is offered neither the legal review nor the decision.
    assert person.driver.find_elements(By.CSS_SELECTOR, "[data-step]") == []
    person.sign_out()
    person.sign_in("cole").open(page)
    person.take_step(page, "Record the legal review", None, "legal-review-analysis", "Lawful.")
    person.sign_out()
    person.sign_in("abe").open(page)
    assert [b.get_attribute("data-step") for b in person.driver.find_elements(By.CSS_SELECTOR, "[data-step]")] \
        == ["decide"]
    assert_axe_clean(person, "waiver page (approver: decide)")
    person.open("/console/waivers/999999")
    assert person.heading() == "Not found"
    assert_axe_clean(person, "not found")
    person.sign_out()
