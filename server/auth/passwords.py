"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendation)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

_HASHER = PasswordHasher()
# Verified against when the account does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("no account has this password")
MIN_LENGTH = 12


class WeakPassword(ValueError):
    """A password too short to keep out a guesser."""


def hash_password(password):
    """The argon2id hash to store; refuses short passwords."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"the password must be at least {MIN_LENGTH} characters long")
    return _HASHER.hash(password)


def verify_password(stored_hash, password):
    """True when the password matches; None as the hash (no account, no password) always fails."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
