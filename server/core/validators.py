"""Small validators shared by the agency and API schemas."""

import ipaddress
import re
from urllib.parse import urlsplit

from marshmallow import ValidationError

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")
LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
HOSTNAME = re.compile(rf"^(?=.{{1,253}}\Z)(?:{LABEL}\.)*{LABEL}\Z")
LOOPBACK_NAMES = {"localhost"}
MAX_URL_LENGTH = 2048


def is_loopback(host):
    """True for localhost and loopback addresses: the only hosts allowed plain http (the demo)."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _checked_url(value):
    if not isinstance(value, str) or not value or len(value) > MAX_URL_LENGTH:
        raise ValidationError("must be a URL of at most 2048 characters")
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in value):
        raise ValidationError("must not contain spaces or control characters")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise ValidationError("is not a valid URL") from None
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        pass
    elif parts.scheme != "https":
        raise ValidationError("must be an https:// URL (http:// only on loopback, for the demo)")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise ValidationError("must not carry a user name or password")
    host = parts.hostname or ""
    if not (HOSTNAME.match(host) or _is_ip(host)):
        raise ValidationError("must have a valid host name")
    try:
        _ = parts.port  # urlsplit checks the port only when asked
    except ValueError:
        raise ValidationError("has an invalid port") from None
    return parts


def _is_ip(host):
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def web_url(value):
    """An https URL (or http on loopback) with a real host and no credentials."""
    _checked_url(value)


def origin_of(url):
    """scheme://host[:port] of a URL as browsers write an origin (lower-case host, no default port, IPv6 in
    brackets); None for a URL that is not http(s) or cannot be parsed."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    if default_port is None or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + ("" if port in (None, default_port) else f":{port}")


def origin(value):
    """scheme://host[:port] and nothing else: origins are compared exactly."""
    parts = _checked_url(value)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValidationError("must be an origin (scheme://host[:port]) without a path")
    # Browsers send origins lower-case and without a default port; anything else could never match.
    canonical = origin_of(value)
    if value.rstrip("/") != canonical:
        raise ValidationError(f"must be written as a browser sends it: {canonical}")


def request_prefix(value):
    """A tracker's request prefix: an absolute URL, or a path on the agency's own origins."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        if len(value) > MAX_URL_LENGTH or any(ord(ch) < 33 for ch in value):
            raise ValidationError("must be a path without spaces or control characters")
        return
    _checked_url(value)


def slug(value):
    """Lower-case letters, digits and inner hyphens: safe in URLs and HTML attributes."""
    if not isinstance(value, str) or not SLUG.match(value):
        raise ValidationError("must be a slug: lower-case letters, digits and hyphens, at most 64 characters")


def domain(value):
    """A host name, optionally with a leading dot, as cookie domains are written."""
    host = value[1:] if isinstance(value, str) and value.startswith(".") else value
    if not isinstance(host, str) or not (HOSTNAME.match(host) or _is_ip(host)):
        raise ValidationError("must be a host name such as mass.gov")


def plain_text(value):
    """Text shown to visitors: no control characters other than newlines."""
    if any((ord(ch) < 32 and ch not in "\n\t") or ord(ch) == 127 for ch in value):
        raise ValidationError("must not contain control characters")


def one_line(value):
    """A name shown in e-mail subjects and headings: one line, no control characters at all (not even a newline)."""
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in "\u2028\u2029" for ch in value):
        raise ValidationError("must be one line without control characters")
