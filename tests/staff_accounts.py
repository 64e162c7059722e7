"""Staff accounts for tests, made as the service makes them, with each test password hashed once per process.

The suite makes hundreds of accounts with the same few passwords; argon2 costs about 0.1 CPU-second a hash, on
purpose. Signing in still verifies the password with argon2, as in service.
"""

import functools

from server.auth import accounts
from server.auth.passwords import hash_password


@functools.cache
def stored_hash(password):
    """The service's own argon2 hash of this password, made on first use."""
    return hash_password(password)


def add_account(db, name, roles, agencies=(), password=None):
    """accounts.add_user, the password's hash taken from stored_hash()."""
    user = accounts.add_user(db, name, roles, agencies, None)
    if password is not None:
        user.password_hash = stored_hash(password)
    return user
