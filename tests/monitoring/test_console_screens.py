"""Every console page looked at in real Chromium at 1280 and 390 px wide (issue 25.6): nothing runs off the side
of the page (no horizontal scroll), the dashboard's clauses fit at 1280 px, and a full-page PNG of each is kept in
the test's folder for a person to look at."""

import base64
from datetime import timedelta

import pytest
from dashboard_world import NOW
from dashboard_world import World
from dashboard_world import add_latest_run
from databases import new_sqlite_url
from test_dashboard_browser import console_browser
from test_dashboard_browser import sign_in

from staff_accounts import add_account
from server.core.clauses import CLAUSE_ORDER
from server.db.session import session_for
from serving import AppServer

pytestmark = pytest.mark.browser
PASSWORD = "journey-password-0123456"
WIDTHS = (1280, 390)
HEIGHT = 900
# (name, path made from the world, needs signing in)
PAGES = (
    ("sign-in", lambda world: "/console/login", False),
    ("dashboard", lambda world: "/console/", True),
    ("agency", lambda world: "/console/agencies/hhs-a", True),
    ("run", lambda world: f"/console/runs/{world.runs['hhs-a']}", True),
    ("statement", lambda world: "/console/agencies/hhs-a/statement", True),
    ("waivers", lambda world: "/console/waivers", True),
    ("waiver-request", lambda world: "/console/waivers/new", True),
    ("waiver", lambda world: f"/console/waivers/{world.waiver_id}", True),
)
OVERFLOW = """
const root = document.documentElement;
const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined
       ? '.' + String(e.className).trim().split(/\\s+/).join('.') : ''));
return [root.scrollWidth, root.clientWidth, wide.slice(0, 8)];
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, upgraded_sqlite):
    """The monitored world on loopback; one agency's newest run reports every clause of the policy; "sam" may
    read, request waivers and sign statements."""
    folder = tmp_path_factory.mktemp("console-screens")
    world = World(folder, new_sqlite_url(folder, upgraded_sqlite), password=None)
    with session_for(world.app) as db:
        add_latest_run(db, "plain-d", {clause: "pass" for clause in CLAUSE_ORDER}, NOW - timedelta(minutes=5))
        add_account(db, "sam", ("auditor", "requester", "iso"), (), PASSWORD)
        db.commit()
    server = AppServer(world.app, quiet=True)
    server.start()
    yield server, world
    server.stop()
    world.close()


@pytest.fixture(scope="module")
def person(site, browser_pool):
    """One person in one headless Chromium for the module, signed in or out as each page needs."""
    browser = console_browser.start_browser(browser_pool)
    staff = console_browser.Staff(browser.driver, site[0].url)
    staff.signed_in = False
    yield staff
    browser_pool.give_back(browser)


def at_width(driver, width):
    """The page's viewport exactly `width` CSS px wide, as a phone or a desktop window would give it."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": width < 600})


def full_page_png(driver, path):
    """A PNG of the whole page (beyond the viewport), written to `path`."""
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    path.write_bytes(base64.b64decode(shot["data"]))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "path", "signed_in"), PAGES, ids=[page[0] for page in PAGES])
def test_no_console_page_scrolls_sideways(person, site, tmp_path, width, name, path, signed_in):
    _server, world = site
    if signed_in and not person.signed_in:
        at_width(person.driver, 1280)
        sign_in(person, "sam")
        person.signed_in = True
    if not signed_in and person.signed_in:
        person.driver.delete_all_cookies()
        person.signed_in = False
    at_width(person.driver, width)
    person.open(path(world))
    person.wait(lambda d: d.execute_script("return document.readyState") == "complete", f"{name} did not load")
    assert person.driver.find_element("tag name", "h1").text not in ("Not found", "Forbidden"), name
    full_page_png(person.driver, tmp_path / f"{name}-{width}.png")
    scroll_width, client_width, too_wide = person.driver.execute_script(OVERFLOW)
    assert client_width == width or client_width >= width - 20, (name, width, client_width)
    assert scroll_width <= client_width, f"{name} at {width} px scrolls sideways: {too_wide}"


def test_the_dashboard_shows_every_clause_without_scrolling_at_1280_px(person, site, tmp_path):
    if not person.signed_in:
        sign_in(person, "sam")
        person.signed_in = True
    at_width(person.driver, 1280)
    person.open("/console/")
    inner, outer, columns = person.driver.execute_script(
        "const wrap = document.querySelector('.matrix-wrap');"
        "return [wrap.scrollWidth, wrap.clientWidth, document.querySelectorAll('table.matrix thead th').length];")
    full_page_png(person.driver, tmp_path / "dashboard-every-clause-1280.png")
    assert columns == 2 + len(CLAUSE_ORDER)
    assert inner <= outer, f"the matrix scrolls sideways at 1280 px ({inner} > {outer})"


def signed_in_at(person, width):
    """The module's person signed in, the viewport `width` px wide."""
    if not person.signed_in:
        at_width(person.driver, 1280)
        sign_in(person, "sam")
        person.signed_in = True
    at_width(person.driver, width)


def box(driver, css):
    """An element's box on the page: {x, y, width, height, right, bottom} in CSS px."""
    return driver.execute_script("const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                                 "return {x: r.x, y: r.y, width: r.width, height: r.height, right: r.right,"
                                 " bottom: r.bottom};", css)


def test_a_new_agency_s_chart_axis_never_repeats_a_date(person, site, tmp_path):
    signed_in_at(person, 1280)
    person.open("/console/agencies/plain-d")  # one check, minutes ago
    labels = [text.text for text in person.driver.find_elements(
        "css selector", "figure.chart svg > g:last-of-type text")]
    full_page_png(person.driver, tmp_path / "agency-one-run-1280.png")
    assert len(labels) == 6 and len(set(labels)) == 6, labels


def test_evidence_stays_on_one_line_and_the_statement_s_buttons_do_not_touch(person, site):
    _server, world = site
    for width in WIDTHS:
        signed_in_at(person, width)
        person.open(f"/console/runs/{world.runs['hhs-a']}")
        summary = box(person.driver, "details summary")
        line = person.driver.execute_script(
            "return parseFloat(getComputedStyle(document.querySelector('details summary')).lineHeight)")
        assert summary["height"] < 1.5 * line, (width, summary, line)
        person.open("/console/agencies/hhs-a/statement")
        show, pdf = box(person.driver, ".filters button"), box(person.driver, ".filters a")
        apart = pdf["x"] - show["right"] if pdf["y"] < show["bottom"] else pdf["y"] - show["bottom"]
        assert apart >= 8, (width, show, pdf)


def test_the_sign_in_form_s_fields_are_equally_wide(person):
    person.driver.delete_all_cookies()
    person.signed_in = False
    for width in WIDTHS:
        at_width(person.driver, width)
        person.open("/console/login")
        name, password = box(person.driver, "#name"), box(person.driver, "#password")
        assert name["width"] == password["width"] and name["right"] <= width, (width, name, password)


def test_on_a_phone_the_waivers_list_is_one_card_per_waiver_with_words_unbroken(person, site):
    signed_in_at(person, 390)
    person.open("/console/waivers")
    cells = person.driver.execute_script(
        "return [...document.querySelectorAll('table tbody td')].map(td => [td.getBoundingClientRect().height,"
        " parseFloat(getComputedStyle(td).lineHeight), getComputedStyle(td, '::before').content]);")
    assert cells and all(height < 2 * line + 12 for height, line, _label in cells), cells
    assert [label for _height, _line, label in cells][:2] == ['"Agency: "', '"Clauses: "'], cells
