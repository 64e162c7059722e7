"""An attacker's page cannot opt a visitor out or in, nor read a credentialed answer: CORS, CSRF, the choices form."""

import time

import pytest
from databases import as_staff

from server import create_app
from server.cookies import OPT_OUT_COOKIE
from server.tokens import FORM_SALT
from server.tokens import TokenService

KEYS = ["csrf-test-key-newest-0123456789abcdef", "csrf-test-key-older-0123456789abcdef"]
FOREIGN = "https://evil.example"
DEMO_ORIGIN = "http://127.0.0.1:8000"
# Origins that only look like the demo's: prefix, suffix, case, port and scheme tricks.
LOOKALIKES = ["http://127.0.0.1:8000.evil.example", "http://127.0.0.1:80001", "http://127.0.0.1:800",
              "https://127.0.0.1:8000", "http://127.0.0.1", "HTTP://127.0.0.1:8000", "http://127.0.0.1:8000/",
              "http://evil.example#http://127.0.0.1:8000", "http://127.0.0.1:8000 evil", "null", "*", ""]
# Bodies a plain HTML form or a no-cors fetch can send without a preflight.
SIMPLE_BODIES = [
    ("text/plain", '{"source": "api"}'),
    ("application/x-www-form-urlencoded", "source=api&choice=opt-out"),
    ("multipart/form-data; boundary=x",
     '--x\r\nContent-Disposition: form-data; name="choice"\r\n\r\nopt-out\r\n--x--\r\n'),
]
STATE_CHANGES = [("POST", "/v1/demo/opt-out"), ("DELETE", "/v1/demo/opt-out"), ("POST", "/v1/demo/choices"),
                 ("POST", "/v1/demo/equal-access")]
READS = ["/v1/demo/status", "/v1/demo/notice", "/v1/demo/banner.js", "/v1/demo/embed", "/v1/demo/choices"]


@pytest.fixture(scope="module")
def app(agencies_dir):
    """One app for the module: these tests only send it requests."""
    return create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(KEYS), "DEMO": True})


@pytest.fixture
def form_token(app):
    """A genuine form token of the demo's choices page."""
    return app.extensions["tokens"].issue("demo", salt=FORM_SALT)


def refused(response, status, code=None):
    """A refusal in the one JSON error shape, carrying no token and planting no cookie."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    if code is not None:
        assert error["code"] == code, error
    assert "token" not in response.get_json()
    assert not response.headers.getlist("Set-Cookie"), response.headers.getlist("Set-Cookie")
    return error


@pytest.mark.parametrize(("method", "path"), STATE_CHANGES)
@pytest.mark.parametrize(("content_type", "body"), SIMPLE_BODIES, ids=["text", "urlencoded", "multipart"])
@pytest.mark.parametrize("origin", [FOREIGN, "null", "http://127.0.0.1:8000.evil.example"])
def test_a_simple_request_from_another_site_is_403(client, method, path, content_type, body, origin):
    """The attacker's form or no-cors fetch skips the preflight; the service itself still says no."""
    response = client.open(path, method=method, data=body, content_type=content_type, headers={"Origin": origin})
    refused(response, 403, "origin_not_allowed")


@pytest.mark.parametrize(("method", "path"), STATE_CHANGES)
@pytest.mark.parametrize(("content_type", "body"), SIMPLE_BODIES, ids=["text", "urlencoded", "multipart"])
def test_a_cross_site_request_without_origin_is_403(client, method, path, content_type, body):
    """Privacy tools may strip Origin; Fetch Metadata still tells the request came from another site."""
    response = client.open(path, method=method, data=body, content_type=content_type,
                           headers={"Sec-Fetch-Site": "cross-site"})
    refused(response, 403)


@pytest.mark.parametrize("path", ["/v1/demo/opt-out", "/v1/demo/equal-access"])
@pytest.mark.parametrize(("content_type", "body"), SIMPLE_BODIES, ids=["text", "urlencoded", "multipart"])
def test_a_simple_body_without_origin_is_not_an_opt_out(client, path, content_type, body):
    """Only JSON is read as a request: a text/plain or form body gets 415, whatever it says."""
    as_staff(client)  # equal-access is staff-only: past the token, the body is what is refused
    refused(client.post(path, data=body, content_type=content_type), 415, "unsupported_media_type")


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize("origin", [FOREIGN, *LOOKALIKES])
def test_a_credentialed_read_is_never_shared_with_another_origin(client, app, path, origin):
    """With the visitor's cookie and token, a foreign or lookalike origin gets no CORS grant at all."""
    token = app.extensions["tokens"].issue("demo")
    headers = {"Origin": origin, "Cookie": f"{OPT_OUT_COOKIE}={token}", "X-Consent-Token": token}
    response = client.get(path, headers=headers)
    assert response.status_code < 500
    assert "Access-Control-Allow-Origin" not in response.headers, (origin, response.headers)
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Origin" in response.headers.get("Vary", "")


