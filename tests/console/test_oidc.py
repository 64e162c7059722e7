"""Staff single sign-on against a real OpenID Connect provider on loopback (oidc-provider-mock), on SQLite and
PostgreSQL: roles from groups, recomputed at each sign-in; refusals for a wrong state or nonce and an unmapped
person; their tokens; /console/api/me; sign-out and the provider's end-session; password sign-in turned off.

The ID token refusals (expired, another issuer, audience or key) are in test_oidc_forged.py; the journey in
Chromium in test_oidc_browser.py.
"""

import re
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests
from console_support import CONSOLE_KEYS
from console_support import PASSWORD
from console_support import Staff
from console_support import waiver_body
from databases import new_sqlite_url
from oidc_providers import CALLBACK
from oidc_providers import CLIENT_ID
from oidc_providers import DESK_GROUP
from oidc_providers import GROUPS_FILE
from oidc_providers import CSRF_FIELD
from oidc_providers import DirectorySignIn
from oidc_providers import mock_provider
from oidc_providers import oidc_settings
from oidc_providers import set_person

from server import create_app
from server.auth import accounts
from server.auth.oidc_accounts import find_directory_user
from server.db.session import session_for

PUBLIC_URL = "http://localhost"
RITA = {"email": "rita.desk@mass.gov", "name": "Rita Desk"}
HIDDEN = re.compile(r'<input id="(\w+)" name="\w+" type="hidden" value="([^"]*)"')


@pytest.fixture
def issuer():
    """oidc-provider-mock on loopback, fresh for each test (its people's groups change in some)."""
    with mock_provider() as url:
        yield url


def make_app(database_url, agencies_dir, groups_file, issuer, password_sign_in=True):
    return create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(CONSOLE_KEYS), "DEMO": True,
                       "DATABASE_URL": database_url, "PUBLIC_URL": PUBLIC_URL,
                       "OIDC": oidc_settings(issuer, groups_file, password_sign_in)})


@pytest.fixture
def groups_file(tmp_path):
    path = tmp_path / "groups.toml"
    path.write_text(GROUPS_FILE)
    return path


@pytest.fixture
def sso_app(database_url, agencies_dir, groups_file, issuer):
    """The console with single sign-on through that provider, on a fresh database of each kind."""
    app = make_app(database_url, agencies_dir, groups_file, issuer)
    yield app
    app.extensions["database"].kw["bind"].dispose()


@pytest.fixture
def sqlite_url(tmp_path, upgraded_sqlite):
    """A fresh SQLite console database: for what does not depend on the database (kept cheap)."""
    return new_sqlite_url(tmp_path, upgraded_sqlite)


def directory_token(app, issuer, subject):
    """A bearer token owned by the person the directory signed in (as `consent-service tokens create` makes)."""
    with session_for(app) as db:
        _, token = accounts.create_token(db, find_directory_user(db, issuer, subject))
        db.commit()
    return {"Authorization": f"Bearer {token}"}


