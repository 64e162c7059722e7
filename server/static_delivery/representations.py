"""Every static answer of the service as data: its URL, its agency (and language), and its served file.

The Flask routes, the in-process fast path and the nginx export all take their answers from here.
"""

from dataclasses import dataclass

from server.notice import SUPPORTED_LANGS
from server.notice import notice_document
from server.registry import REGISTRY_KEY
from server.schemas.api import NOTICE
from server.static_delivery.served_file import FILE_SUFFIX
from server.static_delivery.served_file import compressed
from server.static_delivery.served_file import content_hash
from server.static_delivery.served_file import immutable
from server.static_delivery.served_file import served_file

# Where the banner blueprint keeps each agency's served banner.js (here: static delivery never imports the routes).
BANNER_KEY = "consent_banner"
# And each agency's embeds.js (server/public/embeds.py), where the embeds blueprint keeps it.
EMBEDS_KEY = "consent_embeds"
NOTICE_KEY = "static_delivery_notices"
# Same freshness as banner.js: a changed notice reaches readers within minutes; revalidation is a cheap 304.
NOTICE_CACHE_CONTROL = "public, max-age=300"
NOTICE_VARY = "Accept-Encoding, Accept-Language, Origin"


@dataclass(frozen=True)
class Resource:
    """One URL's answers: the served file, and what the fast path and nginx route by (agency, notice language)."""

    url: str
    agency_id: str
    lang: object  # the notice's language; None for banner.js
    served: object

    def file_name(self, coding):
        """Where a build keeps one coding of it (the URL path, plus .gz or .br)."""
        return self.url.lstrip("/") + FILE_SUFFIX[coding]


def notice_served(app, agency_id, lang):
    """The notice of one agency in one language, built once per app (the dynamic route answers from it too)."""
    cache = app.extensions.setdefault(NOTICE_KEY, {})
    served = cache.get((agency_id, lang))
    if served is None:
        agency = app.extensions[REGISTRY_KEY].agencies[agency_id]
        # Through the schema /openapi.json is made from: the answer cannot carry what it does not describe.
        body = app.json.dumps(NOTICE.dump(notice_document(agency, lang))).encode()
        served = cache[agency_id, lang] = served_file(compressed(body), app.json.mimetype, NOTICE_CACHE_CONTROL,
                                                      NOTICE_VARY)
    return served


def hashed_banner_url(agency_id, served):
    """The content-hashed name of an agency's banner.js, for embeds pinned by SRI (it never changes meaning)."""
    return f"/v1/{agency_id}/banner.{content_hash(served)}.js"


def resources(app):
    """Every static answer of the app: banner.js (plain and content-hashed), embeds.js, the notice in each language."""
    items = []
    for agency_id, served in app.extensions[BANNER_KEY].items():
        items.append(Resource(f"/v1/{agency_id}/banner.js", agency_id, None, served))
        items.append(Resource(hashed_banner_url(agency_id, served), agency_id, None, immutable(served)))
        if agency_id in app.extensions.get(EMBEDS_KEY, {}):
            items.append(Resource(f"/v1/{agency_id}/embeds.js", agency_id, None, app.extensions[EMBEDS_KEY][agency_id]))
        items += [Resource(f"/v1/{agency_id}/notice.{lang}", agency_id, lang, notice_served(app, agency_id, lang))
                  for lang in SUPPORTED_LANGS]
    return items
