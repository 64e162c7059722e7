"""Every static answer of the service as data: its URL, a file name, and per content coding the body and headers.

The same objects feed the dynamic routes, the in-process static path and the nginx export, so the three
answer with the same bytes and headers by construction.
"""

import gzip
import hashlib
from dataclasses import dataclass
from functools import lru_cache

import brotli

from server.notice import SUPPORTED_LANGS
from server.notice import notice_document
from server.public.banner import CODINGS
from server.public.banner import EXTENSION_KEY as BANNER_KEY
from server.public.banner import SCRIPT_MIMETYPE
from server.registry import REGISTRY_KEY
from server.schemas.api import NOTICE

NOTICE_KEY = "static_delivery_notices"
# Same freshness as banner.js: a changed notice reaches readers within minutes; revalidation is a cheap 304.
NOTICE_CACHE_CONTROL = "public, max-age=300"
NOTICE_VARY = "Accept-Encoding, Accept-Language, Origin"
# A content-hashed name never changes meaning, so caches may keep it for a year without asking.
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
SUFFIX = {"identity": "", "gzip": ".gz", "br": ".br"}
# As banner.js: a strong ETag per representation, since a gzip body is not byte-equal to the plain one.
ETAG_SUFFIX = {"identity": "", "gzip": "-gz", "br": "-br"}


@dataclass(frozen=True)
class Resource:
    """One URL's answers: per coding the body, the 200 headers and the 304 headers, and the ETags it accepts."""

    url: str
    agency_id: str
    lang: object  # the notice's language; None for banner.js
    content_type: str
    bodies: dict
    headers: dict
    not_modified: dict
    etags: frozenset

    def file_name(self, coding):
        """Where the build keeps one coding of it (the URL path, plus .gz or .br)."""
        return self.url.lstrip("/") + SUFFIX[coding]

    def full_headers(self, coding):
        """The 200 headers as the app's WSGI layer sends them, before CORS and the security headers."""
        return [*self.headers[coding], ("Content-Type", self.content_type),
                ("Content-Length", str(len(self.bodies[coding])))]


@dataclass(frozen=True)
class Served:
    """The shape server/public/banner.py keeps per agency, for answers built here (the notice)."""

    bodies: dict
    headers: dict
    not_modified_headers: dict
    etags: frozenset


@lru_cache(maxsize=512)
def compressed(body):
    """The body in every coding the service serves (remembered: tests and workers build the same notices often)."""
    return {"identity": body, "gzip": gzip.compress(body, compresslevel=9, mtime=0),
            "br": brotli.compress(body, quality=11)}


def immutable(served):
    """The same answers, cacheable for a year: for the content-hashed name, whose bytes never change."""
    def swap(headers):
        return [(name, IMMUTABLE_CACHE_CONTROL if name == "Cache-Control" else value) for name, value in headers]

    return Served(served.bodies, {coding: swap(served.headers[coding]) for coding in CODINGS},
                  {coding: swap(served.not_modified_headers[coding]) for coding in CODINGS}, served.etags)


def served_for(body, cache_control, vary):
    """Headers and validators for a body: a strong ETag per coding (a gzip body is not the plain one)."""
    bodies = compressed(body)
    digest = hashlib.sha256(body).hexdigest()[:32]
    etag = {coding: f'"{digest}{ETAG_SUFFIX[coding]}"' for coding in CODINGS}
    not_modified = {coding: [("ETag", etag[coding]), ("Cache-Control", cache_control), ("Vary", vary)]
                    for coding in CODINGS}
    headers = {coding: not_modified[coding] + ([] if coding == "identity" else [("Content-Encoding", coding)])
               for coding in CODINGS}
    return Served(bodies, headers, not_modified, frozenset(etag.values()))


def notice_served(app, agency_id, lang):
    """The notice of one agency in one language, built once per app (the dynamic route answers from it too)."""
    cache = app.extensions.setdefault(NOTICE_KEY, {})
    served = cache.get((agency_id, lang))
    if served is None:
        agency = app.extensions[REGISTRY_KEY].agencies[agency_id]
        # Through the schema /openapi.json is made from: the answer cannot carry what it does not describe.
        body = app.json.dumps(NOTICE.dump(notice_document(agency, lang))).encode()
        served = cache[agency_id, lang] = served_for(body, NOTICE_CACHE_CONTROL, NOTICE_VARY)
    return served


def _resource(url, agency_id, content_type, served, lang=None):
    return Resource(url, agency_id, lang, content_type, served.bodies, served.headers, served.not_modified_headers,
                    served.etags)


def hashed_banner_url(agency_id, served):
    """The content-hashed name of an agency's banner.js, for embeds pinned by SRI (it never changes meaning)."""
    digest = hashlib.sha256(served.bodies["identity"]).hexdigest()[:16]
    return f"/v1/{agency_id}/banner.{digest}.js"


def resources(app):
    """Every static answer of the app: banner.js (plain and content-hashed) and the notice in each language."""
    items = []
    script_type = f"{SCRIPT_MIMETYPE}; charset=utf-8"
    for agency_id, served in app.extensions[BANNER_KEY].items():
        items.append(_resource(f"/v1/{agency_id}/banner.js", agency_id, script_type, served))
        items.append(_resource(hashed_banner_url(agency_id, served), agency_id, script_type, immutable(served)))
        for lang in SUPPORTED_LANGS:
            items.append(_resource(f"/v1/{agency_id}/notice.{lang}", agency_id, app.json.mimetype,
                                   notice_served(app, agency_id, lang), lang))
    return items
