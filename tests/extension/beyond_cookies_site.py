"""Pages that track beyond cookies, for consent-qa (issue 22): served beside the real service (blueprint /bc/).

"compliant" gates its tracker behind the banner (it stops after opt-out); "leaky" runs the same script ungated,
plus a session recorder and a third party that no tracker declares. The scripts come from "localhost" (an outside site
here: the page is on 127.0.0.1) and from static.hotjar.com, which the browser maps to loopback.
"""

from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import abort
from flask import request

AGENCY_FILE = Path(__file__).resolve().parent / "fixtures" / "beyond" / "bc.toml"
REPLAY_HOST = "static.hotjar.com"
RESOLVER_ARG = f"--host-resolver-rules=MAP {REPLAY_HOST} 127.0.0.1"
CASES = ("compliant", "leaky")
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
# One vendor script doing all five kinds of tracking beyond cookies; its values change on every page view.
ALL_JS = """
localStorage.setItem("_bc_uid", String(Math.random()));
sessionStorage.setItem("_bc_visit", String(Date.now()));
indexedDB.open("bc-store");
const canvas = document.createElement("canvas");
canvas.width = 220; canvas.height = 30;
const ctx = canvas.getContext("2d");
ctx.fillStyle = "#f60"; ctx.fillRect(0, 0, 60, 20);
ctx.fillStyle = "#069"; ctx.fillText("Cwm fjordbank glyphs vext quiz", 2, 15);
const print = canvas.toDataURL();
const gl = document.createElement("canvas").getContext("webgl");
if (gl) { gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4)); }
const audio = new OfflineAudioContext(1, 5000, 44100);
const tone = audio.createOscillator(); tone.connect(audio.destination); tone.start(0);
audio.startRendering();
navigator.sendBeacon("__VENDOR__/beacon", "pv=" + print.length);
new Image().src = "__VENDOR__/px.gif?e=pageview";
document.addEventListener("input", (event) => {
  fetch("__VENDOR__/keys", {method: "POST", mode: "no-cors", body: JSON.stringify({v: event.target.value})});
}, true);
"""
# The undeclared third party: it stores and reads a canvas, and no tracker of the agency covers it.
OTHER_JS = """
localStorage.setItem("_other_id", String(Math.random()));
const c = document.createElement("canvas"); c.getContext("2d").fillText("other", 1, 9); c.toDataURL();
// Through a fresh frame's own built-ins: no breakpoint is on them yet, but the browser still holds the key.
addEventListener("DOMContentLoaded", () => {
  const frame = document.createElement("iframe"); frame.hidden = true; document.body.appendChild(frame);
  frame.contentWindow.Storage.prototype.setItem.call(localStorage, "_other_evasive", String(Math.random()));
});
"""

bp = Blueprint("bc", __name__, url_prefix="/bc")


def _outside() -> str:
    """The outside site's base URL, on this server's port."""
    return f"http://localhost:{request.host.rsplit(':', 1)[-1]}"


def _page(case: str, more: bool) -> str:
    """One page; the compliant one declares its trackers as the banner contract says, the leaky one does not."""
    port = request.host.rsplit(":", 1)[-1]
    vendor = f"{_outside()}/bc/vendor/all.js"
    if case == "compliant":
        tags = f'<script type="text/plain" data-tracker="bc-metrics" src="{vendor}"></script>\n'
    else:
        # Ungated, with an undeclared session recorder and an undeclared third party.
        tags = "".join(f'<script src="{src}"></script>\n' for src in (
            vendor, f"http://{REPLAY_HOST}:{port}/bc/hotjar.js", f"{_outside()}/bc/other/other.js"))
    title = "More about permits" if more else "Permits office"
    frame = "" if case == "compliant" else (
        f'<iframe src="{_outside()}/bc/vendor/map.html" title="Office map" width="300" height="120"></iframe>\n')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
{tags}</head>
<body>
<header><a href="/bc/{case}/">Office of Permits</a></header>
<main><h1>{title}</h1>
<p>The office issues permits to residents and businesses. Opening hours are nine to five.</p>
<p><a href="/bc/{case}/more">Read more about permits</a> or <a href="/bc/privacy">read our privacy policy</a>.</p>
{frame}<form action="/bc/privacy" method="get"><label>Search permits <input name="q" type="search"></label>
<button type="submit">Search</button></form>
</main>
<footer><p>Office of Permits, Boston.</p></footer>
<script src="/fx/banner.js" data-agency="bc" data-flaw=""></script>
</body></html>"""


def _html(body: str) -> Response:
    """An HTML page allowing the outside site's scripts and requests (the service's own CSP would block them)."""
    response = Response(body, mimetype="text/html")
    port = request.host.rsplit(":", 1)[-1]
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self' http://localhost:{port} http://{REPLAY_HOST}:{port}; style-src 'self' 'unsafe-inline'")
    return response


@bp.get("/<case>/")
@bp.get("/<case>/more")
def page(case):
    """A case's home page and the page the checker follows after opting out."""
    if case not in CASES:
        abort(404)
    return _html(_page(case, request.path.endswith("/more")))


@bp.get("/vendor/all.js")
def vendor_script():
    """The declared vendor's script (bc-metrics)."""
    return Response(ALL_JS.replace("__VENDOR__", f"{_outside()}/bc/vendor"), mimetype="text/javascript")


@bp.get("/vendor/map.html")
def vendor_map():
    """An embedded map from the vendor (a frame of another site)."""
    response = Response('<!doctype html><title>Map</title><p>Map of the office.</p>'
                        '<script src="/bc/vendor/map.js"></script>', mimetype="text/html")
    port = request.host.rsplit(":", 1)[-1]
    # Framed by the pages on 127.0.0.1 (frame-ancestors overrides the service's X-Frame-Options: DENY).
    response.headers["Content-Security-Policy"] = f"default-src 'self'; frame-ancestors http://127.0.0.1:{port}"
    return response


@bp.get("/vendor/map.js")
def vendor_map_script():
    """The map's own script: it stores in the vendor's site (another process: the frame is cross-site)."""
    return Response('localStorage.setItem("_map_seen", String(Date.now()));', mimetype="text/javascript")


@bp.get("/other/other.js")
def other_script():
    """The undeclared third party's script."""
    return Response(OTHER_JS, mimetype="text/javascript")


@bp.get("/hotjar.js")
def replay_script():
    """A stand-in for the session-recording vendor's loader (the host is what names the vendor)."""
    return Response("/* session recording stand-in */", mimetype="text/javascript")


@bp.post("/vendor/beacon")
@bp.post("/vendor/keys")
def collect():
    """The vendor's collection endpoints."""
    return Response(status=204)


@bp.get("/vendor/px.gif")
def pixel():
    """The vendor's pixel."""
    return Response(GIF, mimetype="image/gif")


@bp.get("/privacy")
@bp.get("/legal/<name>")
def plain(name=None):
    """The policy and the trackers' legal pages."""
    return _html("<!doctype html><html lang='en'><head><title>Permits</title></head>"
                 "<body><main><h1>Permits office</h1><p>Nothing to see.</p></main></body></html>")