@pytest.mark.parametrize("path", READS)
def test_the_agency_gets_its_own_origin_back_never_a_wildcard(client, app, path):
    """The grant names the registered origin exactly; never "*" or "null", never with credentials."""
    token = app.extensions["tokens"].issue("demo")
    response = client.get(path, headers={"Origin": DEMO_ORIGIN, "Cookie": f"{OPT_OUT_COOKIE}={token}"})
    assert response.headers.get("Access-Control-Allow-Origin") == DEMO_ORIGIN
    assert response.headers.get("Access-Control-Allow-Credentials") in (None, "false")


@pytest.mark.parametrize("origin", [FOREIGN, *LOOKALIKES])
def test_a_preflight_from_another_origin_is_403(client, origin):
    """No CORS grant to copy: the browser never sends the JSON POST that would follow."""
    response = client.options("/v1/demo/opt-out", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    refused(response, 403, "origin_not_allowed")
    assert "Access-Control-Allow-Origin" not in response.headers


def _form_token_at(app, offset, keys=None):
    """A form token issued `offset` seconds from now (negative: in the past), possibly with other keys."""
    issuer = TokenService(keys or app.config["SECRET_KEYS"], app.config["TOKEN_MAX_AGE"],
                          clock=lambda: time.time() + offset)
    return issuer.issue("demo", salt=FORM_SALT)


@pytest.mark.parametrize("make", [
    lambda app: _form_token_at(app, -app.config["TOKEN_MAX_AGE"] - 60),
    lambda app: _form_token_at(app, 3600),
    lambda app: _form_token_at(app, 0, keys=["a-key-this-service-never-had-0123"]),
    lambda app: app.extensions["tokens"].issue("dor", salt=FORM_SALT),
    lambda app: app.extensions["tokens"].issue("demo"),
    lambda app: _form_token_at(app, 0) + "x",
    lambda app: "",
], ids=["expired", "future", "unknown-key", "another-agency", "opt-out-token", "tampered", "missing"])
def test_the_choices_form_needs_a_fresh_form_token_of_its_own(client, app, make):
    """A copied, stale, foreign or made-up form token cannot submit the no-JavaScript form."""
    response = client.post("/v1/demo/choices", data={"form_token": make(app), "choice": "opt-out"})
    refused(response, 403, "form_expired")


@pytest.mark.parametrize("headers", [
    {"Origin": FOREIGN}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
    {"Origin": FOREIGN, "Sec-Fetch-Site": "same-origin"},
], ids=["foreign-origin", "null-origin", "cross-site", "same-site", "lying-fetch-metadata"])
def test_the_choices_form_refuses_another_site_even_with_a_genuine_token(client, form_token, headers):
    """A token scraped from the page does not help a cross-site submission."""
    response = client.post("/v1/demo/choices", data={"form_token": form_token, "choice": "opt-out"}, headers=headers)
    refused(response, 403)


def test_the_choices_form_is_not_submitted_by_a_get(client, form_token):
    """An <img> or link to the page with the form's fields in the query changes nothing."""
    response = client.get(f"/v1/demo/choices?form_token={form_token}&choice=opt-out")
    assert response.status_code == 200
    assert not response.headers.getlist("Set-Cookie")


def test_the_choices_form_cannot_be_framed(client):
    """Clickjacking: the page with the opt-out button refuses to be framed and posts only to itself."""
    response = client.get("/v1/demo/choices")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_service_own_page_can_still_submit_it(client, form_token):
    """The control: the same-origin form with a fresh token works, so the refusals above are not blanket ones."""
    response = client.post("/v1/demo/choices", data={"form_token": form_token, "choice": "opt-out"},
                           headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200
    assert any(value.startswith(f"{OPT_OUT_COOKIE}=") for value in response.headers.getlist("Set-Cookie"))
