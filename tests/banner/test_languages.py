"""Every language Mass.gov translates into: the banner shows the notice in it (Arabic right to left), and so does the
no-JavaScript choices page."""

import re

import pytest
from selenium.webdriver.common.by import By

from agency_site import agency_toml
from agency_site import serve_agencies
from notice_page import ACCEPT
from notice_page import DETAILS
from notice_page import OPT_OUT
from server.notice import SUPPORTED_LANGS
from server.notice import default_texts

pytestmark = pytest.mark.browser

TEST_KEYS = ["banner-languages-key-0123456789abcdef"]
# How a page may name each language, as sites really do (region subtags, script subtags, underscores).
PAGE_TAGS = {"en": "en-US", "es": "es", "pt-BR": "pt-BR", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW", "ht": "ht",
             "vi": "vi", "km": "km", "kea": "kea", "ru": "ru", "ar": "ar", "ko": "ko-KR"}
DIRECTION = """
const host = document.querySelector('[data-consent-notice]');
const box = selector => host.shadowRoot.querySelector(selector).getBoundingClientRect();
return {dir: getComputedStyle(host.shadowRoot.querySelector('section')).direction,
        optOutX: box('[data-consent-action=opt-out]').x, acceptX: box('[data-consent-action=accept]').x};
"""


@pytest.fixture(scope="module")
def service(site, tmp_path_factory):
    """A consent service whose one agency's origin is the test site."""
    server = serve_agencies(tmp_path_factory.mktemp("language-agencies"), {"langs": agency_toml("langs", site.origin)},
                            TEST_KEYS)
    yield server.url
    server.stop()


def test_every_mass_gov_language_has_a_page_tag():
    assert set(PAGE_TAGS) == set(SUPPORTED_LANGS)


@pytest.mark.parametrize("lang", sorted(PAGE_TAGS))
def test_notice_in_the_pages_language(visitor, site, service, lang):
    url = site.add_page(f"/p/lang-{lang}", service, "langs", html_lang=PAGE_TAGS[lang])
    visitor.visit(url).wait_shown()
    texts = {key: value.replace("{agency}", "Test Licensing Office") for key, value in default_texts(lang).items()}
    assert visitor.control(OPT_OUT).text == texts["opt_out"]
    assert visitor.control(ACCEPT).text == texts["ok"]
    visitor.control(DETAILS).click()
    shown = visitor.notice_text()
    for key in ("title", "intro", "technologies", "purposes", "details", "privacy_link", "terms_link"):
        assert texts[key] in shown, key
    host = visitor.host()
    assert host.get_attribute("lang") == lang
    assert host.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    # English is built into banner.js; any other language costs exactly one more request, for its notice.
    fetched = visitor.requested("/notice")
    assert fetched == ([] if lang == "en" else [f"{service}/v1/langs/notice?lang={lang}"])
    visitor.control(OPT_OUT).click()
    assert visitor.wait_confirmation() == texts["confirm_opted_out"]


def test_arabic_is_right_to_left_and_mirrored(visitor, site, service):
    visitor.visit(site.add_page("/p/rtl", service, "langs", html_lang="ar")).wait_shown()
    layout = visitor.driver.execute_script(DIRECTION)
    assert layout["dir"] == "rtl"
    # The first choice (opt out) sits on the right in Arabic, on the left in English.
    assert layout["optOutX"] > layout["acceptX"]
    visitor.visit(site.add_page("/p/ltr", service, "langs", html_lang="en")).wait_shown()
    layout = visitor.driver.execute_script(DIRECTION)
    assert layout["dir"] == "ltr" and layout["optOutX"] < layout["acceptX"]


@pytest.mark.parametrize(("html_lang", "expected"), [("", "es"), ("fr", "es"), ("en", "en")])
def test_browser_language_when_the_page_names_none_we_offer(visitor, site, service, html_lang, expected):
    """<html lang> first; when it names no language we offer, the browser's (Accept-Language) decides."""
    visitor.driver.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": "es-MX"})
    visitor.driver.execute_cdp_cmd("Network.setUserAgentOverride", {
        "userAgent": visitor.driver.execute_script("return navigator.userAgent"), "acceptLanguage": "es-MX,es"})
    try:
        url = site.add_page(f"/p/browser-{html_lang or 'none'}", service, "langs", html_lang=html_lang)
        visitor.visit(url).wait_shown()
        assert visitor.control(OPT_OUT).text == default_texts(expected)["opt_out"]
    finally:
        visitor.driver.execute_cdp_cmd("Emulation.setLocaleOverride", {})
        visitor.driver.execute_cdp_cmd("Network.setUserAgentOverride", {
            "userAgent": visitor.driver.execute_script("return navigator.userAgent"), "acceptLanguage": "en-US,en"})


def test_service_unreachable_for_the_language_shows_english(visitor, site, service):
    # The page asks for Korean, but the notice request is blocked: the built-in English is shown, not nothing.
    visitor.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/notice?*"]})
    visitor.driver.execute_cdp_cmd("Network.enable", {})
    try:
        visitor.visit(site.add_page("/p/ko-blocked", service, "langs", html_lang="ko")).wait_shown()
        assert visitor.control(OPT_OUT).text == default_texts("en")["opt_out"]
        assert visitor.host().get_attribute("lang") == "en"
    finally:
        visitor.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})


@pytest.mark.parametrize("lang", sorted(PAGE_TAGS))
def test_choices_page_in_every_language(client, lang):
    response = client.get(f"/v1/demo/choices?lang={PAGE_TAGS[lang]}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    direction = "rtl" if lang == "ar" else "ltr"
    assert re.search(f'<html lang="{lang}" dir="{direction}">', page)
    texts = default_texts(lang)
    for key in ("intro", "technologies", "opt_out", "details", "tracker_license"):
        assert texts[key] in page.replace("&#39;", "'"), key


def test_choices_page_follows_accept_language(client):
    page = client.get("/v1/demo/choices", headers={"Accept-Language": "zh-TW,zh;q=0.8"}).get_data(as_text=True)
    assert '<html lang="zh-Hant" dir="ltr">' in page and default_texts("zh-Hant")["opt_out"] in page


def test_choices_page_is_mirrored_in_arabic(visitor, live_server):
    visitor.visit(f"{live_server}/v1/demo/choices?lang=ar")
    buttons = visitor.driver.find_elements(By.CSS_SELECTOR, "button[data-consent-action]")
    assert visitor.driver.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    assert buttons[0].rect["x"] > buttons[1].rect["x"]
