"""Hostile agency pages (issue 19.3): the fixture pages plus a script attacking consent-qa's old page channel."""

from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import abort

from qa_fixture_site import _html
from qa_fixture_site import _page

ATTACK_JS = Path(__file__).resolve().parent / "fixtures" / "hostile" / "attack.js"
ATTACKS = ("none", "rewrite", "replay", "forge", "stop")
# The honest page each hostile one is built on, and the clause it deserves to fail.
BASES = {
    # The next page writes a 31-year cookie from script (Chromium would store 400 days: only the write shows it).
    "script-cookie": ("good", "2.2"),
    # A tiny notice with 7 px text.
    "tiny": ("tiny", "1.3.2"),
}
LONG_COOKIE = 'document.cookie = "fx_prefs=compact; max-age=978307200; path=/";'

bp = Blueprint("fxh", __name__, url_prefix="/fxh")


def _hostile(attack: str, base: str, more: bool) -> Response:
    """The base page with the attack first in its head (links stay on the hostile pages)."""
    if attack not in ATTACKS or base not in BASES:
        abort(404)
    case = BASES[base][0]
    html = _page(case, more).replace(f"/fx/{case}/", f"/fxh/{attack}/{base}/")
    if attack != "none":
        html = html.replace("<head>", f'<head><script src="/fxh/attack/{attack}.js"></script>', 1)
    if base == "script-cookie" and more:
        html = html.replace("</body>", '<script src="/fxh/long-cookie.js"></script></body>', 1)
    return _html(html)


@bp.get("/<attack>/<base>/")
def home(attack, base):
    """A hostile page's home."""
    return _hostile(attack, base, False)


@bp.get("/<attack>/<base>/more")
def more(attack, base):
    """The hostile page's next page (the one that writes the 31-year cookie for script-cookie)."""
    return _hostile(attack, base, True)


@bp.get("/attack/<attack>.js")
def attack_script(attack):
    """The attack, in a file of its own (the fixture pages' CSP allows no inline script)."""
    if attack not in ATTACKS:
        abort(404)
    script = f"globalThis.HOSTILE_MODE = {attack!r};\n" + ATTACK_JS.read_text(encoding="utf-8")
    return Response(script, mimetype="text/javascript")


@bp.get("/long-cookie.js")
def long_cookie():
    """A 31-year first-party cookie written by script."""
    return Response(LONG_COOKIE, mimetype="text/javascript")
