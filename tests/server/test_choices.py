"""The no-JavaScript choices page: a plain form that opts out with a session cookie and says so."""

import pytest

from server.cookies import OPT_OUT_COOKIE
from server.tokens import FORM_SALT

pytestmark = pytest.mark.shared_app  # these tests only send requests: one app per module

PATH = "/v1/demo/choices"


def form_token(page, response):
    """The hidden form token of a choices page."""
    return page(response).find("input", name="form_token")["attrs"]["value"]


def choose(client, page, choice, **kwargs):
    """Load the page, then submit the form with this choice, as a browser would."""
    token = form_token(page, client.get(PATH))
    return client.post(PATH, data={"form_token": token, "choice": choice}, **kwargs)


def opt_out_cookie_header(response):
    """The one Set-Cookie header for consent_optout."""
    headers = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(f"{OPT_OUT_COOKIE}=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    return headers[0]


def cookie_attributes(header):
    """Set-Cookie attributes by lower-case name (flags map to True)."""
    attributes = {}
    for part in header.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        attributes[name.lower()] = value or True
    return attributes


def test_page_shows_the_notice_and_a_form(client, page, app):
    response = client.get(PATH)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    html = page(response)
    notice = client.get("/v1/demo/notice").get_json()
    assert html.find("h1")["text"].strip() == notice["text"]["title"]
    form = html.find("form", method="post")
    assert form["attrs"]["action"] in ("", PATH)
    buttons = html.find_all("button", type="submit")
    assert {button["attrs"]["value"] for button in buttons} == {"opt-out", "opt-in"}
    assert html.find("button", value="opt-out")["attrs"]["data-consent-action"] == "opt-out"
    assert all("form" in button["parents"] for button in buttons)
    hrefs = {a["attrs"].get("href") for a in html.find_all("a")}
    assert notice["privacy_policy_url"] in hrefs and notice["terms_url"] in hrefs
    for tracker in notice["trackers"]:
        assert tracker["license_url"] in hrefs and tracker["privacy_url"] in hrefs
    assert html.find("p", id="status")["attrs"]["data-opted-out"] == "false"
    assert not html.find_all("p", role="alert")


def test_page_has_no_script_and_a_strict_csp(client, page):
    response = client.get(PATH)
    assert page(response).find_all("script") == []
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "form-action 'self'" in csp
    assert "unsafe-inline" not in csp


def test_page_in_spanish(client, page):
    html = page(client.get(PATH, headers={"Accept-Language": "es"}))
    spanish = client.get("/v1/demo/notice?lang=es").get_json()["text"]
    assert html.find("html")["attrs"]["lang"] == "es"
    assert html.find("button", value="opt-out")["text"].strip() == spanish["opt_out"]


def test_opt_out_sets_a_session_cookie_and_says_so(client, page, tokens):
    response = choose(client, page, "opt-out")
    assert response.status_code == 200
    header = opt_out_cookie_header(response)
    attributes = cookie_attributes(header)
    assert "expires" not in attributes and "max-age" not in attributes, header
    assert attributes.get("samesite") == "Lax", header
    assert attributes.get("path") == "/", header
    assert "secure" not in attributes, header  # plain http here; Secure is set on https
    token = header.split(";")[0].partition("=")[2]
    assert tokens.verify(token, "demo").valid
    html = page(response)
    alert = html.find("p", role="alert")
    notice = client.get("/v1/demo/notice").get_json()
    assert alert["text"].strip() == notice["text"]["confirm_opted_out"]
    assert html.find("p", id="status")["attrs"]["data-opted-out"] == "true"


def test_opted_out_visitor_sees_it_on_return_and_status_agrees(client, page):
    choose(client, page, "opt-out")
    html = page(client.get(PATH))
    assert html.find("p", id="status")["attrs"]["data-opted-out"] == "true"
    assert client.get("/v1/demo/status").get_json() == {"opted_out": True, "source": "token", "token_valid": True}


def test_opt_in_clears_the_cookie_with_an_empty_session_cookie(client, page):
    choose(client, page, "opt-out")
    response = choose(client, page, "opt-in")
    assert response.status_code == 200
    header = opt_out_cookie_header(response)
    assert header.split(";")[0] == f"{OPT_OUT_COOKIE}="
    attributes = cookie_attributes(header)
    assert "expires" not in attributes and "max-age" not in attributes, header
    html = page(response)
    assert html.find("p", role="alert")["text"].strip() == client.get("/v1/demo/notice").get_json()["text"][
        "confirm_accepted"]
    assert html.find("p", id="status")["attrs"]["data-opted-out"] == "false"
    assert client.get("/v1/demo/status").get_json()["opted_out"] is False


def test_https_cookie_is_secure(client, page):
    token = form_token(page, client.get(PATH, base_url="https://localhost"))
    response = client.post(PATH, data={"form_token": token, "choice": "opt-out"}, base_url="https://localhost")
    attributes = cookie_attributes(opt_out_cookie_header(response))
    assert attributes.get("secure") is True
    assert "max-age" not in attributes and "expires" not in attributes


def test_same_origin_browser_post_is_accepted(client, page):
    response = choose(client, page, "opt-out", headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200


@pytest.mark.parametrize("data", [{"choice": "opt-out"}, {"choice": "opt-out", "form_token": ""},
                                  {"choice": "opt-out", "form_token": "forged.token.value"}],
                         ids=["missing", "empty", "forged"])
def test_post_without_a_valid_form_token_is_403(client, api_error, data):
    response = client.post(PATH, data=data)
    api_error(response, 403, "form_expired", "form_token")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("make", [
    lambda tokens: tokens.issue("demo"),
    lambda tokens: tokens.issue("dor", salt=FORM_SALT),
], ids=["opt-out-token-as-form-token", "form-token-of-another-agency"])
def test_post_with_a_token_not_made_for_this_form_is_403(client, api_error, tokens, make):
    response = client.post(PATH, data={"form_token": make(tokens), "choice": "opt-out"})
    api_error(response, 403, "form_expired", "form_token")


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost:9999", "https://www.mass.gov"])
def test_post_from_a_foreign_origin_is_403(client, page, api_error, origin):
    response = choose(client, page, "opt-out", headers={"Origin": origin})
    api_error(response, 403, "origin_not_allowed", "Origin")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_post_marked_cross_site_is_403(client, page, api_error, site):
    response = choose(client, page, "opt-out", headers={"Sec-Fetch-Site": site})
    api_error(response, 403, None, "Origin")
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("choice", ["", "maybe", "OPT-OUT"])
def test_unknown_choice_is_422(client, page, api_error, choice):
    response = choose(client, page, choice)
    api_error(response, 422, "invalid", "choice")
    assert "Set-Cookie" not in response.headers


def test_bad_cookie_shows_not_opted_out(client, page):
    client.set_cookie(OPT_OUT_COOKIE, "forged.token.value")
    assert page(client.get(PATH)).find("p", id="status")["attrs"]["data-opted-out"] == "false"
