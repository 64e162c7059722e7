"""Sign-in through the directory: /console/login/oidc starts it, /console/login/oidc/callback ends it."""

import logging

from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint
from flask import abort
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from joserfc.errors import JoseError
from requests import RequestException
from sqlalchemy.exc import IntegrityError

from server.auth.oidc_accounts import administrators
from server.auth.oidc_accounts import record_directory_sign_in
from server.auth.oidc_client import VIA_DIRECTORY
from server.auth.oidc_client import VIA_KEY
from server.auth.oidc_client import DirectoryUnavailable
from server.auth.oidc_client import directory
from server.auth.views import NEXT_LINE_BREAK
from server.auth.views import safe_next
from server.db.session import get_session

log = logging.getLogger("server.auth")
bp = Blueprint("console_oidc", __name__, url_prefix="/console/login/oidc", template_folder="templates")
NEXT_KEY = "oidc_next"
UNVERIFIED = ("The directory's answer could not be verified ({reason}), so you are not signed in. Start again from "
              "the sign-in page.")


def _refused(problem, status, admins=None):
    return render_template("console/oidc_refused.html", problem=problem, admins=admins), status


@bp.get("")
def start():
    """Send the browser to the directory with a fresh state, nonce and PKCE challenge (S256)."""
    found = directory()
    if found is None:
        abort(404)
    target = request.args.get("next", "")
    if "\r" in target or "\n" in target:
        return _refused(NEXT_LINE_BREAK, 400)
    try:
        found.metadata()
        response = found.client.authorize_redirect(found.redirect_uri)
    except DirectoryUnavailable as outage:
        return _refused(str(outage), 503)
    except RequestException:
        return _refused("The directory cannot be reached just now: try again shortly.", 503)
    session[NEXT_KEY] = safe_next(target)
    return response


def _reason(error):
    """A short, safe description of why the provider's answer was refused (for the page and the log)."""
    if isinstance(error, MismatchingStateError):
        return "the sign-in's state does not match this browser's: it was started elsewhere, or already used"
    code = getattr(error, "error", None) or type(error).__name__
    description = getattr(error, "description", None) or ""
    said = code if description in ("", code) else f"{code}: {description}"
    return (f"the ID token was refused: {said}" if isinstance(error, JoseError) else said)[:300]


@bp.get("/callback")
def callback():
    """Check the provider's answer and the ID token, recompute the person's roles from their groups, sign them in."""
    found = directory()
    if found is None:
        abort(404)
    target = session.get(NEXT_KEY)
    try:
        issuer = found.metadata()["issuer"]
        # Authlib checks `aud` only through `azp` unless told: the ID token must name this client (OIDC Core
        # 3.1.3.7), and its issuer must be the discovery document's (which is CONSENT_OIDC_ISSUER).
        token = found.client.authorize_access_token(claims_options={
            "iss": {"essential": True, "values": [issuer]},
            "aud": {"essential": True, "values": [found.settings.client_id]}})
    except DirectoryUnavailable as outage:
        return _refused(str(outage), 503)
    except (OAuthError, JoseError, ValueError) as error:
        log.warning("directory sign-in refused: %s", _reason(error))
        return _refused(UNVERIFIED.format(reason=_reason(error)), 401)
    except RequestException:
        return _refused("The directory cannot be reached just now: try again shortly.", 503)
    claims = token.get("userinfo")
    if not claims or not claims.get("sub"):
        return _refused(UNVERIFIED.format(reason="the provider sent no ID token"), 401)
    return _sign_in(found, dict(claims), target)


def _groups(settings, claims):
    """The groups claim as a list of strings; Entra ID's overage marker (too many groups to send) is an error."""
    if settings.groups_claim in (claims.get("_claim_names") or {}):
        raise ValueError("the directory sent a link to your groups instead of the groups (more than it may put in a "
                         "token): ask its administrator to send only the groups assigned to this application")
    value = claims.get(settings.groups_claim) or []
    if isinstance(value, str):
        value = [value]
    return [item for item in value if isinstance(item, str)]


def _sign_in(found, claims, target):
    db = get_session()
    try:
        groups = _groups(found.settings, claims)
    except ValueError as error:
        return _refused(UNVERIFIED.format(reason=str(error)), 403)
    access = found.groups.access_for(groups)
    try:
        user = record_directory_sign_in(db, found.settings.issuer, claims, access)
    except IntegrityError:
        # The same person's first sign-in in two tabs at once: the other made the record; update it.
        db.rollback()
        user = record_directory_sign_in(db, found.settings.issuer, claims, access)
    if not access.roles:
        # Remembered as such: this person's sessions and API tokens are refused until a sign-in finds a role.
        user.session_epoch += 1
        db.commit()
        session.clear()
        g.staff_user = None
        return _refused("The directory signed you in, but none of your groups gives a role in this console.",
                        403, admins=administrators(db))
    db.commit()
    # A fresh session, as after a password (nothing from before sign-in carries over).
    session.clear()
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    session[VIA_KEY] = VIA_DIRECTORY
    g.staff_user = user
    return redirect(target or safe_next(""), code=303)
