"""What a request gets of a served file: content coding, notice language and If-None-Match, by werkzeug's parsers.

Flask-free and WSGI-free: it reads raw header values, so the Flask routes and the in-process fast path decide
the same way. Each raw value is parsed once (browsers send few distinct ones).
"""

from functools import lru_cache
from http import HTTPStatus

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header
from werkzeug.http import parse_etags

from server.notice import negotiate_lang

CACHE_LIMIT = 256
# Preferred first; a coding the client gives q=0 is refused (identity is always acceptable here).
PREFERENCE = ("br", "gzip")


@lru_cache(maxsize=CACHE_LIMIT)
def coding_for(accept_encoding):
    """The coding a raw Accept-Encoding header is answered in: "br", "gzip" or "identity"."""
    accept = parse_accept_header(accept_encoding)
    for coding in PREFERENCE:
        if accept.quality(coding) > 0:
            return coding
    return "identity"


@lru_cache(maxsize=CACHE_LIMIT)
def lang_for(requested, accept_language):
    """The notice language: an explicit ?lang= (requested, or None), else the raw Accept-Language header's pick."""
    return negotiate_lang(requested, parse_accept_header(accept_language, LanguageAccept).values())


@lru_cache(maxsize=CACHE_LIMIT)
def _validators(if_none_match):
    return parse_etags(if_none_match.strip())


def not_modified(if_none_match, served):
    """True when If-None-Match (raw, or None) names any coding's ETag: weak comparison, as RFC 9110 13.1.2 says."""
    if if_none_match is None:
        return False
    validators = _validators(if_none_match)
    # contains_weak is also true for "*".
    return any(validators.contains_weak(tag) for tag in served.tags)


def answer(served, accept_encoding, if_none_match):
    """(status, header pairs, body) for a GET: 304 with the chosen coding's validators, or 200 with its bytes."""
    coding = coding_for(accept_encoding or "")
    if not_modified(if_none_match, served):
        return HTTPStatus.NOT_MODIFIED, served.not_modified[coding], b""
    return HTTPStatus.OK, served.headers[coding], served.bodies[coding]
