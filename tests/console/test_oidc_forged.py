"""ID tokens a broken or hostile directory could send are refused: expired, another issuer, another audience,
signed by a key the provider's JWKS does not hold. A provider of our own on loopback (oidc_providers.Forger,
keys made here) signs each; the same provider's valid token signs in, so each refusal is its one claim's."""

import itertools

import pytest
from console_support import CONSOLE_KEYS
from databases import new_sqlite_url
from oidc_providers import GROUPS_FILE
from oidc_providers import DirectorySignIn
from oidc_providers import Forger
from oidc_providers import oidc_settings

from server import create_app

# What the page names: the claim refused.
_names = itertools.count(1)
REFUSALS = {"expired": "exp", "foreign-issuer": "iss", "wrong-audience": "aud", "other-key": "signature"}


@pytest.fixture(scope="module")
def forger():
    """The forging provider, for the module."""
    server = Forger()
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(request, forger, tmp_path_factory, agencies_dir):
    """The console with single sign-on through the forger, on each kind of console database."""
    folder = tmp_path_factory.mktemp("forged")
    (folder / "groups.toml").write_text(GROUPS_FILE)
    if request.param == "sqlite":
        database_url = new_sqlite_url(folder, request.getfixturevalue("upgraded_sqlite"))
    else:
        database_url = request.getfixturevalue("postgres_cluster").create_database(
            f"consent_forged_{next(_names)}", request.getfixturevalue("upgraded_postgres"))
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(CONSOLE_KEYS), "DEMO": True,
                      "DATABASE_URL": database_url, "PUBLIC_URL": "http://localhost",
                      "OIDC": oidc_settings(forger.issuer, folder / "groups.toml")})
    yield app
    app.extensions["database"].kw["bind"].dispose()


def test_the_forger_s_valid_token_signs_in(app, forger):
    forger.mode = "good"
    client = app.test_client()
    assert forger.sign_in(client).status_code == 303
    assert DirectorySignIn(client).me().get_json()["email"] == "fay.forged@mass.gov"


@pytest.mark.parametrize("mode", sorted(REFUSALS))
def test_a_token_that_fails_its_check_is_refused(app, forger, mode):
    forger.mode = mode
    client = app.test_client()
    refused = forger.sign_in(client)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 401, page
    assert "could not be verified" in page and REFUSALS[mode] in page
    assert DirectorySignIn(client).me().status_code == 401
