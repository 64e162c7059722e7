"""Extraction: what carries information is kept, notices, trackers and volatile values are left out."""

import pytest

from equal_access_pages import FIXTURES

from server.core.equal_access.extract import extract
from server.core.equal_access.extract import extract_bytes
from server.core.equal_access.normalise import mask_volatile
from server.core.equal_access.normalise import normalise_url
from server.core.equal_access.rules import Rules
from server.core.equal_access.rules import rules_for_agency
from server.core.agency import load_agency_file

BASE = "https://agency.example/licences/fishing"
RULES = Rules(tracker_prefixes=("https://stats.vendor.example/", "https://agency.example/tracker/"))


def items(html, rules=RULES, base=BASE):
    return extract(html, base, rules).items


def by_what(html, what, rules=RULES):
    return [item for item in items(html, rules) if item.what == what]


def test_every_kind_of_information_is_extracted_with_its_place():
    html = """<html><head><title>Fishing</title></head><body><main id="content">
      <h1>Licences</h1><p>Fish in <em>fresh</em> water.</p>
      <a href="forms/apply.pdf">Apply</a>
      <form action="/apply" method="post"><input name="name"><button>Send</button></form>
      <img src="/trout.jpg" alt="Trout"><video src="/clip.mp4"></video>
      <iframe src="https://maps.example/embed" title="Map"></iframe></main></body></html>"""
    found = {(item.what, item.where, item.value) for item in items(html)}
    assert ("heading", "head > title", "Fishing") in found
    assert ("heading", "main#content > h1", "Licences") in found
    assert ("text", "main#content > p", "Fish in fresh water.") in found
    assert ("link", "main#content > a", "https://agency.example/licences/forms/apply.pdf") in found
    assert ("form", "main#content > form",
            "POST https://agency.example/apply [input[text] name, button]") in found
    assert ("image", "main#content > img", "https://agency.example/trout.jpg alt='Trout'") in found
    assert ("media", "main#content > video", "https://agency.example/clip.mp4") in found
    assert ("iframe", "main#content > iframe", "https://maps.example/embed") in found


def test_css_path_counts_siblings_of_the_same_tag():
    where = [item.where for item in by_what("<div><p>one</p><p>two</p></div>", "text")]
    assert where == ["body > div > p:nth-of-type(1)", "body > div > p:nth-of-type(2)"]


def test_consent_notice_is_left_out():
    html = '<div data-consent-notice><p>We use cookies</p><a href="/privacy">Privacy</a></div><p>Content</p>'
    assert [item.value for item in items(html)] == ["Content"]


def test_declared_trackers_and_their_requests_are_left_out():
    html = """<p>Content</p>
      <script type="text/plain" data-tracker="analytics" src="https://stats.vendor.example/t.js"></script>
      <div data-tracker="chat"><p>Chat with us</p></div>
      <img src="/tracker/pixel.gif?r=1" alt="">
      <iframe src="https://stats.vendor.example/frame"></iframe>"""
    assert [item.value for item in items(html)] == ["Content"]


def test_a_similar_url_that_is_not_a_tracker_prefix_is_kept():
    html = '<img src="/trackers-guide.png" alt="Guide"><iframe src="https://stats.vendor.example.evil/x"></iframe>'
    assert [item.what for item in items(html)] == ["image", "iframe"]


def test_agency_ignore_selectors_and_the_ignore_hook_are_left_out():
    html = '<p class="weather">Sunny</p><p data-equal-access-ignore>Visitor #1234</p><p>Kept</p>'
    rules = Rules(ignore_selectors=("p.weather",))
    assert [item.value for item in items(html, rules)] == ["Kept"]


def test_an_invalid_ignore_selector_is_reported():
    with pytest.raises(ValueError, match="equal_access_ignore"):
        Rules(ignore_selectors=("p[",))


def test_hidden_elements_are_not_information_a_visitor_gets():
    html = ('<p hidden>a</p><p style="display: none">b</p><div style="color:red;visibility:hidden">c</div>'
            "<dialog><p>d</p></dialog><p>shown</p>")
    assert [item.value for item in items(html)] == ["shown"]


def test_csrf_fields_are_left_out_and_hidden_values_are_not_compared():
    one = items('<form action="/a"><input type="hidden" name="csrf_token" value="abc">'
                '<input type="hidden" name="step" value="1"></form>')
    two = items('<form action="/a"><input type="hidden" name="step" value="2"></form>')
    assert one == two
    assert "input[hidden] step" in one[0].value


def test_scripts_styles_and_nonces_carry_no_information():
    html = ('<script nonce="r4nd0m">var t = 1;</script><style nonce="x">p{}</style>'
            '<noscript><a href="/choices">Choices</a></noscript>')
    assert [(item.what, item.value) for item in items(html)] == [
        ("text", "Choices"), ("link", "https://agency.example/choices")]


