"""The embed placeholders' script: one per agency, loaded by its banner only when a page's embeds are held back."""

import gzip

import brotli
from flask import Blueprint
from flask import current_app

from consent_banner.build import embeds_data
from consent_banner.build import render_embeds
from server.notice import DEFAULT_LANG
from server.notice import SUPPORTED_LANGS
from server.notice import locale
from server.openapi import documented
from server.openapi import errors
from server.registry import REGISTRY_KEY
from server.registry import get_agency_or_404
from server.static_delivery.answer import respond
from server.static_delivery.representations import EMBEDS_KEY
from server.static_delivery.served_file import served_file

bp = Blueprint("embeds", __name__, url_prefix="/v1/<agency_id>")
# banner.js's freshness and headers: the same pages load both.
CACHE_CONTROL = "public, max-age=300"
SCRIPT_TYPE = "text/javascript; charset=utf-8"
SCRIPT_HEADERS = (("Cross-Origin-Resource-Policy", "cross-origin"),)
SCRIPT_VARY = "Accept-Encoding, Origin"
# Brotli 5 and gzip -9: a few milliseconds per agency at start-up (quality 11 or Zopfli would take seconds for
# hundreds of agencies), for a script that loads only for visitors whose choice holds an embed back.
BROTLI_QUALITY = 5


def agency_embeds(agency):
    """One agency's embeds.js bytes: its trackers' names and kinds, and the placeholder's wording in every language."""
    trackers = {tracker.id: (tracker.vendor, tracker.embed) for tracker in agency.trackers}
    locales = {lang: locale(lang) for lang in SUPPORTED_LANGS}
    return render_embeds(embeds_data(agency.mode, trackers, DEFAULT_LANG, locales)).encode("utf-8")


def _served(body):
    bodies = {"br": brotli.compress(body, quality=BROTLI_QUALITY), "gzip": gzip.compress(body, 9, mtime=0),
              "identity": body}
    return served_file(bodies, SCRIPT_TYPE, CACHE_CONTROL, SCRIPT_VARY, SCRIPT_HEADERS)


def init_app(app):
    """Build every agency's embeds.js at start-up, where static delivery finds them (before its init_app)."""
    agencies = app.extensions[REGISTRY_KEY].agencies.values()
    app.extensions[EMBEDS_KEY] = {agency.id: _served(agency_embeds(agency)) for agency in agencies}


@bp.get("/embeds.js")
@documented(get={
    "summary": "The embed placeholders' script, loaded by banner.js when a visitor's choice holds embeds back",
    "responses": {"200": {"description": "JavaScript", "content": {"text/javascript": {"schema": {"type": "string"}}}},
                  "304": {"description": "Not modified (If-None-Match)"}, **errors(404)}})
def embeds_js(agency_id):
    """Placeholders that keep embedded content reachable without loading it (policy 1.3.3)."""
    agency = get_agency_or_404(agency_id)
    served = current_app.extensions.get(EMBEDS_KEY, {}).get(agency.id)
    return respond(served or _served(agency_embeds(agency)))
