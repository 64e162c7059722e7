"""Staff accounts for tests, made as the service makes them, with each test password hashed once per process.

The suite makes hundreds of accounts with the same few passwords; argon2 costs about 0.1 CPU-second a hash, on
purpose. Signing in still verifies the password with argon2, as in service.
"""

import functools

from server.auth import accounts
from server.auth.passwords import hash_password


@functools.cache
def stored_hash(password):
    """The service's own argon2 hash of a test password, made once per process (about 0.1 CPU-second each)."""
    return hash_password(password)


def add_account(db, name, roles, agencies=(), password=None):
    """accounts.add_user, with the password's hash made once per test process: the suite makes hundreds of
    accounts with the same password. Signing in still verifies it with argon2, as in service."""
    user = accounts.add_user(db, name, roles, agencies, None)
    if password is not None:
        user.password_hash = stored_hash(password)
    return user
