"""OpenID Connect providers on loopback for the single sign-on tests, and a directory sign-in driven over HTTP.

Two real providers: oidc-provider-mock (PyPI; authlib's authorization server: discovery, JWKS, the code flow,
end-session), whose people and groups a test changes between sign-ins; and Forger, a small provider of our own
whose token endpoint signs the ID tokens a hostile or broken directory would send (expired, another issuer,
another audience, another key), with keys made here.
"""

import re
import secrets
import time
from contextlib import contextmanager
from urllib.parse import urlencode
from urllib.parse import urlsplit

import requests
from flask import Flask
from flask import jsonify
from flask import redirect
from flask import request
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwk import RSAKey
from oidc_provider_mock import User
from oidc_provider_mock import run_server_in_thread

from server.core.settings import Oidc
from serving import AppServer

CLIENT_ID = "consent-console"
CLIENT_SECRET = "console-client-secret-0123456789"
CALLBACK = "/console/login/oidc/callback"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
GROUPS_FILE = """\
[[groups]]
group = "00000000-aaaa-4000-8000-000000000001"
roles = ["admin"]

[[groups]]
group = "isos"
roles = ["iso"]

[[groups]]
group = "waiver-desk"
roles = ["requester", "reviewer"]
agencies = ["demo"]
"""
ADMINS_GROUP = "00000000-aaaa-4000-8000-000000000001"
DESK_GROUP = "waiver-desk"
ISO_GROUP = "isos"
PEOPLE = (
    User(sub="sub-alice-1", claims={"email": "alice.admin@mass.gov", "name": "Alice Admin",
                                    "groups": [ADMINS_GROUP, ISO_GROUP]}),
    User(sub="sub-rita-2", claims={"email": "rita.desk@mass.gov", "name": "Rita Desk", "groups": [DESK_GROUP, "x"]}),
    User(sub="sub-nobody-3", claims={"email": "no.body@mass.gov", "name": "No Body", "groups": ["unmapped"]}),
)


def oidc_settings(issuer, groups_file, password_sign_in=True):
    """The Oidc settings group for a provider at issuer."""
    return Oidc(issuer=issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, groups_file=groups_file,
                groups_claim="groups", password_sign_in=password_sign_in)


@contextmanager
def mock_provider():
    """oidc-provider-mock on loopback with PEOPLE; yields its issuer URL."""
    with run_server_in_thread(user_claims=PEOPLE, require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def set_person(issuer, sub, **claims):
    """Change what the directory says of a person (their groups, say) before their next sign-in."""
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204, response.text


class DirectorySignIn:
    """A browser's sign-in through the directory, step by step, with a Flask test client and requests."""

    def __init__(self, client):
        self.client = client

    def start(self):
        """GET /console/login/oidc: the provider's authorization URL the console sends the browser to."""
        response = self.client.get("/console/login/oidc")
        assert response.status_code == 302, response.data[:500]
        return response.location

    @staticmethod
    def authorize(authorization_url, sub):
        """The person signs in at the provider (oidc-provider-mock's form); the callback URL it sends them to."""
        response = requests.post(authorization_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def finish(self, callback_url):
        """The browser arrives at the console's callback."""
        parts = urlsplit(callback_url)
        assert parts.path == CALLBACK, callback_url
        return self.client.get(f"{parts.path}?{parts.query}")

    def sign_in(self, sub):
        """The whole journey: the callback's answer."""
        return self.finish(self.authorize(self.start(), sub))

    def me(self):
        return self.client.get("/console/api/me")

    def sign_out(self):
        """POST /console/logout with the CSRF token of a console page."""
        token = CSRF_FIELD.search(self.client.get("/console/").get_data(as_text=True)).group(1)
        return self.client.post("/console/logout", data={"csrf_token": token})


class Forger(AppServer):
    """A provider on loopback that completes any authorization at once and signs the ID token `mode` asks for.

    Modes: "good" (a valid token: the refusals below are each caused by their one claim), "expired",
    "foreign-issuer", "wrong-audience", "other-key" (signed by a key its JWKS does not hold, under the same kid).
    """

    def __init__(self):
        super().__init__(None, quiet=True)
        self.issuer = self.url
        self.key = RSAKey.generate_key(2048, parameters={"kid": "forger-1"}, private=True)
        self.stranger_key = RSAKey.generate_key(2048, parameters={"kid": "forger-1"}, private=True)
        self.mode = "good"
        self.claims = {"sub": "sub-forged-9", "email": "fay.forged@mass.gov", "name": "Fay Forged",
                       "groups": [ADMINS_GROUP]}
        self.codes = {}
        self.app = self._make_app()
        self.start()

    def _make_app(self):
        app = Flask("forger")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({"issuer": self.issuer, "authorization_endpoint": f"{self.url}/authorize",
                            "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                            "response_types_supported": ["code"], "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"]})

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.get("/authorize")
        def authorize():
            code = secrets.token_urlsafe(16)
            self.codes[code] = request.args.get("nonce")
            return redirect(request.args["redirect_uri"] + "?" + urlencode({"code": code,
                                                                             "state": request.args["state"]}))

        @app.post("/token")
        def token():
            nonce = self.codes.pop(request.form["code"])
            return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                            "id_token": self.id_token(nonce)})

        return app

    def id_token(self, nonce):
        now = int(time.time())
        claims = {**self.claims, "iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce}
        key = self.key
        if self.mode == "expired":
            claims.update(iat=now - 7200, exp=now - 3600)
        elif self.mode == "foreign-issuer":
            claims["iss"] = "https://login.example.net/another-tenant/v2.0"
        elif self.mode == "wrong-audience":
            # Issued to another application, even if it names this one as the authorized party.
            claims.update(aud="another-application", azp=CLIENT_ID)
        elif self.mode == "other-key":
            key = self.stranger_key
        return jwt.encode({"alg": "RS256", "kid": "forger-1"}, claims, key)

    def sign_in(self, client):
        """The whole journey through this provider with a test client: the callback's answer."""
        location = DirectorySignIn(client).start()
        callback = requests.get(location, allow_redirects=False, timeout=10).headers["Location"]
        return DirectorySignIn(client).finish(callback)
