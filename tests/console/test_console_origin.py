"""Console forms prove they come from the console's own pages (Origin, else Referer), on SQLite and PostgreSQL.

The https journey through nginx and Chromium is tests/console/test_https_console.py; these are the rules, fast.
"""

import re

import pytest
from console_support import CONSOLE_KEYS
from console_support import PASSWORD
from console_support import Staff

from server import create_app
from server.auth.origin import origin_of

PUBLIC = "https://consent.example:8443"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def proxied(database_url, agencies_dir):
    """The service as nginx's `Host $host` shows it: https, the Host without the public URL's port."""
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(CONSOLE_KEYS),
                      "DATABASE_URL": database_url, "PUBLIC_URL": PUBLIC})
    Staff(app).add("ada", "reviewer", password=PASSWORD)
    yield app.test_client()
    app.extensions["database"].kw["bind"].dispose()


def sign_in_form(client, base_url):
    page = client.get("/console/login", base_url=base_url).get_data(as_text=True)
    return {"name": "ada", "password": PASSWORD, "csrf_token": CSRF_FIELD.search(page).group(1), "next": "/console/"}


@pytest.mark.parametrize(("url", "origin"), [
    ("https://Consent.Example:443/console/x", "https://consent.example"),
    ("http://127.0.0.1:80", "http://127.0.0.1"),
    ("https://consent.example:8443/", "https://consent.example:8443"),
    ("http://[::1]:8000/a", "http://[::1]:8000"),
    ("null", None), ("", None), ("javascript:x", None), ("https://host:99999/", None),
])
def test_origins_compare_as_browsers_write_them(url, origin):
    assert origin_of(url) == origin


def test_over_https_behind_a_proxy_the_public_origin_signs_in(proxied):
    base = "https://consent.example"
    answer = proxied.post("/console/login", base_url=base, data=sign_in_form(proxied, base),
                          headers={"Origin": PUBLIC})
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/"


@pytest.mark.parametrize(("headers", "field", "named"), [
    ({}, "Origin", "missing"),
    ({"Origin": "null"}, "Origin", "'null'"),
    ({"Origin": "https://consent.example.evil.test"}, "Origin", "'https://consent.example.evil.test'"),
    ({"Origin": "http://consent.example:8443"}, "Origin", "'http://consent.example:8443'"),
    ({"Referer": "https://evil.test/console/login"}, "Referer", "'https://evil.test'"),
])
def test_over_https_a_sign_in_from_elsewhere_or_nowhere_is_403(proxied, headers, field, named):
    base = "https://consent.example"
    answer = proxied.post("/console/login", base_url=base, data=sign_in_form(proxied, base), headers=headers)
    error = answer.get_json()["error"]
    assert answer.status_code == 403 and error["field"] == field and named in error["message"], error


def test_over_http_a_form_naming_another_origin_is_403_and_none_is_allowed(console, staff):
    staff.add("ada", "reviewer", password=PASSWORD)
    foreign = console.post("/console/login", data=sign_in_form(console, "http://localhost"),
                           headers={"Origin": "https://evil.test"})
    assert foreign.status_code == 403 and foreign.get_json()["error"]["field"] == "Origin"
    # Loopback scripts and older clients send no Origin on plain http; the CSRF token still holds them.
    plain = console.post("/console/login", data=sign_in_form(console, "http://localhost"))
    assert plain.status_code == 303


def test_console_pages_send_a_referrer_only_to_the_service_and_the_rest_none(console):
    assert console.get("/console/login").headers["Referrer-Policy"] == "same-origin"
    assert console.get("/console/no-such-page").headers["Referrer-Policy"] == "same-origin"
    for path in ("/healthz", "/v1/demo/notice", "/consoles", "/demo/"):
        assert console.get(path).headers["Referrer-Policy"] == "no-referrer", path
