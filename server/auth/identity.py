"""Who is asking: a bearer token or the console session; and signing in and out with a password."""

from datetime import timedelta

from flask import g
from flask import request
from flask import session
from sqlalchemy import DateTime
from sqlalchemy import case
from sqlalchemy import literal
from sqlalchemy import or_
from sqlalchemy import update

from server.auth import throttle
from server.auth.accounts import find_user
from server.auth.accounts import user_for_token
from server.auth.passwords import verify_password
from server.db.session import get_session
from server.auth.models import User
from server.db.clock import utcnow

MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=15)
_UNSET = object()
WRONG = "The name or the password is wrong."
LOCKED = "Too many failed sign-ins: this account is locked for 15 minutes."


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
    if user is None or session.get("epoch") != user.session_epoch or not user.roles:
        return None
    return user


def sign_in(name, password):
    """Check the password, at most MAX_FAILED_SIGN_INS checks per account before its lock; put the user in the session.

    The lock stops every client but one where this name signed in before and has not failed since
    (docs/DESIGN.md "Staff sign-in"): knowing a name is not enough to keep its owner out.
    """
    refused = throttle.refusal()
    if refused:
        raise SignInRefused(refused, locked=True)
    db = get_session()
    user = find_user(db, name)
    known_here = throttle.known_here(name)
    if not known_here:
        refused = throttle.name_refusal(name)
        if refused:
            raise SignInRefused(refused, locked=True)
    attempt = throttle.attempt_here(name)
    if attempt > MAX_FAILED_SIGN_INS:
        raise SignInRefused(LOCKED, locked=True)
    if user is None:
        # The same argon2 work as a wrong password: the time does not tell whether the name exists.
        verify_password(None, password)
        _failed(name, WRONG)
    if not _claim_check(db, user.id) and not (known_here and attempt == 1 and throttle.attempts_here(name) == 1):
        _failed(name, LOCKED)
    if not verify_password(user.password_hash, password):
        _failed(name, WRONG)
    db.execute(update(User).where(User.id == user.id).values(failed_sign_ins=0, locked_until=None))
    db.commit()
    db.refresh(user)
    throttle.signed_in_here(name)
    # A fresh session: nothing from before sign-in (a planted CSRF token, say) carries over.
    session.clear()
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    g.staff_user = user
    return user


def _failed(name, message):
    if message == WRONG:
        # Only a password actually checked counts against the address and the name (a lock costs nothing).
        throttle.count_failure(name)
    raise SignInRefused(message, locked=message == LOCKED)


def _claim_check(db, user_id):
    """Reserve one password check in one UPDATE (concurrent sign-ins cannot overtake the count); False when locked.

    The count holds checks in flight and failed ones; the one that reaches MAX_FAILED_SIGN_INS sets the lock, and
    a lock that has run out starts the count again. A successful sign-in sets it back to 0.
    """
    now = utcnow()
    users = User.__table__
    expired = users.c.locked_until.is_not(None)
    count = case((expired, 1), else_=users.c.failed_sign_ins + 1)
    claimed = db.execute(
        update(users)
        .where(users.c.id == user_id, or_(users.c.locked_until.is_(None), users.c.locked_until <= now))
        .values(failed_sign_ins=count,
                locked_until=case((count >= MAX_FAILED_SIGN_INS, literal(now + LOCKOUT, DateTime())), else_=None)))
    db.commit()
    return claimed.rowcount == 1


def sign_out():
    """End this session and every other session of the same user (the cookie alone proves nothing now)."""
    user = current_user()
    if user is not None and bearer_token() is None:
        user.session_epoch += 1
        get_session().commit()
    session.clear()
    g.staff_user = None
