"""The banner on an agency's own site (another origin than the service): modes, CSP, Trusted Types, text safety."""

import dataclasses
import json
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from agency_site import ServiceThread
from agency_site import agency_toml
from consent_banner.build import render_script
from notice_page import ACCEPT
from notice_page import DETAILS
from notice_page import OPT_OUT
from notice_page import REOPEN
from server import create_app
from server.notice import build_notice
from server.notice import default_texts

pytestmark = pytest.mark.browser

TEST_KEYS = ["banner-test-key-0123456789abcdef"]
HOSTILE = '<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=2">'
HOSTILE_TEXTS = {"en": {
    "title": "Notice " + HOSTILE,
    "intro": 'javascript:window.__pwned=3 </p><a href="javascript:window.__pwned=4">click</a>',
    "opt_out": "Opt out' onclick='window.__pwned=5",
}}
CONSENT_UPDATES = """
return (window.dataLayer || []).map(a => Array.from(a)).filter(a => a[0] === 'consent' && a[1] === 'update');
"""


def make_agencies(folder, origin):
    """Agency files for this module: opt-out, opt-in and one with hostile notice text."""
    folder.mkdir(exist_ok=True)
    (folder / "page-out.toml").write_text(agency_toml("page-out", origin), encoding="utf-8")
    (folder / "page-in.toml").write_text(agency_toml("page-in", origin, mode="opt-in"), encoding="utf-8")
    (folder / "hostile.toml").write_text(agency_toml(
        "hostile", origin, name='Office </title><script>window.__pwned=7</script>',
        vendor='<b onmouseover="window.__pwned=8">Evil & Co</b>',
        purpose="'\"><svg onload=window.__pwned=9>", texts=HOSTILE_TEXTS), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def service_app(site, tmp_path_factory):
    """A consent service whose agencies' origin is the test site."""
    folder = make_agencies(tmp_path_factory.mktemp("banner-agencies"), site.origin)
    return create_app({"AGENCIES_DIR": str(folder), "SECRET_KEYS": list(TEST_KEYS), "DEMO": False})


@pytest.fixture(scope="module")
def service(service_app):
    """That service on http://127.0.0.1:PORT."""
    server = ServiceThread(service_app).start()
    # The port is known only now; the snippet's absolute URLs come from this setting alone.
    service_app.config["PUBLIC_URL"] = server.url
    yield server.url
    server.stop()


@pytest.fixture
def fresh_site(site):
    """The site with its request log cleared."""
    site.forget()
    return site


def violations(page):
    """CSP and Trusted Types violations this page view reported."""
    return page.driver.execute_script("return window.__violations")


def test_cross_site_opt_out(visitor, fresh_site, service):
    url = fresh_site.add_page("/p/out", service, "page-out")
    visitor.visit(url).wait_shown()
    visitor.wait(lambda d: visitor.cookie("_page_t"), "the tracker did not run before the opt-out")
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    token = visitor.wait_cookie("consent_optout")
    assert token["domain"] == "localhost" and "expiry" not in token
    assert visitor.cookie("_page_t") is None
    fresh_site.forget()
    visitor.visit(url).settle()
    assert not visitor.shown()
    assert fresh_site.tracker_hits() == []
    assert violations(visitor) == []


def test_opt_out_deletes_cookies_on_parent_domains_even_when_the_service_refuses(visitor, fresh_site, service):
    # www.agency.test is not a registered origin: the service refuses the POST, the local opt-out stands.
    url = fresh_site.add_page("/p/parent", service, "page-out").replace("localhost", "www.agency.test")
    visitor.visit(url).wait_shown()
    visitor.wait(lambda d: visitor.cookie("_page_t"), "the tracker did not run before the opt-out")
    visitor.driver.execute_script("""
        document.cookie = '_page_t=2; domain=agency.test; path=/; max-age=9999';
        document.cookie = '_page_x_123=3; domain=.agency.test; path=/; max-age=9999';
        document.cookie = 'unrelated=4; domain=agency.test; path=/; max-age=9999';
    """)
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    visitor.wait(lambda d: visitor.requested("/opt-out"), "the banner did not ask the service for a token")
    visitor.driver.execute_async_script("setTimeout(arguments[0], 100)")
    names = [cookie["name"] for cookie in visitor.driver.get_cookies()]
    assert "_page_t" not in names and "_page_x_123" not in names
    assert "unrelated" in names and "consent_optout" not in names
    assert visitor.cookie("consent_choice")["value"] == "out"
    fresh_site.forget()
    visitor.visit(url).settle()
    assert fresh_site.tracker_hits() == [] and not visitor.shown()


def test_embed_snippet_integrity_and_cors_load_the_script(visitor, fresh_site, service):
    with urllib.request.urlopen(f"{service}/v1/page-out/embed", timeout=10) as response:
        embed = json.load(response)
    url = fresh_site.add_page("/p/sri", service, "page-out", integrity=embed["integrity"])
    visitor.visit(url).wait_shown()
    # A wrong hash must block the script: the check is real, and a blocked banner runs no tracker.
    bad = fresh_site.add_page("/p/sri-bad", service, "page-out", integrity="sha384-" + "A" * 64)
    fresh_site.forget()
    visitor.visit(bad)
    visitor.wait(lambda d: d.execute_script("return document.readyState === 'complete'"), "the page did not load")
    visitor.driver.execute_async_script("setTimeout(arguments[0], 300)")
    assert not visitor.driver.find_elements(By.CSS_SELECTOR, "[data-consent-notice]")
    assert fresh_site.tracker_hits() == []


def test_opt_in_runs_trackers_only_after_accept(visitor, fresh_site, service):
    url = fresh_site.add_page("/p/in", service, "page-in")
    visitor.visit(url).wait_shown().settle()
    assert visitor.control(ACCEPT).text == default_texts("en")["accept"]
    assert fresh_site.tracker_hits() == []
    assert visitor.driver.execute_script("return window.inlineTrackerRan") is None
    visitor.control(ACCEPT).click()
    visitor.wait_confirmation()
    visitor.wait(lambda d: d.execute_script("return window.pageTrackerRan === 1 && window.inlineTrackerRan"),
                 "the trackers did not run after Accept")
    visitor.visit(url).settle()
    assert not visitor.shown()
    visitor.wait(lambda d: d.execute_script("return window.pageTrackerRan === 1"),
                 "the tracker did not run on the next page view after Accept")


def test_opt_in_page_left_alone_runs_nothing(visitor, fresh_site, service):
    url = fresh_site.add_page("/p/in-ignored", service, "page-in")
    visitor.visit(url).wait_shown().settle()
    visitor.visit(url).wait_shown().settle()
    assert fresh_site.tracker_hits() == []
    assert visitor.cookie("_page_t") is None


def test_strict_csp_and_trusted_types(visitor, fresh_site, service):
    url = fresh_site.add_page("/p/tt", service, "page-out", trusted_types=True)
    visitor.visit(url).wait_shown()
    # Both the src tracker and the inline one (nonce kept on the activated copy) ran.
    visitor.wait(lambda d: d.execute_script("return window.pageTrackerRan === 1 && window.inlineTrackerRan"),
                 "the inert trackers were not activated under CSP and Trusted Types")
    # In the page's order: the inline part ran after the external script it follows.
    assert visitor.driver.execute_script("return window.inlineRanAfterExternal") is True
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    visitor.wait_cookie("consent_optout")
    assert violations(visitor) == []


def test_hostile_notice_text_shows_as_text(visitor, fresh_site, service):
    url = fresh_site.add_page("/p/hostile", service, "hostile")
    visitor.visit(url).wait_shown()
    visitor.control(DETAILS).click()
    text = visitor.notice_text()
    assert HOSTILE in text
    assert HOSTILE_TEXTS["en"]["intro"] in text
    assert '<b onmouseover="window.__pwned=8">Evil & Co</b>' in text
    assert visitor.control(OPT_OUT).text == HOSTILE_TEXTS["en"]["opt_out"]
    injected = visitor.driver.execute_script("""
        const root = document.querySelector('[data-consent-notice]').shadowRoot;
        return [...root.querySelectorAll('script, img, svg, b, iframe, [onclick], [onerror], [onload]')]
          .map(e => e.outerHTML).concat([...document.querySelectorAll('img, svg, b')].map(e => e.outerHTML));
    """)
    assert injected == []
    hrefs = [a.get_attribute("href") for a in visitor.controls((By.CSS_SELECTOR, "a"))]
    assert all(h.startswith(fresh_site.origin) for h in hrefs), hrefs
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    assert visitor.driver.execute_script("return window.__pwned") is None


def test_unsafe_link_schemes_become_plain_text(visitor, fresh_site, service, service_app):
    # The agency schema already refuses such URLs; the banner must not rely on that.
    agency = service_app.extensions["registry"].get("page-out")
    tracker = dataclasses.replace(agency.trackers[0], license_url="javascript:window.__pwned=10",
                                  privacy_url="data:text/html,<script>window.__pwned=11</script>")
    agency = dataclasses.replace(agency, trackers=(tracker,), privacy_policy_url="javascript:window.__pwned=12")
    fresh_site.files["/unsafe-banner.js"] = render_script(build_notice(agency, "en")).encode("utf-8")
    url = fresh_site.add_page("/p/unsafe", service, "page-out", src="/unsafe-banner.js")
    visitor.visit(url).wait_shown()
    visitor.control(DETAILS).click()
    hrefs = [a.get_attribute("href") for a in visitor.controls((By.CSS_SELECTOR, "a"))]
    assert hrefs == [f"{fresh_site.origin}/terms"]
    text = visitor.notice_text()
    assert default_texts("en")["tracker_license"] in text and default_texts("en")["privacy_link"] in text


@pytest.mark.parametrize(("html_lang", "data_lang", "expected"), [
    ("es", None, "es"),
    ("en", "es", "es"),
    ("es-US", "fr", "es"),
    ("fr", None, "en"),
])
def test_language_choice(visitor, fresh_site, service, html_lang, data_lang, expected):
    url = fresh_site.add_page(f"/p/lang-{html_lang}-{data_lang}", service, "page-out",
                              html_lang=html_lang, data_lang=data_lang)
    visitor.visit(url).wait_shown()
    texts = default_texts(expected)
    assert visitor.control(OPT_OUT).text == texts["opt_out"]
    assert texts["intro"] in visitor.notice_text()
    assert visitor.host().get_attribute("lang") == expected


def test_google_consent_mode_updates(visitor, fresh_site, service):
    url = fresh_site.add_page("/p/gcm", service, "page-out",
                              head='<script nonce="NONCE">window.dataLayer = [];</script>')
    visitor.visit(url).wait_shown()
    visitor.control(OPT_OUT).click()
    visitor.wait_confirmation()
    denied = {"analytics_storage": "denied", "ad_storage": "denied", "ad_user_data": "denied",
              "ad_personalization": "denied"}
    assert visitor.driver.execute_script(CONSENT_UPDATES) == [["consent", "update", denied]]
    visitor.driver.find_element(*REOPEN).click()
    visitor.wait_shown()
    visitor.control(ACCEPT).click()
    visitor.wait_confirmation()
    granted = {key: "granted" for key in denied}
    assert visitor.driver.execute_script(CONSENT_UPDATES)[-1] == ["consent", "update", granted]


@pytest.mark.parametrize("failure", ["stopped", "unknown-agency"])
def test_service_down_runs_no_tracker_and_leaves_the_page(visitor, fresh_site, service_app, service, failure):
    if failure == "stopped":
        down = ServiceThread(service_app).start()
        down.stop()
        url = fresh_site.add_page(f"/p/{failure}", down.url, "page-out")
    else:
        url = fresh_site.add_page(f"/p/{failure}", service, "no-such-agency")
    visitor.visit(url)
    visitor.wait(lambda d: d.execute_script("return document.readyState === 'complete'"), "the page did not load")
    visitor.driver.execute_async_script("setTimeout(arguments[0], 500)")
    assert visitor.driver.find_elements(By.CSS_SELECTOR, "[data-consent-notice]") == []
    assert fresh_site.tracker_hits() == []
    assert visitor.driver.execute_script("return window.inlineTrackerRan") is None
    assert visitor.driver.find_element(By.CSS_SELECTOR, "main").text == (
        "Renew your license\nYou can renew online in a few minutes.\nCookie settings")
