"""The staff record of a person the directory signed in: found by issuer and subject, roles recomputed each time."""

import hashlib
import re

from sqlalchemy import select

from server.auth.accounts import NAME_PATTERN
from server.auth.models import User
from server.auth.models import UserAgency
from server.auth.models import UserRole

MAX_NAME = 64
MAX_EMAIL = 320
MAX_DISPLAY_NAME = 255
NOT_NAME_CHARACTERS = re.compile(r"[^a-z0-9._-]+")


def find_directory_user(db, issuer, subject):
    """The record of this directory identity, or None."""
    return db.scalar(select(User).where(User.issuer == issuer, User.subject == subject))


def _account_name(db, issuer, subject, email):
    """A new, unique account name: the e-mail's local part when free, else with a digest of the identity."""
    digest = hashlib.sha256(f"{issuer}\0{subject}".encode()).hexdigest()[:10]
    local = NOT_NAME_CHARACTERS.sub("-", (email or "").split("@")[0].lower()).strip("-._")[:MAX_NAME - 11]
    for candidate in (local, f"{local}-{digest}" if local else f"sso-{digest}"):
        if NAME_PATTERN.match(candidate) and db.scalar(select(User.id).where(User.name == candidate)) is None:
            return candidate
    return f"sso-{digest}"


def _text(value, limit):
    return value[:limit] if isinstance(value, str) and value.strip() else None


def record_directory_sign_in(db, issuer, claims, access):
    """Create or update the person's record from the ID token's claims and their groups' access; flushed, not
    committed. No roles (no mapped group) empties the record's roles: their sessions and tokens stop working."""
    subject = claims["sub"]
    email = _text(claims.get("email") or claims.get("preferred_username"), MAX_EMAIL)
    user = find_directory_user(db, issuer, subject)
    if user is None:
        user = User(name=_account_name(db, issuer, subject, email), issuer=issuer, subject=subject,
                    password_hash=None, failed_sign_ins=0, session_epoch=0)
        db.add(user)
    user.email = email
    user.display_name = _text(claims.get("name"), MAX_DISPLAY_NAME)
    # Rows kept when still given, added when new, deleted when gone (never deleted and re-added in one flush).
    user.roles = [row for row in user.roles if row.role in access.roles] + [
        UserRole(role=role) for role in sorted(access.roles - user.role_names)]
    user.agencies = [row for row in user.agencies if row.agency_id in access.agencies] + [
        UserAgency(agency_id=agency) for agency in sorted(access.agencies - user.agency_ids)]
    db.flush()
    return user


def administrators(db):
    """Who to ask for a role: every account holding `admin`, as the refusal page names them."""
    return list(db.scalars(select(User).join(UserRole).where(UserRole.role == "admin").order_by(User.name)))
