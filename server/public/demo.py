"""The built-in demo agency site (CONSENT_DEMO=1): real-looking pages and a local stand-in tracker."""

import secrets
from pathlib import Path

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import request

from server.errors import ApiError

SITE = Path(__file__).resolve().parent.parent / "demo_site"
bp = Blueprint("demo", __name__, url_prefix="/demo", template_folder=str(SITE / "templates"),
               static_folder=str(SITE / "static"), static_url_path="/static")

SITE_NAME = "Demo Office of Public Services"
PAGES = {
    "": ("home.html", SITE_NAME),
    "services": ("services.html", "Services for residents"),
    "forms": ("forms.html", "Forms and applications"),
    "privacy": ("privacy.html", "Privacy policy"),
    "terms": ("terms.html", "Terms of use"),
    "tracker/license": ("tracker_license.html", "Demo Analytics license"),
    "tracker/privacy": ("tracker_privacy.html", "Demo Analytics privacy policy"),
    "media/watch": ("media_watch.html", "Welcome video"),
    "media/transcript": ("media_transcript.html", "Welcome video transcript"),
    "media/license": ("media_terms.html", "Demo Video license"),
    "media/privacy": ("media_terms.html", "Demo Video privacy policy"),
}
# The stand-in video player: framed by the demo's own pages only.
PLAYER_CSP = "default-src 'none'; style-src 'self'; frame-ancestors 'self'; base-uri 'none'"


def _page_csp(nonce):
    """Strict like an agency page should be: only this origin (the video's frame too), a nonce for inline tracker."""
    return (f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def _render(template, title, **context):
    nonce = secrets.token_urlsafe(16)
    body = render_template(f"demo/{template}", title=title, nonce=nonce, agency_id="demo", SITE_NAME=SITE_NAME,
                           **context)
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = _page_csp(nonce)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/", defaults={"page": ""})
@bp.get("/<path:page>")
def page(page):
    """A content page of the demo site."""
    if page not in PAGES:
        raise ApiError(404, "not_found", "There is no such page on the demo site.", "path")
    template, title = PAGES[page]
    query = request.args.get("q", "")[:100] if page == "services" else ""
    return _render(template, title, query=query)


@bp.get("/tracker/analytics.js")
def tracker_script():
    """The stand-in tracker itself, as a vendor would serve it."""
    response = bp.send_static_file("analytics.js")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/media/player")
def video_player():
    """The stand-in video provider's player, the home page's embed (loaded only when the visitor's choice allows)."""
    body = render_template("demo/media_player.html")
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PLAYER_CSP
    # Every other answer of the service says DENY; the demo's pages frame this one.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/tracker/collect")
def collect():
    """The stand-in tracker's beacon: it records nothing, but a request is what QA must observe."""
    response = current_app.response_class(status=204)
    response.headers["Cache-Control"] = "no-store"
    return response
