"""POST /v1/AGENCY/equal-access through the real app, against a real discriminating site on loopback."""

import threading

import pytest
from werkzeug.serving import make_server

from databases import as_staff
from equal_access_pages import FIXTURES
from equal_access_site import DiscriminatingSite
from server import create_app
from server.core.agency import AgencyConfigError
from server.schemas.equal_access import EQUAL_ACCESS_RESULT

KEYS = ["equal-access-test-key-0123456789"]


class HostsTable:
    """A resolver from a fixed table (no outside DNS here)."""

    def __init__(self, table):
        self.table = table

    def __call__(self, host, port):
        if host not in self.table:
            raise OSError(f"unknown host {host}")
        return list(self.table[host])


@pytest.fixture(scope="module")
def sites():
    """The agency's discriminating site and an outside one, both logging every request."""
    outside = DiscriminatingSite().start()
    site = DiscriminatingSite(offsite_url=outside.origin + "/equal").start()
    site.outside = outside
    yield site
    site.stop()
    outside.stop()


@pytest.fixture(scope="module")
def eq_app(sites, tmp_path_factory):
    """The real app with the test agency whose origin is the discriminating site."""
    folder = tmp_path_factory.mktemp("eq-agencies")
    template = (FIXTURES / "eqtest.toml.in").read_text(encoding="utf-8")
    (folder / "eqtest.toml").write_text(template.replace("{origin}", sites.origin), encoding="utf-8")
    return create_app({"AGENCIES_DIR": str(folder), "SECRET_KEYS": KEYS, "DEMO": False})


@pytest.fixture
def site(sites, eq_app):
    """The site with an empty request log and the app's default limits."""
    settings = eq_app.extensions["equal_access"]
    saved = dict(vars(settings))
    sites.requests.clear()
    sites.outside.requests.clear()
    yield sites
    vars(settings).update(saved)


@pytest.fixture
def check(eq_app):
    """POST a JSON body to the test agency's equal-access endpoint."""
    # Equal-access is staff-only (role qa or admin): a real token from the console database.
    client = as_staff(eq_app.test_client())

    def post(body, agency="eqtest"):
        return client.post(f"/v1/{agency}/equal-access", json=body)

    return post


def named(differences):
    return [(difference["kind"], difference["what"], difference["where"]) for difference in differences]