def test_base_href_resolves_links():
    html = '<html><head><base href="https://agency.example/docs/"></head><body><a href="a.pdf">A</a></body></html>'
    assert by_what(html, "link")[0].value == "https://agency.example/docs/a.pdf"


def test_secrets_are_masked_in_text_and_urls():
    rules = Rules(secrets=("tok.en-value",))
    html = '<p>Your token tok.en-value</p><p><a href="/status?k=tok.en-value">Status</a></p>'
    text, _ = by_what(html, "text", rules)
    link, = by_what(html, "link", rules)
    assert text.value == "Your token <secret>" and "tok.en-value" not in text.shown
    assert link.value == "https://agency.example/status?k=<secret>"


def test_link_without_text_is_named_by_its_image():
    assert by_what('<a href="/home"><img src="/logo.png" alt="Home page"></a>', "link")[0].key == "Home page"


def test_a_non_html_body_is_compared_by_type_and_digest():
    extraction = extract_bytes(b"%PDF-1.7 ...", "application/pdf", status=200, final_url=BASE)
    assert extraction.items[0].value.startswith("application/pdf sha256:")
    assert extraction.status == 200 and extraction.final_url == BASE


def test_bytes_are_decoded_with_the_declared_charset():
    extraction = extract_bytes("<p>Café</p>".encode("latin-1"), "text/html; charset=iso-8859-1")
    assert extraction.items[0].value == "Café"


@pytest.mark.parametrize(("text", "expected"), [
    ("Generated 2026-11-23T18:19:24.123+00:00", "Generated <datetime>"),
    ("Generated 2026-11-23 18:19", "Generated <datetime>"),
    ("at 18:19:24 UTC", "at <time>"),
    ("Date: Mon, 23 Nov 2026 18:19:24 GMT", "Date: Mon, 23 Nov 2026 <time>"),
    ("request 57581ec9-ee8d-4953-8878-d6f76e8c9e39", "request <uuid>"),
    ("nonce 9f86d081884c7d659a2feaa0c55ad015", "nonce <hex>"),
    ("epoch 1763921964 and 1763921964123", "epoch <epoch> and <epoch>"),
    ("token dGhpc0lzQVJhbmRvbVRva2VuMTIz", "token <token>"),
    ("Call 6175551234 from 9:00 AM to 5:00 PM", "Call 6175551234 from 9:00 AM to 5:00 PM"),
    ("Deadline April 15, 2026; form 1040-ES", "Deadline April 15, 2026; form 1040-ES"),
    ("Massachusetts Department of Revenue", "Massachusetts Department of Revenue"),
])
def test_volatile_values_are_masked_and_content_is_not(text, expected):
    assert mask_volatile(text) == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("/a.css?v=3&_=1763921964", "https://agency.example/a.css"),
    ("/page?utm_source=x&gclid=y&_gl=z&id=7", "https://agency.example/page?id=7"),
    ("/form?csrf_token=abc&b=2&a=1", "https://agency.example/form?a=1&b=2&csrf_token=<volatile>"),
    ("/shop;jsessionid=ABC123?item=1", "https://agency.example/shop?item=1"),
    ("HTTPS://Agency.Example:443/x#part", "https://agency.example/x#part"),
    ("/files/form-2026.pdf", "https://agency.example/files/form-2026.pdf"),
    ("mailto:help@agency.example", "mailto:help@agency.example"),
])
def test_urls_are_normalised(url, expected):
    assert normalise_url(url, BASE) == expected


def test_rules_from_a_real_agency_file_expand_path_prefixes_on_every_origin(tmp_path):
    config = (FIXTURES / "eqtest.toml.in").read_text(encoding="utf-8").replace("{origin}", "http://127.0.0.1:8123")
    (tmp_path / "eqtest.toml").write_text(config, encoding="utf-8")
    rules = rules_for_agency(load_agency_file(tmp_path / "eqtest.toml"))
    assert rules.is_tracker_url("http://127.0.0.1:8123/tracker/pixel.gif?r=1")
    assert rules.is_tracker_url("https://agency.example/tracker/x")
    assert rules.is_tracker_url("https://ads.vendor.example/frame?slot=2")
    assert not rules.is_tracker_url("http://127.0.0.1:8124/tracker/pixel.gif")
    assert not rules.is_tracker_url("https://ads.vendor.example/video.mp4")
    assert [item.value for item in extract('<p class="generated-by-cms">x</p><p>y</p>', rules=rules).items] == ["y"]


def test_a_very_deep_document_is_read_without_exhausting_the_stack():
    deep = "<div>" * 5000 + "<p>deep text</p>" + "</div>" * 5000
    text = by_what(deep, "text")
    assert [item.value for item in text] == ["deep text"]
    assert text[0].where.count(" > ") < 12


def test_base_href_applies_to_a_document_without_body():
    html = '<base href="https://agency.example/docs/"><a href="b.pdf">B</a>'
    assert by_what(html, "link")[0].value == "https://agency.example/docs/b.pdf"
