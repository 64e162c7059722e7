"""Who is asking: a bearer token or the console session; and signing in and out with a password."""

from datetime import timedelta

from flask import g
from flask import request
from flask import session

from server.auth.accounts import find_user
from server.auth.accounts import user_for_token
from server.auth.passwords import verify_password
from server.db import get_session
from server.models.accounts import User
from server.models.clock import utcnow

MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
_UNSET = object()


class SignInRefused(Exception):
    """Wrong name or password, or an account locked after too many tries; the message is safe to show."""

    def __init__(self, message, locked=False):
        super().__init__(message)
        self.locked = locked


def bearer_token():
    """The token of an `Authorization: Bearer` header, '' when the header is malformed, None when absent."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def current_user():
    """The signed-in staff member of this request, or None; looked up once per request."""
    user = g.get("staff_user", _UNSET)
    if user is _UNSET:
        user = _resolve()
        g.staff_user = user
    return user


def _resolve():
    token = bearer_token()
    if token is not None:
        # A bad or revoked token is no credential, even with a session cookie beside it.
        return user_for_token(get_session(), token) if token else None
    uid = session.get("uid")
    if uid is None:
        return None
    user = get_session().get(User, uid)
    if user is None or session.get("epoch") != user.session_epoch:
        return None
    return user


def sign_in(name, password):
    """Check the password, counting failures per account; put the user in the session cookie."""
    db = get_session()
    user = find_user(db, name)
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise SignInRefused("Too many failed sign-ins: this account is locked for 15 minutes.", locked=True)
    if user is None or not verify_password(user.password_hash, password):
        if user is not None:
            user.failed_sign_ins += 1
            if user.failed_sign_ins >= MAX_FAILED_SIGN_INS:
                user.failed_sign_ins = 0
                user.locked_until = now + LOCKOUT
            db.commit()
        raise SignInRefused("The name or the password is wrong.")
    user.failed_sign_ins = 0
    user.locked_until = None
    db.commit()
    # A fresh session: nothing from before sign-in (a planted CSRF token, say) carries over.
    session.clear()
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    g.staff_user = user
    return user


def sign_out():
    """End this session and every other session of the same user (the cookie alone proves nothing now)."""
    user = current_user()
    if user is not None and bearer_token() is None:
        user.session_epoch += 1
        get_session().commit()
    session.clear()
    g.staff_user = None
