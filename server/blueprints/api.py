"""The JSON API of one agency: its notice, the opt-out, and the visitor's status."""

import json

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from server.bodies import json_object
from server.bodies import load
from server.cookies import token_from_request
from server.notice import negotiate_lang
from server.registry import get_agency_or_404
from server.schemas.api import NOTICE_QUERY
from server.schemas.api import OPT_OUT_REQUEST
from server.static_delivery.answer import respond
from server.static_delivery.representations import notice_served
from server.tokens import get_tokens

bp = Blueprint("api", __name__, url_prefix="/v1/<agency_id>")
LANG_CACHE_LIMIT = 256
# Every status answer there can be, serialised once: the endpoint is on every page view's path.
STATUS_BODIES = {
    (source, valid): json.dumps({"opted_out": source != "none", "source": source, "token_valid": valid},
                                separators=(",", ":")).encode()
    for source in ("token", "gpc", "none") for valid in (True, False)
}


def _no_store(response):
    """Answers about one visitor's choice must never be cached by a proxy or CDN."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _lang_for(requested, accept_language):
    """negotiate_lang, remembered per distinct (lang, Accept-Language): browsers send few distinct values."""
    cache = current_app.extensions.setdefault("lang_cache", {})
    key = (requested, accept_language)
    lang = cache.get(key)
    if lang is None:
        lang = negotiate_lang(requested, parse_accept_header(accept_language, LanguageAccept).values())
        if len(cache) < LANG_CACHE_LIMIT:
            cache[key] = lang
    return lang


@bp.get("/notice")
def notice(agency_id):
    """The notice as data, in the visitor's language."""
    agency = get_agency_or_404(agency_id)
    # Most requests carry no query: skip the schema then (this endpoint is on the hot path).
    query = load(NOTICE_QUERY, request.args) if request.args else {}
    lang = _lang_for(query.get("lang"), request.headers.get("Accept-Language", ""))
    # The same bytes and headers as the static files (server/static_delivery), in every coding, with ETags.
    # Its links to this service are paths: an answer built from the Host header could be cached by a CDN.
    return respond(notice_served(current_app, agency.id, lang), current_app.json.mimetype)


@bp.post("/opt-out")
def opt_out(agency_id):
    """Record an opt-out by issuing a signed token; the service itself stores nothing."""
    agency = get_agency_or_404(agency_id)
    body = json_object(required=False)
    if body:
        load(OPT_OUT_REQUEST, body)
    token = get_tokens().issue(agency.id)
    # The token is URL-safe base64 and dots: it needs no JSON escaping.
    payload = b'{"opted_out":true,"token":"%s"}' % token.encode("ascii")
    return _no_store(current_app.response_class(payload, mimetype=current_app.json.mimetype))


@bp.delete("/opt-out")
def withdraw(agency_id):
    """Opt back in: the banner drops its token; there is nothing to forget on the server."""
    get_agency_or_404(agency_id)
    return _no_store(jsonify({"opted_out": False}))


@bp.get("/status")
def status(agency_id):
    """Whether this visitor counts as opted out, and why."""
    agency = get_agency_or_404(agency_id)
    verification = get_tokens().verify(token_from_request(), agency.id)
    gpc = request.headers.get("Sec-GPC", "").strip() == "1"
    if verification.valid:
        source = "token"
    elif gpc:
        source = "gpc"
    else:
        source = "none"
    body = STATUS_BODIES[(source, verification.valid)]
    response = current_app.response_class(body, mimetype=current_app.json.mimetype)
    response.headers["Vary"] = "Cookie, X-Consent-Token, Sec-GPC"
    return _no_store(response)
