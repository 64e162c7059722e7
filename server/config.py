"""Settings read from the environment, as DESIGN.md "Running" names them."""

import logging
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from server.demo_agency import demo_agency

log = logging.getLogger("server")

DEFAULT_TOKEN_MAX_AGE = 43200
DEFAULT_BIND = "127.0.0.1:8000"
# Wildcard binds accept every interface; a browser reaches them on loopback.
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]", "": "127.0.0.1"}
# Not a documented setting: how the demo key travels from gunicorn's master to its workers.
DEMO_KEY_VARIABLE = "CONSENT_DEMO_GENERATED_KEY"
MAX_BODY_BYTES = 16 * 1024


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def _truthy(value):
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def demo_mode(environ):
    """Whether CONSENT_DEMO asks for the demo agency."""
    return _truthy(environ.get("CONSENT_DEMO", ""))


def ensure_demo_key(environ, announce=True):
    """Generate the demo signing key once per process tree (gunicorn's master calls this before forking).

    Only the service's own start announces it: commands and the monitor worker sign nothing a visitor keeps.
    """
    if not demo_mode(environ) or environ.get("CONSENT_SECRET_KEYS"):
        return
    if not environ.get(DEMO_KEY_VARIABLE):
        environ[DEMO_KEY_VARIABLE] = secrets.token_urlsafe(32)
        if announce:
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
    demo = demo_mode(environ)
    keys = parse_keys(environ.get("CONSENT_SECRET_KEYS", ""))
    if not keys and demo:
        ensure_demo_key(environ, announce=False)
        keys = [environ[DEMO_KEY_VARIABLE]]
    raw_age = environ.get("CONSENT_TOKEN_MAX_AGE", str(DEFAULT_TOKEN_MAX_AGE))
    try:
        max_age = int(raw_age)
    except ValueError:
        raise ConfigError(f"CONSENT_TOKEN_MAX_AGE: {raw_age!r} is not a whole number of seconds") from None
    public_url = public_url_setting(environ, demo)
    return {
        "SECRET_KEYS": keys,
        # None: the instance folder's agencies/ (create_app resolves it; the package has no agencies of its own).
        "AGENCIES_DIR": environ.get("CONSENT_AGENCIES_DIR") or None,
        "DEMO": demo,
        "TOKEN_MAX_AGE": max_age,
        "PUBLIC_URL": public_url,
    }


def public_url_setting(environ, demo):
    """CONSENT_PUBLIC_URL as an origin; in demo mode by default the bound address; else None."""
    public_url = environ.get("CONSENT_PUBLIC_URL", "").strip()
    if not public_url and demo:
        public_url = bound_url(environ.get("CONSENT_BIND") or DEFAULT_BIND)
    return public_origin(public_url) if public_url else None


def bound_url(bind):
    """The http origin a browser on this machine uses for a gunicorn bind address (host[:port])."""
    if bind.startswith(("unix:", "fd://")):
        raise ConfigError(f"CONSENT_BIND = {bind!r}: not a TCP address; set CONSENT_PUBLIC_URL for the demo")
    host, port = bind, "8000"
    # "[::1]:8000" and "127.0.0.1:8000" end in :PORT; a bare IPv6 address ("::1") does not.
    head, colon, tail = bind.rpartition(":")
    if colon and tail.isdigit() and (head.endswith("]") or ":" not in head):
        host, port = head, tail
    host = WILDCARD_HOSTS.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def public_origin(raw):
    """CONSENT_PUBLIC_URL as a bare origin (scheme://host[:port]); anything else is refused with one line."""
    value = raw.rstrip("/")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.path
            or parts.query or parts.fragment or "@" in parts.netloc):
        raise ConfigError(f"CONSENT_PUBLIC_URL = {raw!r}: must be an origin such as https://consent.mass.gov "
                          "(scheme and host, no path)")
    return value


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
    if settings.get("PUBLIC_URL"):
        settings["PUBLIC_URL"] = public_origin(settings["PUBLIC_URL"])
    elif settings.get("DEMO"):
        # Demo switched on by test_config rather than the environment: the bound address, as in from_environment.
        settings["PUBLIC_URL"] = bound_url(os.environ.get("CONSENT_BIND") or DEFAULT_BIND)


def agency_sources(app):
    """Where the registry reads agencies: (folder, built-in agencies, whether the folder must exist)."""
    settings = app.config
    built_in = (demo_agency(settings["PUBLIC_URL"]),) if settings["DEMO"] else ()
    if settings.get("AGENCIES_DIR"):
        return settings["AGENCIES_DIR"], built_in, True
    # Flask's instance folder, not the source tree: an installed package has no agencies/ beside it.
    # The demo alone needs no folder.
    return Path(app.instance_path) / "agencies", built_in, not settings["DEMO"]
