"""The embeddable banner: one cacheable script per agency, served from memory, and the snippet to paste."""

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request
from markupsafe import escape

from consent_banner.build import build_all
from server.errors import ApiError
from server.openapi import documented
from server.openapi import errors
from server.notice import banner_notices
from server.registry import REGISTRY_KEY
from server.registry import get_agency_or_404
from server.static_delivery.answer import respond
from server.static_delivery.representations import BANNER_KEY
from server.static_delivery.served_file import served_file

bp = Blueprint("banner", __name__, url_prefix="/v1/<agency_id>")
EXTENSION_KEY = BANNER_KEY
BUNDLES_KEY = "consent_banner_bundles"
# Short enough that a changed notice reaches visitors within minutes; revalidation is a cheap 304.
CACHE_CONTROL = "public, max-age=300"
SCRIPT_MIMETYPE = "text/javascript"
SCRIPT_TYPE = f"{SCRIPT_MIMETYPE}; charset=utf-8"
# Agency pages on other origins load it with no-cors (plain tag) or cors (SRI) requests.
SCRIPT_HEADERS = (("Cross-Origin-Resource-Policy", "cross-origin"),)
SCRIPT_VARY = "Accept-Encoding, Origin"


def _served(bundle):
    bodies = {"br": bundle.br, "gzip": bundle.gzip, "identity": bundle.body}
    return served_file(bodies, SCRIPT_TYPE, CACHE_CONTROL, SCRIPT_VARY, SCRIPT_HEADERS)


def init_app(app):
    """Build every agency's bundle, and its served file, at start-up: no request pays for it."""
    agencies = app.extensions[REGISTRY_KEY].agencies.values()
    bundles = build_all(banner_notices(agencies))
    app.extensions[BUNDLES_KEY] = bundles
    app.extensions[EXTENSION_KEY] = {agency_id: _served(bundle) for agency_id, bundle in bundles.items()}


def _bundle(agency):
    bundles = current_app.extensions.get(BUNDLES_KEY)
    if bundles is None or agency.id not in bundles:
        # Not built at start-up (an app made without init_app): build now, once.
        init_app(current_app)
        bundles = current_app.extensions[BUNDLES_KEY]
    return bundles[agency.id]


def _served_for(agency):
    _bundle(agency)
    return current_app.extensions[EXTENSION_KEY][agency.id]


@bp.get("/banner.js")
@documented(get={
    "summary": "The embeddable script with the agency's notice built in; strong ETag, gzip or brotli",
    "responses": {"200": {"description": "JavaScript", "content": {"text/javascript": {"schema": {"type": "string"}}}},
                  "304": {"description": "Not modified (If-None-Match)"}, **errors(404)}})
def banner_js(agency_id):
    """The agency's notice, script and styles in one response: nothing else is fetched to show the notice."""
    return respond(_served_for(get_agency_or_404(agency_id)))


def embed_snippet(agency, service, integrity):
    """The HTML an agency pastes: the script with SRI, an inert script or frame per declared tracker, a reopen link."""
    src = escape(f"{service}/v1/{agency.id}/banner.js")
    lines = [f'<script src="{src}" integrity="{integrity}" crossorigin="anonymous" async></script>',
             "<!-- Declare each tracker inert; the banner runs it only when the visitor's choice allows. -->"]
    lines += [f'<script type="text/plain" data-tracker="{tracker.id}" src="TRACKER_URL"></script>'
              for tracker in agency.trackers if not tracker.embed]
    embeds = [tracker for tracker in agency.trackers if tracker.embed]
    if embeds:
        # Embedded content (issue 22): loaded while the choice allows, else a placeholder that links to it.
        lines.append("<!-- On pages with embeds: each frame inert (data-src, no src), and the placeholders' script -->")
        lines += [f'<iframe data-tracker="{tracker.id}" data-src="EMBED_URL" title="WHAT_IT_SHOWS" width="560" '
                  'height="315" data-href="CONTENT_PAGE_URL" data-alternative="TRANSCRIPT_URL"></iframe>'
                  for tracker in embeds]
        lines.append(f'<script src="{escape(f"{service}/v1/{agency.id}/embeds.js")}" async></script>')
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
                            "etag": dict(_served_for(agency).headers["identity"])["ETag"], "snippet": snippet})
    # The hash changes when the agency's notice changes: never let a stale snippet be cached.
    response.headers["Cache-Control"] = "no-cache"
    return response
