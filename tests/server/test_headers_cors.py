"""Security headers on every response (errors included), and CORS that answers only an agency's own origins."""

from pathlib import Path

import pytest

from server import create_app

pytestmark = pytest.mark.shared_app  # these tests only send requests: one app per module

REPO_AGENCIES = Path(__file__).resolve().parents[2] / "agencies"
LISTING_KEYS = ["headers-test-key-0123456789abcdef"]
# Values for the variable parts of a rule; anything not listed gets "x" (and is still checked).
SAMPLE_ARGS = {"agency_id": "demo", "page": "services"}
STATIC_FILES = {"static": "choices.css", "demo.static": "site.css"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
FOREIGN = "https://evil.example"


def _listing_app():
    return create_app({"AGENCIES_DIR": str(REPO_AGENCIES), "SECRET_KEYS": LISTING_KEYS, "DEMO": True})


def _url(rule, agency="demo"):
    values = {}
    for name in rule.arguments:
        if name == "filename":
            values[name] = STATIC_FILES.get(rule.endpoint, "x")
        elif name == "agency_id":
            values[name] = agency
        else:
            values[name] = SAMPLE_ARGS.get(name, "x")
    path = rule.rule
    for name, value in values.items():
        for converter in ("", "path:", "string:"):
            path = path.replace(f"<{converter}{name}>", value)
        # Numbered things (a waiver, a run, a screenshot): a number, so the rule itself answers.
        path = path.replace(f"<int:{name}>", "1")
    return path


def _cases():
    """Every (method, url, kind) the app routes, then its errors: unknown agency, wrong method, no route."""
    listing = _listing_app()
    cases = set()
    for rule in listing.url_map.iter_rules():
        for method in sorted(rule.methods - IGNORED_METHODS):
            cases.add((method, _url(rule), "routed"))
            if "agency_id" in rule.arguments:
                cases.add((method, _url(rule, agency="no-such-agency"), "unknown-agency"))
        if "PATCH" not in rule.methods:
            cases.add(("PATCH", _url(rule), "wrong-method"))
    cases |= {("GET", "/no/such/path", "no-route"), ("GET", "/v1/demo/no-such-endpoint", "no-route"),
              ("GET", "/demo/no-such-page", "routed")}
    return sorted(cases)


CASES = _cases()
AGENCY_CASES = [case for case in CASES if case[1].startswith("/v1/demo/") and case[2] == "routed"]
OTHER_CASES = [case for case in CASES if not case[1].startswith("/v1/")]


def _id(case):
    return f"{case[0]} {case[1]} ({case[2]})"


@pytest.fixture(scope="module")
def demo_origins(module_app):
    """The demo agency's registered origins."""
    return module_app.extensions["registry"].get("demo").origins


@pytest.fixture(scope="module")
def other_agency_origin(module_app):
    """An origin registered for another agency (not for the demo)."""
    return module_app.extensions["registry"].get("dor").origins[0]


def send(client, method, url, kind, headers=None):
    """One request; POSTs carry no body, as a probe would."""
    return client.open(url, method=method, headers=headers or {})


def _console_page(url):
    """Console pages answer people: their errors are readable HTML pages (their JSON API answers JSON)."""
    return url.startswith("/console/") and not url.startswith("/console/api/")


def check_cookies_are_session_only(response):
    for header in response.headers.getlist("Set-Cookie"):
        lowered = header.lower()
        assert "expires=" not in lowered and "max-age=" not in lowered, header


def test_every_route_is_covered():
    urls = {url for _, url, _ in CASES}
    for expected in ("/v1/demo/notice", "/v1/demo/opt-out", "/v1/demo/status", "/v1/demo/choices", "/healthz",
                     "/openapi.json", "/.well-known/gpc.json", "/demo/"):
        assert expected in urls


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_security_headers_on_every_response(client, case):
    response = send(client, *case)
    assert response.status_code < 500, response.get_data(as_text=True)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Content-Security-Policy", "").strip()
    # Nothing may be framed but the demo's stand-in video player, and that only by the demo's own pages.
    framed_by = "'self'" if case[1:] == ("/demo/media/player", "routed") else "'none'"
    assert f"frame-ancestors {framed_by}" in response.headers["Content-Security-Policy"]
    assert response.headers.get("Referrer-Policy")
    if response.mimetype == "application/json":
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    if response.status_code >= 400 and not _console_page(case[1]):
        assert set(response.get_json()["error"]) == {"code", "message", "field"}
    check_cookies_are_session_only(response)


@pytest.mark.parametrize("case", AGENCY_CASES, ids=_id)
def test_agency_origin_gets_cors(client, demo_origins, case):
    for origin in demo_origins:
        response = send(client, *case, headers={"Origin": origin})
        assert response.status_code != 403 or response.get_json()["error"]["code"] != "origin_not_allowed"
        assert response.headers.get("Access-Control-Allow-Origin") == origin
        assert "Origin" in response.headers.get("Vary", "")
        assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_foreign_origin_never_gets_cors(client, api_error, other_agency_origin, case):
    method, url, kind = case
    for origin in (FOREIGN, "null", other_agency_origin, "http://127.0.0.1:1", "*"):
        response = send(client, *case, headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers, (origin, response.headers)
        if kind == "wrong-method":
            assert response.status_code in (403, 405)
        elif method in ("POST", "DELETE") and url.startswith("/v1/demo/"):
            api_error(response, 403, "origin_not_allowed", "Origin")
        elif (method, url) == ("POST", "/console/login"):
            # Sign-in is CSRF-checked without a session: a console form from another origin is refused first.
            api_error(response, 403, "origin_not_allowed", "Origin")
        else:
            assert response.status_code != 403, (origin, response.get_data(as_text=True))


@pytest.mark.parametrize("case", OTHER_CASES, ids=_id)
def test_no_cors_outside_the_agency_api(client, demo_origins, case):
    response = send(client, *case, headers={"Origin": demo_origins[0]})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("path", sorted({url for _, url, _ in AGENCY_CASES}))
def test_preflight_from_an_agency_origin(client, demo_origins, path):
    for method in ("POST", "DELETE", "GET"):
        response = client.options(path, headers={
            "Origin": demo_origins[0], "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type, x-consent-token"})
        assert response.status_code == 204
        assert response.get_data() == b""
        assert response.headers["Access-Control-Allow-Origin"] == demo_origins[0]
        methods = {name.strip() for name in response.headers["Access-Control-Allow-Methods"].split(",")}
        assert {"GET", "POST", "DELETE"} <= methods
        allowed = {name.strip().lower() for name in response.headers["Access-Control-Allow-Headers"].split(",")}
        assert {"content-type", "x-consent-token"} <= allowed
        assert int(response.headers["Access-Control-Max-Age"]) > 0
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", sorted({url for _, url, _ in AGENCY_CASES}))
@pytest.mark.parametrize("origin", [FOREIGN, "null", None, "https://www.mass.gov"])
def test_preflight_from_elsewhere_is_403(client, api_error, path, origin):
    headers = {"Access-Control-Request-Method": "POST"}
    if origin:
        headers["Origin"] = origin
    response = client.options(path, headers=headers)
    api_error(response, 403, "origin_not_allowed", "Origin")
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


@pytest.mark.parametrize("origin", [FOREIGN, "http://127.0.0.1:8000"])
def test_preflight_for_an_unknown_agency_is_404(client, api_error, origin):
    response = client.options("/v1/no-such-agency/opt-out",
                              headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    api_error(response, 404, "unknown_agency", "agency")
    assert "Access-Control-Allow-Origin" not in response.headers


def test_foreign_post_and_delete_change_nothing(client, api_error):
    for method in ("POST", "DELETE"):
        response = client.open("/v1/demo/opt-out", method=method, headers={"Origin": FOREIGN})
        api_error(response, 403, "origin_not_allowed", "Origin")
        assert "token" not in response.get_data(as_text=True)


def test_cross_site_fetch_without_origin_is_403(client, api_error):
    response = client.post("/v1/demo/opt-out", headers={"Sec-Fetch-Site": "cross-site"})
    api_error(response, 403, "cross_site", "Origin")


def test_get_from_a_foreign_origin_is_answered_without_cors(client):
    response = client.get("/v1/demo/notice", headers={"Origin": FOREIGN})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_every_cookie_flow_is_session_only(client, page):
    responses = [client.post("/v1/demo/opt-out"), client.delete("/v1/demo/opt-out"),
                 client.get("/demo/tracker/collect?page=/demo/&cid=1")]
    for choice in ("opt-out", "opt-in"):
        token = page(client.get("/v1/demo/choices")).find("input", name="form_token")["attrs"]["value"]
        responses.append(client.post("/v1/demo/choices", data={"form_token": token, "choice": choice}))
    set_cookies = [header for response in responses for header in response.headers.getlist("Set-Cookie")]
    assert len(set_cookies) >= 2
    for response in responses:
        check_cookies_are_session_only(response)


def test_hsts_on_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    assert client.get("/healthz", base_url="https://localhost").headers["Strict-Transport-Security"].startswith(
        "max-age=")
