"""A monitored agency's site on loopback (blueprint /mx/ beside the real service): pages that can turn bad.

`STATE["long_cookie"]` makes every page set a first-party cookie for three years (clause 2.2 fails), as a
site whose developers changed a setting between two scheduled checks. `/mx/log` tells which pages were
fetched how often (the queue tests' witness that no page was checked twice).
"""

import threading
from collections import Counter

from flask import Blueprint
from flask import Response
from flask import jsonify

STATE = {"long_cookie": False}
HITS = Counter()
_hits_lock = threading.Lock()
PAGE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'"
THREE_YEARS = 3 * 365 * 24 * 3600

AGENCY = """
id = "mx"
name = "Monitored Office of Testing"
origins = ["{origin}"]
privacy_policy_url = "{origin}/mx/privacy"
terms_url = "{origin}/mx/terms"
mode = "opt-out"
commonwealth_domains = ["127.0.0.1"]

[[trackers]]
id = "mx-analytics"
vendor = "MX Analytics"
purpose = "Counts which pages people visit, so we can make the site easier to use."
license_url = "{origin}/mx/terms"
privacy_url = "{origin}/mx/privacy"
contracted = true
requests = ["/mx/tracker/"]

[[trackers.cookies]]
name = "_mx_analytics"
domain = "127.0.0.1"
persistent = true
expiry_days = 365

[monitoring]
pages = [{pages}]
schedule = "{schedule}"
contacts = ["iso@mx.example", "webmaster@mx.example"]
"""

TRACKER = """(function () {
  document.cookie = "_mx_analytics=1; path=/; max-age=" + 365 * 24 * 3600 + "; SameSite=Lax";
  fetch("/mx/tracker/collect?page=" + encodeURIComponent(location.pathname), {credentials: "same-origin"});
})();"""

bp = Blueprint("mx", __name__, url_prefix="/mx")


def agency_text(origin, pages, schedule="daily"):
    """The mx agency file for a site at origin, monitoring these paths."""
    return AGENCY.format(origin=origin, pages=", ".join(f'"{page}"' for page in pages), schedule=schedule)


def _html(body, title):
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script src="/v1/mx/banner.js" async></script>
<script type="text/plain" data-tracker="mx-analytics" src="/mx/tracker/analytics.js"></script>
</head><body>
<header><p>Monitored Office of Testing</p></header>
<main><h1>{title}</h1>{body}</main>
<footer><a href="/mx/privacy">Privacy policy</a> <a href="/mx/terms">Terms of use</a>
<a href="#" data-consent-open>Cookie settings</a></footer>
</body></html>"""
    response = Response(page, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    if STATE["long_cookie"]:
        response.headers["Set-Cookie"] = f"mx_prefs=compact; Max-Age={THREE_YEARS}; Path=/; SameSite=Lax"
    return response


@bp.get("/<int:number>/")
def page(number):
    """A content page; each number is a page of its own."""
    with _hits_lock:
        HITS[number] += 1
    return _html(f"<p>Page {number}: the office renews licenses and answers questions, nine to five.</p>"
                 f'<p><a href="/mx/{number}/more">More about this service</a></p>', f"Service {number}")


@bp.get("/<int:number>/more")
def more(number):
    """The same-site page the check follows after opting out."""
    return _html(f"<p>More about service {number}.</p>", f"More about service {number}")


@bp.get("/tracker/analytics.js")
def tracker():
    """The declared tracker: a one-year first-party cookie and a beacon."""
    return Response(TRACKER, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.get("/tracker/collect")
def collect():
    """The tracker's beacon."""
    return Response(status=204)


@bp.get("/privacy")
@bp.get("/terms")
def policy():
    """The policy pages the notice links to."""
    return _html("<p>We count visits. You can opt out.</p>", "Policy")


@bp.get("/log")
def log():
    """How often each numbered page was fetched (first visits and reloads alike)."""
    with _hits_lock:
        return jsonify({str(number): count for number, count in sorted(HITS.items())})
