"""Staff accounts for tests, made as the service makes them, with a password hash cheap to make and to check.

The suite makes hundreds of accounts with the same few passwords and signs in hundreds of times; the service's
argon2id costs about 0.13 CPU-second a hash and as much a check, on purpose. argon2 reads its cost from the hash,
so a test account's hash is argon2id at the lowest cost: signing in still runs the service's own check
(server/auth/passwords.py), in well under a millisecond. Accounts the service makes itself (`consent-service users
add`, the demo administrator) keep its cost.
"""

from argon2 import PasswordHasher

from server.auth import accounts

# About 25 microseconds a hash.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def add_account(db, name, roles, agencies=(), password=None):
    """accounts.add_user, the password hashed at the lowest argon2id cost."""
    user = accounts.add_user(db, name, roles, agencies, None)
    if password is not None:
        user.password_hash = _CHEAP.hash(password)
    return user
