"""The embeddable banner: one cacheable script per agency, served from memory, and the snippet to paste."""

from dataclasses import dataclass
from functools import lru_cache

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request
from markupsafe import escape
from werkzeug.http import parse_accept_header

from consent_banner.build import build_all
from server.errors import ApiError
from server.openapi import documented
from server.openapi import errors
from server.notice import banner_notices
from server.registry import REGISTRY_KEY
from server.registry import get_agency_or_404

bp = Blueprint("banner", __name__, url_prefix="/v1/<agency_id>")
EXTENSION_KEY = "consent_banner"
# Short enough that a changed notice reaches visitors within minutes; revalidation is a cheap 304.
CACHE_CONTROL = "public, max-age=300"
SCRIPT_MIMETYPE = "text/javascript"


CODINGS = ("br", "gzip", "identity")
# Distinct Accept-Encoding values seen are few (one per browser family): remember each one's answer.
CODING_CACHE_LIMIT = 64


@dataclass(frozen=True)
class Served:
    """One agency's banner as HTTP: body and headers per content coding, and every ETag it answers to."""

    bundle: object
    bodies: dict
    headers: dict
    not_modified_headers: dict
    etags: frozenset


def _served(bundle):
    headers, not_modified = {}, {}
    for coding in CODINGS:
        not_modified[coding] = [
            ("ETag", bundle.etag_for(coding)), ("Cache-Control", CACHE_CONTROL),
            # Agency pages on other origins load it with no-cors (plain tag) or cors (SRI) requests.
            ("Cross-Origin-Resource-Policy", "cross-origin"), ("Vary", "Accept-Encoding, Origin"),
        ]
        encoding = [] if coding == "identity" else [("Content-Encoding", coding)]
        headers[coding] = not_modified[coding] + encoding
    return Served(bundle, {coding: bundle.encoded(coding) for coding in CODINGS}, headers, not_modified,
                  frozenset(bundle.etags()))


def init_app(app):
    """Build every agency's bundle, and its HTTP answers, at start-up: no request pays for it."""
    agencies = app.extensions[REGISTRY_KEY].agencies.values()
    bundles = build_all(banner_notices(agencies))
    app.extensions[EXTENSION_KEY] = {agency_id: _served(bundle) for agency_id, bundle in bundles.items()}


def _served_for(agency):
    served = current_app.extensions.get(EXTENSION_KEY)
    if served is None or agency.id not in served:
        # Not built at start-up (an app made without init_app): build now, once.
        init_app(current_app)
        served = current_app.extensions[EXTENSION_KEY]
    return served[agency.id]


def _bundle(agency):
    return _served_for(agency).bundle


def negotiate_encoding(accept):
    """The best coding the client accepts: brotli, then gzip, else none (q=0 means refused)."""
    for coding in ("br", "gzip"):
        if accept.quality(coding) > 0:
            return coding
    return "identity"


@lru_cache(maxsize=CODING_CACHE_LIMIT)
def _coding(header):
    """negotiate_encoding for a raw Accept-Encoding header, parsed once per distinct value."""
    return negotiate_encoding(parse_accept_header(header))


def _not_modified(header, etags):
    """True when If-None-Match names this bundle, whichever coding it was served in."""
    if header.strip() == "*":
        return True
    tags = {tag.strip() for tag in header.split(",")}
    # Weak comparison applies to If-None-Match (RFC 9110 13.1.2): W/"x" matches "x".
    tags |= {tag[2:] for tag in tags if tag.startswith("W/")}
    return not tags.isdisjoint(etags)


@bp.get("/banner.js")
@documented(get={
    "summary": "The embeddable script with the agency's notice built in; strong ETag, gzip or brotli",
    "responses": {"200": {"description": "JavaScript", "content": {"text/javascript": {"schema": {"type": "string"}}}},
                  "304": {"description": "Not modified (If-None-Match)"}, **errors(404)}})
def banner_js(agency_id):
    """The agency's notice, script and styles in one response: nothing else is fetched to show the notice."""
    served = _served_for(get_agency_or_404(agency_id))
    coding = _coding(request.headers.get("Accept-Encoding", ""))
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and _not_modified(if_none_match, served.etags):
        return current_app.response_class(status=304, headers=served.not_modified_headers[coding])
    return current_app.response_class(served.bodies[coding], headers=served.headers[coding],
                                      mimetype=SCRIPT_MIMETYPE)


def embed_snippet(agency, service, integrity):
    """The HTML an agency pastes: the script with SRI, an inert tracker per declared tracker, a reopen link."""
    src = escape(f"{service}/v1/{agency.id}/banner.js")
    lines = [f'<script src="{src}" integrity="{integrity}" crossorigin="anonymous" async></script>',
             "<!-- Declare each tracker inert; the banner runs it only when the visitor's choice allows. -->"]
    lines += [f'<script type="text/plain" data-tracker="{tracker.id}" src="TRACKER_URL"></script>'
              for tracker in agency.trackers]
    lines.append(f'<a href="{escape(service)}/v1/{agency.id}/choices" data-consent-open>Cookie settings</a>')
    return "\n".join(lines) + "\n"


@bp.get("/embed")
@documented(get={
    "summary": "The snippet to paste, with the Subresource Integrity hash of the current script",
    "parameters": [{"in": "query", "name": "format", "required": False,
                    "schema": {"type": "string", "enum": ["json", "text"]}}],
    "responses": {"200": {"description": "the snippet", "content": {
        "application/json": {"schema": {"type": "object"}}, "text/plain": {"schema": {"type": "string"}}}},
        **errors(404, 422)}})
def embed(agency_id):
    """What to paste into the agency's pages (JSON, or text with ?format=text), pinned by an SRI hash."""
    agency = get_agency_or_404(agency_id)
    bundle = _bundle(agency)
    # Absolute URLs only from the configured public address, never from the request's Host.
    service = current_app.config.get("PUBLIC_URL")
    if not service:
        raise ApiError(503, "public_url_not_set", "The service's public address is not configured "
                       "(CONSENT_PUBLIC_URL), so no snippet can be written.", None)
    src = f"{service}/v1/{agency.id}/banner.js"
    snippet = embed_snippet(agency, service, bundle.integrity)
    wanted = request.args.get("format", "json")
    if wanted not in ("json", "text"):
        raise ApiError(422, "invalid", "format must be json or text.", "format")
    if wanted == "text":
        response = current_app.response_class(snippet, mimetype="text/plain")
    else:
        response = jsonify({"agency": agency.id, "src": src, "integrity": bundle.integrity,
                            "etag": bundle.etag_for("identity"), "snippet": snippet})
    # The hash changes when the agency's notice changes: never let a stale snippet be cached.
    response.headers["Cache-Control"] = "no-cache"
    return response
