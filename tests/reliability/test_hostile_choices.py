"""Markup in every configured text field of an agency renders as text on the choices page, never as markup."""

from html.parser import HTMLParser

import pytest
import toml_writer

from server import create_app
from server.core.agency_schema import TEXT_KEYS
from server.tokens import FORM_SALT
from hostile import PAYLOADS

KEYS = ["hostile-test-key-0123456789abcdef"]
MARK = "Plain words"
# URLs the validator accepts (no spaces or control characters) that try to break out of an href.
HOSTILE_URLS = ['https://mass.gov/"><script>alert(1)</script>', "https://mass.gov/'onmouseover='alert(1)",
                "https://mass.gov/?q=<img/src=x/onerror=alert(1)>"]


def agency_file(agency_id, text, url="https://www.mass.gov/privacy"):
    """An agency whose every text field (name, all overrides in two languages, trackers, cookies) is `text`."""
    cookie = {"name": text, "domain": "mass.gov", "persistent": True, "expiry_days": 30}
    trackers = [{"id": f"tracker-{n}", "vendor": text, "purpose": text, "license_url": url, "privacy_url": url,
                 "contracted": bool(n), "cookies": [cookie, {**cookie, "persistent": False, "expiry_days": 0}]}
                for n in range(2)]
    return toml_writer.dumps({
        "id": agency_id, "name": text[:200], "origins": ["https://www.mass.gov"], "privacy_policy_url": url,
        "terms_url": url, "mode": "opt-out", "commonwealth_domains": ["mass.gov"], "trackers": trackers,
        "texts": {lang: {key: text for key in TEXT_KEYS} for lang in ("en", "es")},
    })


class Markup(HTMLParser):
    """What a browser would build: elements with their attributes, and the text between them."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple(name for name, _ in attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags.append(("<!--comment-->", ()))


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    """One service whose agencies each carry one payload in every field, plus a baseline with plain words."""
    folder = tmp_path_factory.mktemp("hostile-agencies")
    (folder / "baseline.toml").write_text(agency_file("baseline", MARK), encoding="utf-8")
    for index, payload in enumerate(PAYLOADS):
        (folder / f"hostile-{index}.toml").write_text(agency_file(f"hostile-{index}", payload), encoding="utf-8")
    for index, url in enumerate(HOSTILE_URLS):
        (folder / f"url-{index}.toml").write_text(agency_file(f"url-{index}", MARK, url), encoding="utf-8")
    return create_app({"AGENCIES_DIR": str(folder), "SECRET_KEYS": list(KEYS)})


def pages(app, agency_id):
    """The page as first seen (English and Spanish) and after opting out with the form (the confirmation)."""
    client = app.test_client()
    token = app.extensions["tokens"].issue(agency_id, salt=FORM_SALT)
    opted = client.post(f"/v1/{agency_id}/choices", data={"form_token": token, "choice": "opt-out"})
    responses = [client.get(f"/v1/{agency_id}/choices"), client.get(f"/v1/{agency_id}/choices?lang=es"), opted]
    for response in responses:
        assert response.status_code == 200, response.get_data(as_text=True)
    return [response.get_data(as_text=True) for response in responses]


@pytest.fixture(scope="module")
def baseline(hostile_app):
    """The structure and the places of the text on a harmless agency's pages."""
    return [Markup(html) for html in pages(hostile_app, "baseline")]


@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=lambda index: PAYLOADS[index][:30])
def test_a_payload_in_every_field_renders_as_text(hostile_app, baseline, index):
    """Same elements and attributes as the plain page; the payload shows as text wherever the plain words did."""
    payload = PAYLOADS[index]
    shown = payload.replace("{agency}", payload[:200])
    for html, plain in zip(pages(hostile_app, f"hostile-{index}"), baseline, strict=False):
        parsed = Markup(html)
        assert parsed.tags == plain.tags, f"markup injected by {payload!r}"
        expected = "\x00".join(plain.text).count(MARK)
        assert expected > 20
        assert "\x00".join(parsed.text).count(shown) + "\x00".join(parsed.text).count(payload) >= expected
        if "<" in payload:
            assert payload not in html, "payload written unescaped"


@pytest.mark.parametrize("index", range(len(HOSTILE_URLS)), ids=lambda index: HOSTILE_URLS[index][16:40])
def test_a_hostile_url_stays_inside_its_href(hostile_app, baseline, index):
    """Quotes and angle brackets in a configured link cannot close the attribute or open an element."""
    url = HOSTILE_URLS[index]
    for html, plain in zip(pages(hostile_app, f"url-{index}"), baseline, strict=False):
        parsed = Markup(html)
        assert parsed.tags == plain.tags, f"markup injected by {url!r}"
        assert url not in html
        collector = HrefCollector()
        collector.feed(html)
        assert collector.hrefs.count(url) >= 3, collector.hrefs


class HrefCollector(HTMLParser):
    """Every href, decoded, as the browser would follow it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value for name, value in attrs if name == "href"]
