"""Console state changes must come from the console's own pages: their Origin (else Referer) is the service's.

Why this and not Flask-WTF's strict https referrer check: that check compares the Referer with the request's
Host header, which a TLS proxy rewrites (the README's nginx passes `$host`, which drops any port), and it needs
a Referer that privacy-minded browsers and policies strip. The browser's Origin header is sent on every POST
and cannot be set by a page; it is compared here with CONSENT_PUBLIC_URL (the origin staff type in), or with
the origin the request itself reached (loopback, demo). Over https a POST that names no origin at all is
refused too, as Flask-WTF did; the per-session CSRF token is still checked after this (server.auth).
"""

from flask import current_app
from flask import request

from server.errors import ApiError
from server.core.validators import origin_of
from server.security import service_origin


def service_origins():
    """The origins a console page of this service may have: the public URL's, and the one this request reached."""
    own = {origin_of(service_origin())}
    public = current_app.config.get("PUBLIC_URL")
    if public:
        own.add(origin_of(public))
    return own - {None}


def check_same_origin():
    """Refuse (403, naming the header and its value) a state change another site's page could have sent."""
    origin = request.headers.get("Origin")
    field, claimed = ("Origin", origin) if origin is not None else ("Referer", request.referrer)
    if claimed is None:
        if request.is_secure:
            raise ApiError(403, "origin_missing", "Origin: missing; over https a console form is accepted only "
                                                  "with the Origin or Referer its browser sends.", "Origin")
        return
    if origin_of(claimed) not in service_origins():
        shown = origin_of(claimed) or claimed[:100]
        raise ApiError(403, "origin_not_allowed", f"{field} {shown!r}: not this service's origin; console "
                                                  "forms are accepted only from the console's own pages.", field)
