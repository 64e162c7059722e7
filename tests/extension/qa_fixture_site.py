"""Deliberately broken agency pages for consent-qa, served beside the real service (blueprint /fx/)."""

from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import abort
from flask import request

SITE_DIR = Path(__file__).resolve().parent / "fixtures" / "site"
# Each case breaks one rule (or none): the banner flaw, and what the page adds itself.
CASES = {
    "good": {},
    "shadow": {"flaw": "shadow"},
    "unhooked": {"flaw": "unhooked"},
    "no-notice": {"flaw": "no-notice"},
    "below-fold": {"flaw": "below-fold", "tall": True},
    "tiny": {"flaw": "tiny"},
    "leaky": {"flaw": "leaky"},
    "hide-only": {"flaw": "hide-only"},
    "wall": {"flaw": "wall"},
    "long-cookie": {"set_cookie": "fx_prefs=compact; Max-Age=94608000; Path=/"},
    "outside-cookie": {"outside_tracker": True},
    "undeclared": {"ad_pixel": True},
    "token-max-age": {"flaw": "token-max-age"},
    # An ungated widget sets a cookie of a tracker declared with a wildcard name (_fx_session_*), even after opt-out.
    "wildcard-leak": {"ungated_widget": True},
}
# Pages that open a dialog and are otherwise "good": each must be checked like any page (issue 19.9).
DIALOGS = {
    "alert": 'alert("Welcome to the office");',
    "confirm": 'if (!confirm("Continue to the office?")) document.title = "declined";',
    "prompt": 'prompt("Which town are you in?", "Boston");',
    # Chromium asks only once the visitor has interacted: every click then asks again before leaving.
    "beforeunload": 'addEventListener("beforeunload", (event) => { event.preventDefault(); event.returnValue = ""; });',
    # A dialog on every click too, so opting out and following a link open one.
    "alert-on-click": 'addEventListener("click", () => alert("Are you sure?"), true); alert("Hello");',
}
CASES.update({f"dialog-{name}": {"dialog": script} for name, script in DIALOGS.items()})
# The clause each case must fail, and only that one ("good" fails none).
EXPECTED_FAILURE = {
    "good": None, "shadow": None, "unhooked": None,
    "no-notice": "1.3.2", "below-fold": "1.3.2", "tiny": "1.3.2", "leaky": "1.3.3",
    "hide-only": "1.3.3", "wall": "equal-access", "long-cookie": "2.2", "outside-cookie": "2.1",
    "undeclared": "1.3.1", "token-max-age": "1.3.3", "wildcard-leak": "1.3.3",
}
PAGE_CSP = "default-src 'self' http://localhost:*; img-src 'self' http://localhost:*; style-src 'self' 'unsafe-inline'"
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")

bp = Blueprint("fx", __name__, url_prefix="/fx")


def _page(case: str, more: bool) -> str:
    """One fixture page; the port is the request's, so outside hosts stay on this server."""
    spec = CASES[case]
    port = request.host.rsplit(":", 1)[-1]
    outside = f"http://localhost:{port}"
    extra = ""
    if spec.get("outside_tracker"):
        extra += f'<script type="text/plain" data-tracker="fx-outside" src="{outside}/fx/outside/t.js"></script>\n'
    if spec.get("ungated_widget"):
        extra += '<script src="/fx/widget.js"></script>\n'
    if spec.get("dialog"):
        extra += f'<script src="/fx/dialog/{case[len("dialog-"):]}.js"></script>\n'
    pixel = f'<img src="{outside}/fx/ads/pixel.gif" alt="" width="1" height="1">' if spec.get("ad_pixel") else ""
    tall = '<div style="height:2400px">Long content continues below.</div>' if spec.get("tall") else ""
    title = "More about the service" if more else "Fixture office home"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script type="text/plain" data-tracker="fx-analytics" src="/fx/tracker/analytics.js"></script>
{extra}</head>
<body>
<header><a href="/fx/{case}/">Fixture Office of Testing</a></header>
<main>
<h1>{title}</h1>
<p>The office helps residents renew licenses and find services. Opening hours are nine to five.</p>
<p><a href="/fx/{case}/more">Read more about our services</a> or <a href="/fx/privacy">read our privacy policy</a>.</p>
<form action="/fx/search" method="get"><label>Search <input name="q" type="search"></label>
<button type="submit">Search</button></form>
{tall}{pixel}
</main>
<footer><p>Fixture Office of Testing, Boston.</p></footer>
<script src="/fx/banner.js" data-agency="fx" data-flaw="{spec.get('flaw', '')}"></script>
</body></html>"""


def _html(body: str, set_cookie: str | None = None) -> Response:
    """An HTML response with its own CSP (the service's default CSP would block the page)."""
    response = Response(body, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    if set_cookie:
        response.headers["Set-Cookie"] = set_cookie
    return response


@bp.get("/<case>/")
def home(case):
    """A fixture case's home page."""
    if case not in CASES:
        abort(404)
    return _html(_page(case, False), CASES[case].get("set_cookie"))


@bp.get("/<case>/more")
def more(case):
    """The same-site page the checker follows after opting out."""
    if case not in CASES:
        abort(404)
    return _html(_page(case, True), CASES[case].get("set_cookie"))


@bp.get("/banner.js")
def banner():
    """The stand-in banner with its flaws."""
    return Response((SITE_DIR / "banner.js").read_text(), mimetype="text/javascript")


@bp.get("/tracker/analytics.js")
def analytics():
    """The first-party tracker: a one-year cookie by script and a beacon."""
    return Response((SITE_DIR / "analytics.js").read_text(), mimetype="text/javascript")


@bp.get("/widget.js")
def widget():
    """A widget the page runs itself, not through the banner: it sets a declared tracker's cookie regardless."""
    script = 'document.cookie = "_fx_session_ABC123=1; max-age=86400; path=/; SameSite=Lax";'
    return Response(script, mimetype="text/javascript")


@bp.get("/dialog/<name>.js")
def dialog(name):
    """The script of a dialog case (an inline script would need the page's CSP to allow it)."""
    if name not in DIALOGS:
        abort(404)
    return Response(DIALOGS[name], mimetype="text/javascript")


@bp.get("/tracker/collect")
def collect():
    """The first-party tracker's beacon."""
    return Response(status=204)


@bp.get("/outside/t.js")
def outside_tracker():
    """The outside tracker: a persistent third-party cookie from localhost."""
    response = Response("/* Outside Metrics */", mimetype="text/javascript")
    response.headers["Set-Cookie"] = "_fx_outside=1; Max-Age=2592000; Path=/; SameSite=None; Secure"
    return response


@bp.get("/ads/pixel.gif")
def ad_pixel():
    """An undeclared third party: a session cookie from localhost."""
    response = Response(GIF, mimetype="image/gif")
    response.headers["Set-Cookie"] = "_fx_ad=1; Path=/; SameSite=None; Secure"
    return response


@bp.get("/privacy")
@bp.get("/terms")
@bp.get("/search")
@bp.get("/legal/<name>")
def plain(name=None):
    """Policy, terms and legal pages the notice links to."""
    return _html("<!doctype html><html lang='en'><head><title>Fixture</title></head>"
                 "<body><main><h1>Fixture page</h1><p>Nothing to see.</p></main></body></html>")
