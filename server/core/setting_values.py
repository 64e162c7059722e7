"""How one CONSENT_* variable's text becomes a value: one parser per kind and the one-line ConfigError.

server/core/settings.py reads the variables into its dataclasses with these; other modules that parse a single
setting of their own (the equal-access slots, the waiver lead time) use them too.
"""

import json
import ssl
from pathlib import Path
from urllib.parse import urlsplit

# Wildcard binds accept every interface; a browser reaches them on loopback.
WILDCARD_HOSTS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "[::]": "[::1]", "": "127.0.0.1"}
# Breaks str.splitlines() honours that JSON does not escape.
LINE_SEPARATORS = ("\x85", "\u2028", "\u2029")
YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message, one line, says which and how to fix it."""

    def __init__(self, message, variable=None, value=None):
        super().__init__(message)
        self.variable = variable
        self.value = value


def refuse(variable, value, reason):
    """The error for a bad value: `NAME: "value" reason`, the value quoted with its line breaks escaped (JSON's
    escapes, and the three breaks JSON leaves alone), so the message stays one line."""
    quoted = json.dumps(str(value), ensure_ascii=False)
    for separator in LINE_SEPARATORS:
        quoted = quoted.replace(separator, f"\\u{ord(separator):04x}")
    return ConfigError(f"{variable}: {quoted} {reason}", variable, value)


def text(environ, name, default=None):
    """The variable, stripped; unset or blank: default."""
    return environ.get(name, "").strip() or default


def whole(environ, name, default, minimum=None):
    """A whole-number setting; unset: default (a blank value is refused, not taken for the default)."""
    raw = environ.get(name)
    return default if raw is None else whole_number(name, raw, minimum)


def whole_number(name, raw, minimum=None):
    """The one integer parser: raw (text, or a number given by a test) as an int of at least minimum."""
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise refuse(name, raw, "is not a whole number") from None
    if minimum is not None and value < minimum:
        raise refuse(name, raw, f"must be at least {minimum}")
    return value


def flag(environ, name, default):
    """A yes/no setting (1, true, yes, on / 0, false, no, off, any case); unset or blank: default."""
    raw = text(environ, name)
    if raw is None:
        return default
    if raw.lower() in YES:
        return True
    if raw.lower() in NO:
        return False
    raise refuse(name, raw, f"is neither yes nor no (one of {', '.join(YES + NO)})")


def url(environ, name, schemes, reason, host=False):
    """A URL setting whose scheme is one of schemes (and which names a host, if asked); unset or blank: None.
    A password in it stays out of the error."""
    raw = text(environ, name)
    if raw is None:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes or (host and not parts.hostname):
        raise refuse(name, _without_password(raw), reason)
    return raw


def path(environ, name):
    """A file or folder setting; unset or blank: None."""
    raw = text(environ, name)
    return Path(raw) if raw else None


def _without_password(raw):
    parts = urlsplit(raw)
    if parts.password is None:
        return raw
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


def origin(name, raw):
    """A bare origin (scheme://host[:port]), its trailing slash dropped; anything else refused in one line."""
    value = raw.rstrip("/")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.path
            or parts.query or parts.fragment or "@" in parts.netloc):
        raise refuse(name, raw, "must be an origin such as https://consent.mass.gov (scheme and host, no path)")
    return value


def bound_url(bind):
    """The http origin a browser on this machine uses for a gunicorn bind address (host[:port])."""
    if bind.startswith(("unix:", "fd://")):
        raise refuse("CONSENT_BIND", bind, "is not a TCP address; set CONSENT_PUBLIC_URL for the demo")
    host, port = bind, "8000"
    # "[::1]:8000" and "127.0.0.1:8000" end in :PORT; a bare IPv6 address ("::1") does not.
    head, colon, tail = bind.rpartition(":")
    if colon and tail.isdigit() and (head.endswith("]") or ":" not in head):
        host, port = head, tail
    host = WILDCARD_HOSTS.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def ca_file(environ, name):
    """A PEM file of certificate authorities, checked readable now rather than at the first e-mail."""
    found = path(environ, name)
    if found is None:
        return None
    try:
        ssl.create_default_context(cafile=str(found))
    except ssl.SSLError:
        raise refuse(name, found, "holds no PEM certificate") from None
    except OSError as error:
        raise refuse(name, found, f"cannot be read: {error.strerror or 'unknown error'}") from None
    return found
