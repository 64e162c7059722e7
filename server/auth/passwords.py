"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendation)."""

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError

_HASHER = PasswordHasher()
MIN_LENGTH = 12


@functools.cache
def _dummy_hash():
    """Verified against when the account does not exist, so a wrong name costs as long as a wrong password.

    Made on first use, not at import: every process that imports the console (each command, each gunicorn
    worker) would otherwise spend an argon2 hash (~0.13 s of CPU) on it.
    """
    return _HASHER.hash("no account has this password")


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
        return _HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False
