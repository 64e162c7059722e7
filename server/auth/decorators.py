"""One decorator per view naming the roles it needs: 401 without credentials, 403 with the wrong role."""

from functools import wraps

from flask import redirect
from flask import request
from flask import url_for

from server.auth.identity import bearer_token
from server.auth.identity import current_user
from server.errors import ApiError


class NotSignedIn(ApiError):
    """No credentials, or ones that are no longer valid."""

    def __init__(self):
        super().__init__(401, "unauthorized", "Sign in, or send a valid staff token as Authorization: Bearer.")


def _wants_sign_in_page():
    """A browser opening a console page is sent to the sign-in form; scripts and the JSON API get 401."""
    return (request.method == "GET" and bearer_token() is None
            and not request.path.startswith("/console/api/")
            # best_match, not best: Chromium lists images and signed exchanges at q=1 too; */* (curl) stays JSON.
            and request.accept_mimetypes.best_match(("application/json", "text/html")) == "text/html")


def requires(*roles):
    """Let the view run only for signed-in staff holding one of `roles` (none named: any staff)."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            user = current_user()
            if user is None:
                if _wants_sign_in_page():
                    return redirect(url_for("console_auth.login", next=request.full_path.rstrip("?")))
                raise NotSignedIn()
            if roles and not user.has_role(*roles):
                raise ApiError(403, "forbidden", "Your role may not do this; it needs: " + ", ".join(roles) + ".")
            return view(*args, **kwargs)

        guarded.required_roles = roles
        return guarded

    return decorate


def require_agency(user, agency_id):
    """A user limited to other agencies is told the thing does not exist (404), as for a stranger."""
    if not user.sees_agency(agency_id):
        raise ApiError(404, "not_found", "There is nothing at this address.")
