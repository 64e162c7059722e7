"""Settings read from the environment, as DESIGN.md "Running" names them."""

import logging
import os
import secrets
from pathlib import Path

log = logging.getLogger("server")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AGENCIES_DIR = REPO_ROOT / "agencies"
DEFAULT_TOKEN_MAX_AGE = 43200
# Not a documented setting: how the demo key travels from gunicorn's master to its workers.
DEMO_KEY_VARIABLE = "CONSENT_DEMO_GENERATED_KEY"
MAX_BODY_BYTES = 16 * 1024


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def _truthy(value):
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def ensure_demo_key(environ):
    """Generate the demo signing key once per process tree (gunicorn's master calls this before forking)."""
    if not _truthy(environ.get("CONSENT_DEMO", "")) or environ.get("CONSENT_SECRET_KEYS"):
        return
    if not environ.get(DEMO_KEY_VARIABLE):
        environ[DEMO_KEY_VARIABLE] = secrets.token_urlsafe(32)
        log.warning("demo mode: generated a random signing key for this run; tokens end with it")


def parse_keys(raw):
    """Split the comma-separated key list (newest first), refusing keys too short to be secret."""
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    for key in keys:
        if len(key) < 16:
            raise ConfigError("CONSENT_SECRET_KEYS: every key must be at least 16 characters long")
    return keys


def from_environment(environ=None):
    """Build the app settings from the environment; refuse to run without keys unless in demo mode."""
    environ = os.environ if environ is None else environ
    demo = _truthy(environ.get("CONSENT_DEMO", ""))
    keys = parse_keys(environ.get("CONSENT_SECRET_KEYS", ""))
    if not keys and demo:
        ensure_demo_key(environ)
        keys = [environ[DEMO_KEY_VARIABLE]]
    raw_age = environ.get("CONSENT_TOKEN_MAX_AGE", str(DEFAULT_TOKEN_MAX_AGE))
    try:
        max_age = int(raw_age)
    except ValueError:
        raise ConfigError(f"CONSENT_TOKEN_MAX_AGE: {raw_age!r} is not a whole number of seconds") from None
    return {
        "SECRET_KEYS": keys,
        "AGENCIES_DIR": environ.get("CONSENT_AGENCIES_DIR") or str(DEFAULT_AGENCIES_DIR),
        "DEMO": demo,
        "TOKEN_MAX_AGE": max_age,
    }


def validate(settings):
    """Check the merged settings; a service without a key could not sign anything."""
    keys = settings.get("SECRET_KEYS")
    if isinstance(keys, str):
        # A string would be iterated character by character: one-letter keys would verify.
        raise ConfigError("SECRET_KEYS must be a list of keys, not one string")
    if not keys:
        raise ConfigError("CONSENT_SECRET_KEYS is not set: give one or more signing keys, newest first "
                          "(or set CONSENT_DEMO=1 to run the demo with a generated key)")
    if settings["TOKEN_MAX_AGE"] <= 0:
        raise ConfigError("CONSENT_TOKEN_MAX_AGE must be positive")
