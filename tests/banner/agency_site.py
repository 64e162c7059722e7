"""A stand-in agency web site on its own loopback origin, embedding the banner from a separate service."""

import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from serving import AppServer
from serving import InThread

from server import create_app

# A tracker the agency serves itself: a persistent cookie and a beacon, like a real analytics tag.
TRACKER_JS = b"""
document.cookie = "_page_t=1; path=/; max-age=31536000; SameSite=Lax";
window.pageTrackerRan = (window.pageTrackerRan || 0) + 1;
fetch("/collect?from=" + encodeURIComponent(location.pathname));
"""
# How late /slow.js answers: long enough for the banner script, fetched at the same time, to arrive first.
SLOW_SCRIPT_SECONDS = 1.0

PAGE = """<!doctype html>
<html lang="{html_lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agency page</title>
{head}
<script src="{src}" async{script_attrs}></script>
<script type="text/plain" data-tracker="page-analytics" src="/t.js"></script>
<script type="text/plain" data-tracker="page-analytics" nonce="{nonce}">window.inlineTrackerRan = true;
window.inlineRanAfterExternal = window.pageTrackerRan === 1;</script>
</head>
<body>
<main>
<h1>Renew your license</h1>
<p id="content">You can renew online in a few minutes.</p>
<a href="#" data-consent-open>Cookie settings</a>
</main>
{body_end}
</body>
</html>
"""


def agency_toml(agency_id, origin, *, mode="opt-out", name="Test Licensing Office", vendor="Page Analytics Co.",
                purpose="Counts page visits so we can improve the site.", texts=None):
    """An agency file whose one tracker is the stand-in served by AgencySite."""
    lines = [f'id = "{agency_id}"', f'name = {toml_string(name)}', f'origins = ["{origin}"]',
             f'privacy_policy_url = "{origin}/privacy"', f'terms_url = "{origin}/terms"', f'mode = "{mode}"',
             'commonwealth_domains = ["localhost"]', "",
             "[[trackers]]", 'id = "page-analytics"', f"vendor = {toml_string(vendor)}",
             f"purpose = {toml_string(purpose)}", f'license_url = "{origin}/license"',
             f'privacy_url = "{origin}/tracker-privacy"', "contracted = true", 'requests = ["/t.js", "/collect"]', "",
             "[[trackers.cookies]]", 'name = "_page_t"', 'domain = "localhost"', "persistent = true",
             "expiry_days = 365", "",
             "[[trackers.cookies]]", 'name = "_page_x_*"', 'domain = "localhost"', "persistent = true",
             "expiry_days = 30", ""]
    for lang, values in (texts or {}).items():
        lines.append(f"[texts.{lang}]")
        lines += [f"{key} = {toml_string(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def toml_string(value):
    """A TOML basic string (JSON escaping is valid TOML for these characters)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class AgencySite(InThread):
    """Serves PAGE for any path under /p/ with a strict CSP; counts every request so tests can see trackers."""

    def __init__(self):
        self.pages = {}
        self.files = {}
        self.hits = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.record(self.path)
                if self.path == "/slow.js":
                    # A parser-blocking script that answers late: the async banner runs while the page is half parsed.
                    time.sleep(SLOW_SCRIPT_SECONDS)
                    self.reply(200, "text/javascript", b"window.slowScriptRan = true;")
                elif self.path == "/t.js":
                    self.reply(200, "text/javascript", TRACKER_JS)
                elif self.path.startswith("/collect"):
                    self.reply(204, "text/plain", b"")
                elif self.path in site.files:
                    self.reply(200, "text/javascript; charset=utf-8", site.files[self.path])
                elif self.path.split("?")[0] in site.pages:
                    body, csp = site.render(self.path.split("?")[0])
                    self.reply(200, "text/html; charset=utf-8", body, {"Content-Security-Policy": csp})
                else:
                    self.reply(404, "text/plain", b"not here")

            def reply(self, status, mimetype, body, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", mimetype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
        # "localhost" and the service's "127.0.0.1" are different sites: the realistic cross-site case.
        self.origin = f"http://localhost:{self.port}"

    def record(self, path):
        with self._lock:
            self.hits.append(path)

    def tracker_hits(self):
        """Requests the stand-in tracker made (its script or its beacon)."""
        with self._lock:
            return [path for path in self.hits if path == "/t.js" or path.startswith("/collect")]

    def forget(self):
        with self._lock:
            self.hits.clear()

    def add_page(self, path, service, agency, *, html_lang="en", data_lang=None, head="", trusted_types=False,
                 src=None, integrity=None, body_end=""):
        """Register a page embedding agency's banner from service (or the script at src); returns its URL."""
        attrs = f' data-lang="{data_lang}"' if data_lang else ""
        if integrity:
            attrs += f' integrity="{integrity}" crossorigin="anonymous"'
        self.pages[path] = {"service": service, "src": src or f"{service}/v1/{agency}/banner.js",
                            "html_lang": html_lang, "head": head, "script_attrs": attrs, "body_end": body_end,
                            "trusted_types": trusted_types}
        return f"{self.origin}{path}"

    def render(self, path):
        """The page with a fresh nonce, and a CSP that allows only that nonce, this site and the service."""
        page = dict(self.pages[path])
        nonce = secrets.token_urlsafe(12)
        service = page["service"]
        csp = (f"default-src 'none'; script-src 'self' 'nonce-{nonce}' {service}; style-src 'self' {service}; "
               f"connect-src 'self' {service}; img-src 'self'; base-uri 'none'; object-src 'none'")
        if page.pop("trusted_types"):
            csp += "; require-trusted-types-for 'script'; trusted-types consent-banner"
        body = PAGE.format(nonce=nonce, **page).replace("NONCE", nonce)
        return body.encode("utf-8"), csp


# A second consent service instance, with its own agencies.
ServiceThread = AppServer


def serve_agencies(folder, files, keys):
    """Write agency files ({id: TOML text}) into folder and serve a consent service for them on loopback."""
    for agency_id, text in files.items():
        (folder / f"{agency_id}.toml").write_text(text, encoding="utf-8")
    return ServiceThread(create_app({"AGENCIES_DIR": str(folder), "SECRET_KEYS": list(keys)})).start()
