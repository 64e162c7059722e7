"""The embeddable banner: one cacheable script per agency, served from memory, and the snippet to paste."""

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request
from markupsafe import escape

from consent_banner.build import build_all
from server.errors import ApiError
from server.registry import get_agency_or_404
from server.security import service_origin

bp = Blueprint("banner", __name__, url_prefix="/v1/<agency_id>")
EXTENSION_KEY = "consent_banner"
# Short enough that a changed notice reaches visitors within minutes; revalidation is a cheap 304.
CACHE_CONTROL = "public, max-age=300"
SCRIPT_MIMETYPE = "text/javascript"


def init_app(app):
    """Build every agency's bundle at start-up, so no request pays for it and a broken template fails early."""
    agencies = app.extensions["consent"].registry.agencies.values()
    app.extensions[EXTENSION_KEY] = build_all(agencies)


def _bundle(agency):
    bundles = current_app.extensions.get(EXTENSION_KEY)
    if bundles is None or agency.id not in bundles:
        # Not built at start-up (an app made without init_app): build now, once.
        init_app(current_app)
        bundles = current_app.extensions[EXTENSION_KEY]
    return bundles[agency.id]


def negotiate_encoding(accept):
    """The best coding the client accepts: brotli, then gzip, else none (q=0 means refused)."""
    for coding in ("br", "gzip"):
        if accept.quality(coding) > 0:
            return coding
    return "identity"


def _not_modified(bundle):
    """True when If-None-Match names this bundle, whichever coding it was served in."""
    header = request.headers.get("If-None-Match", "")
    if header.strip() == "*":
        return True
    tags = {tag.strip() for tag in header.split(",")}
    # Weak comparison applies to If-None-Match (RFC 9110 13.1.2): W/"x" matches "x".
    tags |= {tag[2:] for tag in tags if tag.startswith("W/")}
    return bool(tags & bundle.etags())


@bp.get("/banner.js")
def banner_js(agency_id):
    """The agency's notice, script and styles in one response: nothing else is fetched to show the notice."""
    bundle = _bundle(get_agency_or_404(agency_id))
    coding = negotiate_encoding(request.accept_encodings)
    if _not_modified(bundle):
        response = current_app.response_class(status=304)
    else:
        response = current_app.response_class(bundle.encoded(coding), mimetype=SCRIPT_MIMETYPE)
        if coding != "identity":
            response.headers["Content-Encoding"] = coding
    response.headers["ETag"] = bundle.etag_for(coding)
    response.headers["Cache-Control"] = CACHE_CONTROL
    # Agency pages on other origins load it with no-cors (plain tag) or cors (SRI) requests.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    response.vary.add("Accept-Encoding")
    return response


def embed_snippet(agency, src, integrity):
    """The HTML an agency pastes: the script with SRI, an inert tracker per declared tracker, a reopen link."""
    src = escape(src)
    lines = [f'<script src="{src}" integrity="{integrity}" crossorigin="anonymous" async></script>',
             "<!-- Declare each tracker inert; the banner runs it only when the visitor's choice allows. -->"]
    lines += [f'<script type="text/plain" data-tracker="{tracker.id}" src="TRACKER_URL"></script>'
              for tracker in agency.trackers]
    lines.append(f'<a href="{escape(service_origin())}/v1/{agency.id}/choices" data-consent-open>Cookie settings</a>')
    return "\n".join(lines) + "\n"


@bp.get("/embed")
def embed(agency_id):
    """What to paste into the agency's pages (JSON, or text with ?format=text), pinned by an SRI hash."""
    agency = get_agency_or_404(agency_id)
    bundle = _bundle(agency)
    src = f"{service_origin()}/v1/{agency.id}/banner.js"
    snippet = embed_snippet(agency, src, bundle.integrity)
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
