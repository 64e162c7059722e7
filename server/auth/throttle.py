"""Sign-in throttles: guessing is slow per client address and per name.

They use `limits`, the storage and rate-limit engine of Flask-Limiter, directly: Flask-Limiter's own hooks
run on every request of the app (about 0.17 ms each on a visitor's status request here) for a check that
only sign-in needs. Keys are HMACs of the address and the name under the signing key: the storage (memory, or
the Redis of CONSENT_QUEUE_URL) never holds an address or a name in clear, and nothing here logs either.
"""

import hashlib
import hmac
from urllib.parse import urlsplit

from flask import current_app
from flask import request
from limits import parse
from limits import storage as limits_storage
from limits import strategies
from redis.exceptions import RedisError

from server.monitoring.settings import queue_url

EXTENSION_KEY = "sign_in_throttle"
KEY_PREFIX = "consent-sign-in"
# Failed sign-ins one address may make, whatever the names (a guesser spraying names is slowed).
PER_ADDRESS = parse("20 per 15 minutes")
# Failed sign-ins for one name from every address together (a guesser with many addresses is slowed too).
PER_NAME = parse("30 per hour")
# How long a client that failed on a name stays known as having failed on it (the account lock's length).
CLIENT_MEMORY_SECONDS = 15 * 60
# How long a client where a name signed in stays known to it: a locked account still opens there.
KNOWN_CLIENT_SECONDS = 30 * 24 * 3600


def storage_uri(app):
    """Redis when the monitoring queue is on Redis (the same server, so every worker counts together), else memory."""
    url = queue_url(app)
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        return url
    if scheme == "unix":
        return "redis+unix" + url.removeprefix("unix")
    return "memory://"


class Throttle:
    """The counters' storage and the fixed-window limiter over it, one per app."""

    def __init__(self, uri):
        self.storage = limits_storage.storage_from_string(uri)
        self.limiter = strategies.FixedWindowRateLimiter(self.storage)


class Unavailable(Exception):
    """The throttle's storage (Redis) cannot be reached: sign-in waits rather than going unthrottled."""


def _reachable(action):
    """Run a storage action; a storage that cannot be reached is Unavailable (a 503), never a 500."""
    try:
        return action()
    except (OSError, RedisError) as error:
        raise Unavailable("Sign-in is unavailable for a moment (its counters cannot be reached): try again "
                          "shortly.") from error


def init_app(app):
    """One throttle per app (its own memory, or the shared Redis), used by sign-in alone."""
    app.extensions[EXTENSION_KEY] = Throttle(storage_uri(app))


def _digest(kind, value):
    key = current_app.config["SECRET_KEYS"][0].encode()
    return hmac.new(key, f"{kind}\0{value}".encode(), hashlib.sha256).hexdigest()[:32]


def client_address_key():
    """The client's address as an HMAC: throttled and counted, never stored in clear."""
    return _digest("address", request.remote_addr or "")


def _name_key(name):
    return _digest("name", name)


def _limiter():
    return current_app.extensions[EXTENSION_KEY]


def refusal():
    """Why this sign-in is refused before any check (too many failures from here or for this name), or None."""
    strategy = _limiter().limiter
    if not _reachable(lambda: strategy.test(PER_ADDRESS, KEY_PREFIX, "address", client_address_key())):
        return "Too many failed sign-ins from your address: try again in 15 minutes."
    return None


def name_refusal(name):
    """Why sign-ins for this name are refused for now (too many failures from all addresses), or None."""
    if not _reachable(lambda: _limiter().limiter.test(PER_NAME, KEY_PREFIX, "name", _name_key(name))):
        return "Too many failed sign-ins for this name: try again within the hour."
    return None


def count_failure(name):
    """A failed sign-in counts against the client's address and against the name."""
    strategy = _limiter().limiter
    _reachable(lambda: strategy.hit(PER_ADDRESS, KEY_PREFIX, "address", client_address_key()))
    _reachable(lambda: strategy.hit(PER_NAME, KEY_PREFIX, "name", _name_key(name)))


def _client_on_name_key(name):
    return f"{KEY_PREFIX}/client-on-name/{_digest('client-on-name', client_address_key() + name)}"


def attempt_here(name):
    """Count one sign-in attempt for this name from this client before checking it; the attempt's number."""
    return _reachable(lambda: _limiter().storage.incr(_client_on_name_key(name), CLIENT_MEMORY_SECONDS))


def attempts_here(name):
    """How many attempts for this name this client has made in the last 15 minutes (in flight included)."""
    return _reachable(lambda: _limiter().storage.get(_client_on_name_key(name)))


def _known_key(name):
    return f"{KEY_PREFIX}/known/{_digest('known', client_address_key() + name)}"


def known_here(name):
    """True when this name signed in from this client in the last KNOWN_CLIENT_SECONDS."""
    return _reachable(lambda: _limiter().storage.get(_known_key(name))) > 0


def signed_in_here(name):
    """A successful sign-in: this client is in good standing for this name, and known to it for a while."""
    storage = _limiter().storage
    _reachable(lambda: storage.clear(_client_on_name_key(name)))
    _reachable(lambda: storage.clear(_known_key(name)))
    _reachable(lambda: storage.incr(_known_key(name), KNOWN_CLIENT_SECONDS))
