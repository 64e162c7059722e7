"""Sign-in, sessions, CSRF, bearer tokens and roles, through the real app on SQLite and PostgreSQL."""

import re

import pytest
from console_support import PASSWORD

from server.auth import accounts
from server.auth.identity import MAX_FAILED_SIGN_INS
from server.db.session import session_for

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, path="/console/login"):
    """The CSRF token a console form carries, as a browser would read it."""
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    return CSRF_FIELD.search(page).group(1)


def sign_in(client, name, password=PASSWORD):
    """Fill in and send the sign-in form."""
    return client.post("/console/login", data={"name": name, "password": password,
                                               "csrf_token": csrf_token(client), "next": "/console/"})


def session_cookie_header(response):
    return next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("consent_console="))


def test_the_sign_in_page_is_a_plain_labelled_form(console):
    response = console.get("/console/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert '<label for="name">Name</label>' in page and '<label for="password">Password</label>' in page
    assert 'type="password"' in page and CSRF_FIELD.search(page)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_signing_in_sets_a_session_only_cookie_and_opens_the_console(console, staff):
    staff.add("ada", "reviewer", password=PASSWORD)
    response = sign_in(console, "ada")
    assert response.status_code == 303 and response.headers["Location"] == "/console/"
    cookie = session_cookie_header(response)
    # Session-only: no Expires, no Max-Age; not readable by scripts; only sent to the console.
    assert "Expires" not in cookie and "Max-Age" not in cookie
    assert "HttpOnly" in cookie and "Path=/console" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback
    home = console.get("/console/")
    assert home.status_code == 200 and "Signed in as <strong>ada</strong> (reviewer)" in home.get_data(as_text=True)


def test_the_session_cookie_is_secure_over_https(console, staff):
    staff.add("ada", "reviewer", password=PASSWORD)
    page = console.get("/console/login", base_url="https://consent.example")
    assert "Secure" in session_cookie_header(page)


def test_a_wrong_password_is_refused_with_the_form_again(console, staff):
    staff.add("ada", "reviewer", password=PASSWORD)
    response = sign_in(console, "ada", "not the password at all")
    assert response.status_code == 401
    assert "The name or the password is wrong." in response.get_data(as_text=True)
    assert console.get("/console/api/waivers").status_code == 401


def test_sign_in_attempts_are_limited_per_account(console, staff):
    staff.add("ada", "reviewer", password=PASSWORD)
    for _ in range(MAX_FAILED_SIGN_INS):
        assert sign_in(console, "ada", "a wrong guess of a password").status_code == 401
    # Locked: even the right password is refused for a while.
    locked = sign_in(console, "ada")
    assert locked.status_code == 429 and "locked for 15 minutes" in locked.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_400(console, staff):
    staff.add("ada", "reviewer", password=PASSWORD)
    console.get("/console/login")  # the browser holds a session cookie
    response = console.post("/console/login", data={"name": "ada", "password": PASSWORD})
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "The CSRF token is missing."


def test_a_session_request_to_the_api_needs_the_csrf_token(console, staff):
    staff.add("rita", "requester", password=PASSWORD)
    sign_in(console, "rita")
    refused = console.post("/console/api/waivers", json={})
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]["message"]
    token = csrf_token(console, "/console/")
    accepted = console.post("/console/api/waivers", json={}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 422  # past CSRF and the role check: the empty request is incomplete


def test_signing_out_ends_the_session_even_for_a_copied_cookie(console, staff):
    staff.add("ada", "reviewer", password=PASSWORD)
    sign_in(console, "ada")
    copied = console.get_cookie("consent_console", path="/console").value
    response = console.post("/console/logout", data={"csrf_token": csrf_token(console, "/console/")})
    assert response.status_code == 303 and response.headers["Location"] == "/console/login"
    assert console.get("/console/api/waivers").status_code == 401
    console.set_cookie("consent_console", copied, path="/console")
    assert console.get("/console/api/waivers").status_code == 401


def test_no_credentials_is_401_with_the_bearer_challenge(console):
    response = console.get("/console/api/waivers")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_browser_without_a_session_is_sent_to_sign_in(console):
    response = console.get("/console/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 302 and response.headers["Location"] == "/console/login?next=/console/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/console/", "/demo/"])
def test_sign_in_never_redirects_off_the_console(console, staff, target):
    staff.add("ada", "reviewer", password=PASSWORD)
    response = console.post("/console/login", data={"name": "ada", "password": PASSWORD,
                                                    "csrf_token": csrf_token(console), "next": target})
    assert response.headers["Location"] == "/console/"


def test_a_bearer_token_opens_every_console_url_pages_included(console, staff):
    staff.add("audrey", "auditor")
    assert console.get("/console/api/waivers", headers=staff.headers("audrey")).status_code == 200
    page = console.get("/console/", headers={**staff.headers("audrey"), "Accept": "text/html"})
    assert page.status_code == 200 and "audrey" in page.get_data(as_text=True)


@pytest.mark.parametrize("header", ["Bearer cst_not-a-real-token", "Bearer ", "Basic YWRhOnB3", "Bearer"])
def test_a_bad_bearer_token_is_401(console, header):
    assert console.get("/console/api/waivers", headers={"Authorization": header}).status_code == 401


def test_a_revoked_token_is_401(console, console_app, staff):
    staff.add("quinn", "qa")
    assert console.get("/console/api/waivers", headers=staff.headers("quinn")).status_code == 200
    with session_for(console_app) as db:
        user = accounts.find_user(db, "quinn")
        assert accounts.revoke_token(db, user.tokens[0].id)
        db.commit()
    assert console.get("/console/api/waivers", headers=staff.headers("quinn")).status_code == 401


def test_a_bad_bearer_beside_a_good_session_is_still_401(console, staff):
    staff.add("ada", "reviewer", password=PASSWORD)
    sign_in(console, "ada")
    response = console.get("/console/api/waivers", headers={"Authorization": "Bearer cst_revoked-or-forged"})
    assert response.status_code == 401


@pytest.mark.parametrize(("roles", "status"), [((), 401), (("requester",), 403), (("auditor",), 403),
                                               (("qa",), 422), (("admin",), 422)])
def test_equal_access_needs_a_qa_or_admin_token(console, staff, roles, status):
    headers = {}
    if roles:
        staff.add("someone", *roles)
        headers = staff.headers("someone")
    # An empty body: a staff member of the right role gets as far as the body check (422).
    response = console.post("/v1/demo/equal-access", json={}, headers=headers)
    assert response.status_code == status, response.get_json()


def test_visitor_endpoints_set_no_console_cookie(console):
    for path in ("/v1/demo/notice", "/v1/demo/status", "/v1/demo/choices", "/healthz"):
        response = console.get(path)
        assert not [value for value in response.headers.getlist("Set-Cookie") if "consent_console" in value], path
