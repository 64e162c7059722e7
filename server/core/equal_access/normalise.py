"""Normalisation of text and URLs, so values that change on every request never count as a difference."""

import re
import unicodedata
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urljoin
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

EXCERPT_LENGTH = 120

# Query parameters that only defeat caches or decorate links for analytics: dropped from every URL.
# Tracking decorations (_gl, utm_*, gclid, ...) are added by trackers' link decorators, so they are
# present for visitors who did not opt out and absent for those who did: that is not a difference.
DROPPED_PARAMS = frozenset({
    "_", "v", "ver", "cb", "cachebust", "cache_bust", "cachebuster", "nocache", "bust", "_dc",
    "t", "ts", "timestamp", "rnd", "rand", "random",
    "_ga", "_gl", "gclid", "dclid", "fbclid", "msclkid", "mc_eid", "_hsenc", "_hsmi", "yclid",
})
DROPPED_PREFIXES = ("utm_",)

# Parameters and form fields whose name says the value is per-request or per-session: the name
# is kept (its presence is content), the value is masked.
VOLATILE_NAMES = frozenset({
    "csrf", "_csrf", "csrf_token", "csrftoken", "csrfmiddlewaretoken", "authenticity_token",
    "xsrf", "_xsrf", "xsrf_token", "__requestverificationtoken", "_token", "token", "nonce",
    "_nonce", "wpnonce", "_wpnonce", "sid", "session", "sessionid", "session_id", "jsessionid",
    "phpsessid", "state", "__viewstate", "__eventvalidation", "__viewstategenerator",
})

_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# Order matters: the widest pattern first, so a date-time is one placeholder, not a date and a time.
_VOLATILE_PATTERNS = (
    ("<datetime>", re.compile(
        r"\b\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:\s?(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
    )),
    ("<uuid>", re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b")),
    # Times of day with seconds: generation stamps ("rendered at 18:19:24"); opening hours rarely
    # carry seconds, so "9:00 AM" stays content.
    ("<time>", re.compile(
        r"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?:\s?(?:[AaPp]\.?[Mm]\.?))?(?:\s?(?:Z|UTC|GMT|[A-Z]{2,4}T|[+-]\d{2}:?\d{2}))?"
    )),
    # Unix time in seconds or milliseconds between 2001 and 2049: phone numbers start with other digits.
    ("<epoch>", re.compile(r"(?<![\w.-])(?:1[0-9]|2[0-4])\d{8}(?:\d{3})?(?:\.\d+)?(?![\w.-])")),
    ("<hex>", re.compile(r"\b(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{16,}\b")),
    # Random tokens (base64 or base64url, 20 chars or more, mixing cases and digits).
    ("<token>", re.compile(
        r"(?<![\w+/=-])(?=[\w+/-]*\d)(?=[\w+/-]*[a-z])(?=[\w+/-]*[A-Z])[\w+/-]{20,}={0,2}(?![\w+/=-])"
    )),
)


def mask_volatile(text, secrets=()):
    """Replace per-request values (stamps, nonces, tokens, given secrets) by fixed placeholders."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<secret>")
    if not _DIGIT.search(text):
        return text  # every volatile pattern contains a digit: most text has none and skips them all
    for placeholder, pattern in _VOLATILE_PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def clean_text(text):
    """Unicode NFC, invisible characters removed, whitespace collapsed: how a reader sees the words."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return _SPACE.sub(" ", text).strip()


def normalise_text(text, secrets=()):
    """Visible text as compared: cleaned, then volatile values masked."""
    return mask_volatile(clean_text(text), secrets)


def excerpt(text, length=EXCERPT_LENGTH):
    """A short piece of a value for a webmaster to recognise it."""
    if text is None:
        return None
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def is_volatile_name(name):
    """Whether a parameter or field name announces a per-request value (CSRF token, nonce, session)."""
    return (name or "").strip().lower() in VOLATILE_NAMES


def _dropped(name):
    lowered = name.lower()
    return lowered in DROPPED_PARAMS or lowered.startswith(DROPPED_PREFIXES)


def normalise_url(url, base=None, secrets=()):
    """A link or source as compared: resolved, host lower-cased, default port, cache-busters dropped."""
    raw = (url or "").strip()
    if base:
        try:
            raw = urljoin(base, raw)
        except ValueError:
            return mask_volatile(raw, secrets)
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return mask_volatile(raw, secrets)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return mask_volatile(raw, secrets)
    host = (parts.hostname or "").lower()
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    # Path parameters such as ;jsessionid=... are session identifiers, not a target.
    path = re.sub(r";(?:jsessionid|phpsessid|sid)=[^/?#]*", "", parts.path, flags=re.IGNORECASE) or "/"
    query = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if _dropped(name):
            continue
        if is_volatile_name(name):
            value = "<volatile>"
        query.append((name, mask_volatile(value, secrets)))
    query.sort()
    for secret in secrets:
        if secret:
            path = path.replace(secret, "<secret>")
    return urlunsplit((scheme, host, path, urlencode(query, safe="<>"), parts.fragment))
