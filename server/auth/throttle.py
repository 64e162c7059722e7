"""Sign-in throttles (Flask-Limiter's storage and limits): guessing is slow per client address and per name.

Keys are HMACs of the address and the name under the signing key: the storage (memory, or the Redis of
CONSENT_QUEUE_URL) never holds an address or a name in clear, and nothing here logs either.
"""

import hashlib
import hmac
import os
from urllib.parse import urlsplit

from flask import current_app
from flask import request
from flask_limiter import Limiter
from limits import parse

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
    configured = app.config.get("SIGN_IN_THROTTLE_STORAGE")
    if configured:
        return configured
    url = queue_url(app, os.environ)
    scheme = urlsplit(url).scheme
    if scheme in ("redis", "rediss"):
        return url
    if scheme == "unix":
        return "redis+unix" + url.removeprefix("unix")
    return "memory://"


def init_app(app):
    """One limiter per app with no limits of its own on routes: sign-in checks its limits by hand."""
    limiter = Limiter(key_func=client_address_key, app=app, storage_uri=storage_uri(app), key_prefix=KEY_PREFIX,
                      headers_enabled=False, strategy="fixed-window")
    app.extensions[EXTENSION_KEY] = limiter


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
    if not strategy.test(PER_ADDRESS, KEY_PREFIX, "address", client_address_key()):
        return "Too many failed sign-ins from your address: try again in 15 minutes."
    return None


def name_refusal(name):
    """Why sign-ins for this name are refused for now (too many failures from all addresses), or None."""
    if not _limiter().limiter.test(PER_NAME, KEY_PREFIX, "name", _name_key(name)):
        return "Too many failed sign-ins for this name: try again within the hour."
    return None


def count_failure(name):
    """A failed sign-in counts against the client's address and against the name."""
    strategy = _limiter().limiter
    strategy.hit(PER_ADDRESS, KEY_PREFIX, "address", client_address_key())
    strategy.hit(PER_NAME, KEY_PREFIX, "name", _name_key(name))


def _client_on_name_key(name):
    return f"{KEY_PREFIX}/client-on-name/{_digest('client-on-name', client_address_key() + name)}"


def attempt_here(name):
    """Count one sign-in attempt for this name from this client before checking it; the attempt's number."""
    return _limiter().storage.incr(_client_on_name_key(name), CLIENT_MEMORY_SECONDS)


def attempts_here(name):
    """How many attempts for this name this client has made in the last 15 minutes (in flight included)."""
    return _limiter().storage.get(_client_on_name_key(name))


def _known_key(name):
    return f"{KEY_PREFIX}/known/{_digest('known', client_address_key() + name)}"


def known_here(name):
    """True when this name signed in from this client in the last KNOWN_CLIENT_SECONDS."""
    return _limiter().storage.get(_known_key(name)) > 0


def signed_in_here(name):
    """A successful sign-in: this client is in good standing for this name, and known to it for a while."""
    storage = _limiter().storage
    storage.clear(_client_on_name_key(name))
    storage.clear(_known_key(name))
    storage.incr(_known_key(name), KNOWN_CLIENT_SECONDS)
