"""The directory as an OpenID Connect provider: Authlib's Flask client, set up once per app from the Oidc settings.

Security notes: the authorization code flow with PKCE (S256); `state` (Authlib keeps it, with the nonce and
the code verifier, in the console's signed session cookie) and `nonce` are checked by Authlib; the ID token's
signature is checked against the provider's JWKS, and its `iss`, `aud` and `exp` against the discovery document
(whose own `issuer` must be CONSENT_OIDC_ISSUER, or nothing is trusted). The redirect URI is built from
CONSENT_PUBLIC_URL only, never from the request's Host.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from authlib.integrations.flask_client import OAuth
from flask import current_app
from requests import RequestException

from server.core.directory_groups import GroupsFile
from server.core.directory_groups import GroupsFileError
from server.core.directory_groups import load_groups_file
from server.core.settings import ConfigError

EXTENSION_KEY = "consent_oidc"
CLIENT_NAME = "directory"
SCOPES = "openid email profile"
CALLBACK_PATH = "/console/login/oidc/callback"
DISCOVERY_PATH = "/.well-known/openid-configuration"
# The session remembers how its user signed in: only a directory session is offered the provider's sign-out.
VIA_KEY = "via"
VIA_DIRECTORY = "directory"
# Seconds to wait for the provider (discovery, keys, token): a slow directory must not hold a worker long.
PROVIDER_TIMEOUT = 10


class DirectoryUnavailable(Exception):
    """The provider cannot be reached or answers nonsense; the message is safe to show staff."""


@dataclass(frozen=True)
class Directory:
    """What sign-in through the directory needs: the settings, the groups file read at start, Authlib's client."""

    settings: object  # server.core.settings.Oidc
    groups: GroupsFile
    client: object  # authlib FlaskOAuth2App
    redirect_uri: str

    def metadata(self):
        """The discovery document, refused unless it names the configured issuer (OIDC Discovery 4.3)."""
        try:
            metadata = self.client.load_server_metadata()
        except (RequestException, ValueError) as error:
            raise DirectoryUnavailable("The directory cannot be reached just now: try again shortly, or ask a "
                                       "console administrator.") from error
        if metadata.get("issuer") != self.settings.issuer:
            # Not cached as trusted: the next request fetches it again.
            self.client.server_metadata.pop("_loaded_at", None)
            raise DirectoryUnavailable(f"The directory's discovery document names the issuer "
                                       f"{str(metadata.get('issuer'))[:200]!r}, not CONSENT_OIDC_ISSUER "
                                       f"{self.settings.issuer!r}: sign-in through it is refused.")
        return metadata

    def end_session_url(self, post_logout_redirect_uri):
        """The provider's sign-out address (RP-initiated logout) when its discovery document has one; else None."""
        try:
            endpoint = self.metadata().get("end_session_endpoint")
        except DirectoryUnavailable:
            return None
        if not endpoint:
            return None
        query = urlencode({"client_id": self.settings.client_id, "post_logout_redirect_uri": post_logout_redirect_uri})
        return endpoint + ("&" if "?" in endpoint else "?") + query


def discovery_url(issuer):
    """Where the provider's discovery document is, under its issuer URL."""
    return issuer.rstrip("/") + DISCOVERY_PATH


def init_app(app):
    """Register the directory client when CONSENT_OIDC_ISSUER is set; a bad groups file stops start-up in one line."""
    settings = app.config.get("OIDC")
    if settings is None or not settings.enabled:
        return
    public_url = app.config.get("PUBLIC_URL")
    if not public_url:
        raise ConfigError("CONSENT_PUBLIC_URL: not set; single sign-on (CONSENT_OIDC_ISSUER) needs it to build its "
                          "redirect URI", "CONSENT_PUBLIC_URL")
    try:
        groups = load_groups_file(settings.groups_file)
    except GroupsFileError as error:
        raise ConfigError(str(error), "CONSENT_OIDC_GROUPS_FILE", str(settings.groups_file)) from None
    oauth = OAuth(app)
    client = oauth.register(
        CLIENT_NAME, client_id=settings.client_id, client_secret=settings.client_secret,
        server_metadata_url=discovery_url(settings.issuer),
        client_kwargs={"scope": SCOPES, "code_challenge_method": "S256", "timeout": PROVIDER_TIMEOUT})
    app.extensions[EXTENSION_KEY] = Directory(settings=settings, groups=groups, client=client,
                                              redirect_uri=public_url.rstrip("/") + CALLBACK_PATH)


def directory():
    """This app's Directory, or None when single sign-on is not configured."""
    return current_app.extensions.get(EXTENSION_KEY)


def password_sign_in_allowed():
    """False when an administrator turned local passwords off (CONSENT_PASSWORD_SIGN_IN=0)."""
    settings = current_app.config.get("OIDC")
    return settings is None or settings.password_sign_in