def test_an_equal_page_is_equal(site, check):
    response = check({"url": site.origin + "/equal"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["equal"] is True and body["differences"] == [] and body["truncated"] is False
    result, = body["results"]
    assert result["url"] == site.origin + "/equal" and result["equal"] is True
    assert result["status"]["before"]["status"] == 200 and result["status"]["after"]["status"] == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_the_second_visitor_presents_a_valid_opt_out_and_gpc(site, check, eq_app):
    check({"url": site.origin + "/equal"})
    (_, first), (_, second) = site.requests
    assert "Cookie" not in first and "Sec-GPC" not in first
    assert second["Sec-GPC"] == "1"
    name, _, token = second["Cookie"].partition("=")
    assert name == "consent_optout"
    assert eq_app.extensions["tokens"].verify(token, "eqtest").valid


@pytest.mark.parametrize(("path", "expected"), [
    ("/paragraph", ("missing", "text", "p#fees")),
    ("/form", ("missing", "form", "form#apply")),
    ("/download", ("changed", "link", "a#download")),
    ("/video", ("missing", "iframe", "iframe#video")),
    ("/wall", ("missing", "text", "p#intro")),
    ("/forbidden", ("changed", "status", "(response)")),
    ("/redirect", ("changed", "url", "(response)")),
])
def test_each_discriminating_page_is_caught_with_the_right_difference(site, check, path, expected):
    body = check({"url": site.origin + path}).get_json()
    assert body["equal"] is False and body["results"][0]["equal"] is False
    assert expected in named(body["differences"]), named(body["differences"])


def test_a_cookie_wall_is_shown_as_what_replaced_the_content(site, check):
    differences = check({"url": site.origin + "/wall"}).get_json()["differences"]
    assert any(difference["kind"] == "added" and difference["after"] == "Please accept cookies to continue."
               for difference in differences)


def test_a_redirect_to_a_consent_page_reports_where_it_went(site, check):
    body = check({"url": site.origin + "/redirect"}).get_json()
    assert EQUAL_ACCESS_RESULT.validate(body) == {}
    url_difference = next(difference for difference in body["differences"] if difference["what"] == "url")
    assert url_difference["after"] == site.origin + "/consent-required"
    assert body["results"][0]["status"]["after"]["redirects"] == [site.origin + "/consent-required"]


def test_a_forbidden_answer_is_a_status_difference(site, check):
    status = next(difference for difference in check({"url": site.origin + "/forbidden"}).get_json()["differences"]
                  if difference["what"] == "status")
    assert (status["before"], status["after"]) == ("200", "403")


def test_several_urls_are_checked_and_equal_only_if_all_are(site, check):
    body = check({"urls": [site.origin + "/equal", site.origin + "/download"]}).get_json()
    assert EQUAL_ACCESS_RESULT.validate(body) == {}
    assert body["equal"] is False and "differences" not in body
    assert [result["equal"] for result in body["results"]] == [True, False]


@pytest.mark.parametrize(("url", "reason"), [
    ("{outside}/equal", "not on one of the agency's configured origins"),
    ("file:///etc/passwd", "Only http and https"),
    ("http://10.0.0.1/", "not on one of the agency's configured origins"),
    ("https://agency.example@evil.example/", "user name or password"),
    ("http://127.0.0.1:{port}@{outside_host}/equal", "user name or password"),
    ("https://\u0430gency.example/", "internationalised"),
    ("http://localhost:{port}/equal", "not on one of the agency's configured origins"),
])
def test_ssrf_attempts_are_refused_and_never_fetched(site, check, api_error, url, reason):
    url = url.format(outside=site.outside.origin, port=site.port, outside_host=site.outside.origin[7:])
    detail = api_error(check({"url": url}), 422, "url_not_allowed", "url")
    assert reason in detail["message"]
    assert site.requests == [] and site.outside.requests == []


def test_a_redirect_off_the_origins_is_refused_and_not_followed(site, check, api_error):
    api_error(check({"url": site.origin + "/offsite"}), 422, "redirect_not_allowed", "url")
    assert site.paths() == ["/offsite"] and site.outside.requests == []


def test_a_configured_name_resolving_to_a_private_address_is_refused(site, check, api_error, eq_app):
    eq_app.extensions["equal_access"].resolver = HostsTable({"agency.example": ["10.0.0.1"]})
    detail = api_error(check({"url": "https://agency.example/"}), 422, "url_not_allowed", "url")
    assert "private" in detail["message"]


def test_one_refused_url_in_a_list_means_nothing_is_fetched(site, check, api_error):
    response = check({"urls": [site.origin + "/equal", "file:///etc/passwd"]})
    api_error(response, 422, "url_not_allowed", "urls[1]")
    assert site.requests == []


def test_a_slow_page_is_a_timeout(site, check, api_error, eq_app):
    eq_app.extensions["equal_access"].timeout = 0.3
    api_error(check({"url": site.origin + "/slow"}), 422, "page_timeout", "url")


def test_a_page_over_the_size_limit_is_refused(site, check, api_error, eq_app):
    eq_app.extensions["equal_access"].max_bytes = 100_000
    api_error(check({"url": site.origin + "/big"}), 422, "page_too_large", "url")


def test_a_redirect_loop_is_refused(site, check, api_error):
    api_error(check({"url": site.origin + "/loop"}), 422, "too_many_redirects", "url")


@pytest.mark.parametrize(("body", "field"), [
    ({}, "url"),
    ({"url": "http://x/", "urls": ["http://x/"]}, "url"),
    ({"urls": []}, "urls"),
    ({"urls": ["http://127.0.0.1/"] * 11}, "urls"),
    ({"url": 5}, "url"),
    ({"url": "http://x/", "extra": 1}, "extra"),
])
def test_invalid_bodies_are_422(site, check, api_error, body, field):
    api_error(check(body), 422, "invalid", field)
    assert site.requests == []


def test_a_body_that_is_not_json_is_415(eq_app, api_error):
    response = as_staff(eq_app.test_client()).post("/v1/eqtest/equal-access", data="url=x")
    api_error(response, 415, "unsupported_media_type")


def test_an_unknown_agency_is_404(check, api_error):
    api_error(check({"url": "http://127.0.0.1/"}, agency="nobody"), 404)


def test_the_endpoint_is_in_the_openapi_document(eq_app):
    document = eq_app.test_client().get("/openapi.json").get_json()
    operation = document["paths"]["/v1/{agency_id}/equal-access"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["allOf"] == [{"$ref": "#/components/schemas/EqualAccessRequest"}]
    assert body["oneOf"] == [{"required": ["url"]}, {"required": ["urls"]}]
    names = set(document["components"]["schemas"])
    assert {"EqualAccessRequest", "EqualAccessResult", "EqualAccessDifference"} <= names


class _LateApp:
    """WSGI stand-in so the server can bind a port before the app (whose config names the port) exists."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def demo_origin(tmp_path_factory):
    """The real app, demo on, served on loopback; its demo agency configured with that origin."""
    late = _LateApp()
    server = make_server("127.0.0.1", 0, late, threaded=True)
    origin = f"http://127.0.0.1:{server.server_port}"
    folder = tmp_path_factory.mktemp("demo-agencies")
    late.app = create_app({"AGENCIES_DIR": str(folder), "SECRET_KEYS": KEYS, "DEMO": True, "PUBLIC_URL": origin})
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield origin, late.app
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_the_demo_site_stays_equal(demo_origin):
    origin, app = demo_origin
    pages = [origin + path for path in ("/demo/", "/demo/services", "/demo/forms", "/demo/privacy")]
    response = as_staff(app.test_client()).post("/v1/demo/equal-access", json={"urls": pages})
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["equal"] is True, [named(result["differences"]) for result in body["results"]]
    assert all(result["status"]["before"]["status"] == 200 for result in body["results"])


def test_an_invalid_ignore_selector_stops_start_up(tmp_path):
    template = (FIXTURES / "eqtest.toml.in").read_text(encoding="utf-8")
    config = template.replace("{origin}", "http://127.0.0.1:8123").replace('["p.generated-by-cms"]', '["p[x"]')
    (tmp_path / "eqtest.toml").write_text(config, encoding="utf-8")
    with pytest.raises(AgencyConfigError, match="eqtest.toml: field equal_access_ignore"):
        create_app({"AGENCIES_DIR": str(tmp_path), "SECRET_KEYS": KEYS, "DEMO": False})
