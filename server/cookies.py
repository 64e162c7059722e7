"""The only cookie the service writes: session-only, never an Expires or a Max-Age."""

from flask import request

from server.core.cookie_name import OPT_OUT_COOKIE


def set_opt_out_cookie(response, token):
    """Store (or, with an empty token, clear) the opt-out for this browser session.

    Not HttpOnly: the banner reads it to keep trackers off on every page of the visit.
    Clearing writes an empty session cookie rather than an expired one, so nothing
    the service sends ever carries a date.
    """
    response.set_cookie(OPT_OUT_COOKIE, token, path="/", samesite="Lax", secure=request.is_secure, httponly=False)
    return response


def token_from_request():
    """The token a visitor presents: the X-Consent-Token header first, then the session cookie."""
    return request.headers.get("X-Consent-Token") or request.cookies.get(OPT_OUT_COOKIE) or ""
