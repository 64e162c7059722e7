"""Staff accounts and their API tokens as plain functions the commands, views and tests share."""

import hashlib
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.auth.passwords import hash_password
from server.db.session import make_engine
from server.db.session import normalise_url
from server.auth.models import ROLES
from server.auth.models import ApiToken
from server.auth.models import User
from server.auth.models import UserAgency
from server.auth.models import UserRole
from server.db.clock import utcnow

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
TOKEN_PREFIX = "cst_"


class AccountError(ValueError):
    """A refused account change; the message names the field and the value."""


def add_user(session, name, roles, agencies=(), password=None):
    """Create a staff account with these roles, limited to `agencies` (none: all)."""
    if not NAME_PATTERN.match(name or ""):
        raise AccountError(f"name {name!r}: use 1-64 lower-case letters, digits, '.', '_' or '-'")
    if not roles:
        raise AccountError("role: give at least one role (" + ", ".join(ROLES) + ")")
    for role in roles:
        if role not in ROLES:
            raise AccountError(f"role {role!r}: not a role; one of " + ", ".join(ROLES))
    if session.scalar(select(User).where(User.name == name)) is not None:
        raise AccountError(f"name {name!r}: an account with this name exists")
    user = User(name=name, password_hash=hash_password(password) if password is not None else None,
                failed_sign_ins=0, session_epoch=0)
    user.roles = [UserRole(role=role) for role in sorted(set(roles))]
    user.agencies = [UserAgency(agency_id=agency) for agency in sorted(set(agencies))]
    session.add(user)
    session.flush()
    return user


def find_user(session, name):
    """The account with this name, or None."""
    return session.scalar(select(User).where(User.name == name))


def set_password(user, password):
    """Replace the password and end every session signed in with the old one."""
    user.password_hash = hash_password(password)
    user.session_epoch += 1
    user.failed_sign_ins = 0
    user.locked_until = None


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session, user):
    """A new bearer token for the user: (row, the token itself, shown once and never stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=_digest(token))
    session.add(row)
    session.flush()
    return row, token


def revoke_token(session, token_id):
    """Revoke one token by its id; True when it was live."""
    row = session.get(ApiToken, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


def user_for_token(session, token):
    """The user a live bearer token belongs to, or None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None:
        return None
    # A person whose last directory sign-in found no role (out of every mapped group) keeps no access by token.
    if not row.user.roles:
        return None
    return row.user


def staff_token_at(database_url, name, roles):
    """A new token-only account and its token, straight into a database by URL (set-up scripts, benchmarks)."""
    engine = make_engine(normalise_url(database_url))
    try:
        with Session(engine) as db:
            _, token = create_token(db, add_user(db, name, roles))
            db.commit()
        return token
    finally:
        engine.dispose()
