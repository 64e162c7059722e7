"""The choices a static answer depends on: content coding, language and validators, each parsed once per value."""

from functools import lru_cache

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from server.notice import negotiate_lang
from server.public.banner import _not_modified as banner_not_modified
from server.public.banner import negotiate_encoding

# Browsers send few distinct Accept-Encoding and Accept-Language values: remember each one's answer.
CACHE_LIMIT = 256


@lru_cache(maxsize=CACHE_LIMIT)
def coding_for(accept_encoding):
    """The coding the service answers a raw Accept-Encoding header with: "br", "gzip" or "identity"."""
    return negotiate_encoding(parse_accept_header(accept_encoding))


@lru_cache(maxsize=CACHE_LIMIT)
def lang_for(accept_language):
    """The notice language a request without ?lang= gets, from its raw Accept-Language header."""
    return negotiate_lang(None, parse_accept_header(accept_language, LanguageAccept).values())


def etag_matches(if_none_match, etags):
    """True when If-None-Match names one of these quoted ETags: banner.js's own rule, so every path agrees."""
    return banner_not_modified(if_none_match, etags)