def test_sign_in_gives_the_roles_of_the_person_s_groups_and_me_says_who(sso_app, issuer):
    person = DirectorySignIn(sso_app.test_client())
    page = person.client.get("/console/login").get_data(as_text=True)
    # The directory is offered first, before the break-glass password form.
    assert page.index('id="sign-in-directory"') < page.index('name="password"')

    # The request's Host never reaches the redirect URI: only CONSENT_PUBLIC_URL does.
    elsewhere = sso_app.test_client().get("/console/login/oidc", headers={"Host": "evil.example"})
    assert parse_qs(urlsplit(elsewhere.location).query)["redirect_uri"] == [PUBLIC_URL + CALLBACK]
    started = person.client.get("/console/login/oidc")
    query = parse_qs(urlsplit(started.location).query)
    assert started.location.startswith(issuer + "/")
    assert query["redirect_uri"] == [PUBLIC_URL + CALLBACK] and query["client_id"] == [CLIENT_ID]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0] and query["scope"] == ["openid email profile"]

    arrived = person.finish(person.authorize(started.location, "sub-rita-2"))
    assert arrived.status_code == 303 and arrived.location == "/console/"
    assert person.me().get_json() == {
        "name": "Rita Desk", "account": "rita.desk", "email": "rita.desk@mass.gov", "subject": "sub-rita-2",
        "issuer": issuer, "directory": True, "roles": ["requester", "reviewer"], "agencies": ["demo"]}
    # Session-only, as every cookie of the service.
    cookie = arrived.headers["Set-Cookie"]
    assert "consent_console=" in cookie and "Expires" not in cookie and "Max-Age" not in cookie

    alice = DirectorySignIn(sso_app.test_client())
    assert alice.sign_in("sub-alice-1").status_code == 303
    me = alice.me().get_json()
    assert (me["name"], me["roles"], me["agencies"]) == ("Alice Admin", ["admin", "iso"], [])
    # The same answer for the person's API token, and a local account's answer has no directory identity.
    assert sso_app.test_client().get("/console/api/me", headers=directory_token(sso_app, issuer, "sub-alice-1")
                                     ).get_json() == me
    staff = Staff(sso_app)
    staff.add("root", "admin")
    local = sso_app.test_client().get("/console/api/me", headers=staff.headers("root")).get_json()
    assert local == {"name": "root", "account": "root", "email": None, "subject": None, "issuer": None,
                     "directory": False, "roles": ["admin"], "agencies": []}
    assert sso_app.test_client().get("/console/api/me").status_code == 401
    # Documented with the other staff APIs, from the schema that dumps it.
    described = sso_app.test_client().get("/openapi.json").get_json()
    answer = described["paths"]["/console/api/me"]["get"]["responses"]["200"]["content"]["application/json"]
    schema = described["components"]["schemas"][answer["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]) == set(local)


def test_a_group_removed_between_sign_ins_removes_the_role_and_the_tokens(sso_app, issuer):
    DirectorySignIn(sso_app.test_client()).sign_in("sub-alice-1")
    rita = DirectorySignIn(sso_app.test_client())
    assert rita.sign_in("sub-rita-2").status_code == 303
    token = directory_token(sso_app, issuer, "sub-rita-2")
    elsewhere = DirectorySignIn(sso_app.test_client())
    elsewhere.sign_in("sub-rita-2")
    assert sso_app.test_client().get("/console/api/me", headers=token).status_code == 200

    # Only the admins' group left: requester goes, and the agency limit with it.
    set_person(issuer, "sub-rita-2", **RITA, groups=["00000000-aaaa-4000-8000-000000000001"])
    assert rita.sign_in("sub-rita-2").status_code == 303
    assert (rita.me().get_json()["roles"], rita.me().get_json()["agencies"]) == (["admin"], [])

    # No mapped group at all: refused, with whom to ask; her token and her other sessions stop working.
    set_person(issuer, "sub-rita-2", **RITA, groups=["unmapped"])
    refused = rita.sign_in("sub-rita-2")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403 and "none of your groups gives a role" in page
    assert "Alice Admin" in page and "mailto:alice.admin@mass.gov" in page
    assert rita.me().status_code == 401
    assert elsewhere.me().status_code == 401
    assert sso_app.test_client().get("/console/api/me", headers=token).status_code == 401

    # Back in the group: the same record, the same token works again.
    set_person(issuer, "sub-rita-2", **RITA, groups=[DESK_GROUP])
    assert rita.sign_in("sub-rita-2").status_code == 303
    assert rita.me().get_json()["roles"] == ["requester", "reviewer"]
    assert sso_app.test_client().get("/console/api/me", headers=token).get_json()["account"] == "rita.desk"


def test_a_person_in_no_mapped_group_is_refused_and_told_to_ask_the_administrators(sso_app):
    Staff(sso_app).add("root", "admin")
    person = DirectorySignIn(sso_app.test_client())
    refused = person.sign_in("sub-nobody-3")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403
    assert "Whom to ask" in page and "<li>root</li>" in page
    assert person.me().status_code == 401


def test_a_callback_with_another_state_is_refused(sso_app):
    person = DirectorySignIn(sso_app.test_client())
    callback = person.authorize(person.start(), "sub-alice-1")
    forged = re.sub(r"state=[^&]+", "state=not-the-state-this-browser-was-given", callback)
    refused = person.finish(forged)
    assert refused.status_code == 401 and "state" in refused.get_data(as_text=True)
    assert person.me().status_code == 401
    # Another browser (no sign-in started there) bringing a genuine code and state is refused too.
    stranger = DirectorySignIn(sso_app.test_client())
    assert stranger.finish(callback).status_code == 401 and stranger.me().status_code == 401
    # And a state is good once: this browser's own callback, replayed after use, is refused.
    assert person.finish(person.authorize(person.start(), "sub-alice-1")).status_code == 303


def test_an_id_token_with_another_sign_in_s_nonce_is_refused(sso_app):
    person = DirectorySignIn(sso_app.test_client())
    first = person.start()
    second = person.start()
    # The code of the first sign-in (its ID token carries the first nonce) arrives with the second's state.
    code = parse_qs(urlsplit(person.authorize(first, "sub-alice-1")).query)["code"][0]
    state = parse_qs(urlsplit(second).query)["state"][0]
    refused = person.finish(f"{PUBLIC_URL}{CALLBACK}?code={code}&state={state}")
    assert refused.status_code == 401 and "nonce" in refused.get_data(as_text=True)
    assert person.me().status_code == 401


def test_sign_out_ends_the_session_and_offers_the_provider_s_end_session(sso_app, issuer):
    person = DirectorySignIn(sso_app.test_client())
    person.sign_in("sub-alice-1")
    signed_out = person.sign_out()
    page = signed_out.get_data(as_text=True)
    assert signed_out.status_code == 200 and person.me().status_code == 401
    link = re.search(r'id="sign-out-directory" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(link).query)
    assert link.startswith(f"{issuer}/oauth2/end_session?")
    assert query == {"client_id": [CLIENT_ID], "post_logout_redirect_uri": [PUBLIC_URL + "/console/login"]}
    assert requests.get(link, timeout=10).status_code == 200
    # A password session is only signed out: no directory to leave.
    Staff(sso_app).add("root", "admin", password=PASSWORD)
    local = sso_app.test_client()
    token = CSRF_FIELD.search(local.get("/console/login").get_data(as_text=True)).group(1)
    local.post("/console/login", data={"name": "root", "password": PASSWORD, "csrf_token": token})
    assert DirectorySignIn(local).sign_out().status_code == 303


def test_password_sign_in_turned_off_leaves_only_the_directory(sqlite_url, agencies_dir, groups_file, issuer):
    app = make_app(sqlite_url, agencies_dir, groups_file, issuer, password_sign_in=False)
    try:
        Staff(app).add("root", "admin", password=PASSWORD)
        client = app.test_client()
        page = client.get("/console/login").get_data(as_text=True)
        assert 'id="sign-in-directory"' in page and 'name="password"' not in page
        assert DirectorySignIn(client).sign_in("sub-alice-1").status_code == 303
        # A password sent anyway (with a genuine CSRF token of this session) is refused, checked or not.
        token = CSRF_FIELD.search(client.get("/console/").get_data(as_text=True)).group(1)
        refused = client.post("/console/login", data={"name": "root", "password": PASSWORD, "csrf_token": token})
        assert refused.status_code == 403 and "Password sign-in is turned off" in refused.get_data(as_text=True)
    finally:
        app.extensions["database"].kw["bind"].dispose()


def test_a_discovery_document_naming_another_issuer_is_not_trusted(sqlite_url, agencies_dir, groups_file, issuer):
    app = make_app(sqlite_url, agencies_dir, groups_file, issuer + "/")
    try:
        refused = app.test_client().get("/console/login/oidc")
        assert refused.status_code == 503 and "not CONSENT_OIDC_ISSUER" in refused.get_data(as_text=True)
    finally:
        app.extensions["database"].kw["bind"].dispose()


def test_the_waiver_trail_and_a_statement_signature_name_the_directory_identity(sso_app, issuer):
    rita = DirectorySignIn(sso_app.test_client())
    rita.sign_in("sub-rita-2")
    filed = sso_app.test_client().post("/console/api/waivers", json=waiver_body(),
                                       headers=directory_token(sso_app, issuer, "sub-rita-2"))
    assert filed.status_code == 201, filed.get_json()
    identity = "Rita Desk <rita.desk@mass.gov> (subject sub-rita-2)"
    assert filed.get_json()["trail"][0]["actor"] == identity
    waiver_page = rita.client.get(f"/console/waivers/{filed.get_json()['id']}").get_data(as_text=True)
    assert "Rita Desk &lt;rita.desk@mass.gov&gt; (subject sub-rita-2)" in waiver_page

    alice = DirectorySignIn(sso_app.test_client())
    alice.sign_in("sub-alice-1")
    statement = alice.client.get("/console/agencies/demo/statement").get_data(as_text=True)
    form = dict(HIDDEN.findall(statement))
    signed = alice.client.post("/console/statements/sign", data={**form, "title": "ISO", "notes": ""},
                               follow_redirects=True)
    assert "Signed by Alice Admin &lt;alice.admin@mass.gov&gt; (subject sub-alice-1)" in signed.get_data(as_text=True)
