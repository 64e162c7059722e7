"""A real discriminating web site for the equal-access tests: it serves opted-out visitors differently.

It decides per request from the `consent_optout` cookie and the `Sec-GPC` header, fills in fresh
volatile values (nonce, CSRF token, timestamps, request id) on every response, and logs every request
so tests can assert that a refused URL was never fetched.
"""

import threading
import time
import uuid
from datetime import datetime
from datetime import UTC
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from serving import InThread

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "equal_access"
PAGE = (FIXTURES / "page.html").read_text(encoding="utf-8")
TRACKERS = (FIXTURES / "trackers.html").read_text(encoding="utf-8")
FEES = '<p id="fees">A resident licence costs $27.50 a year; residents over 70 fish free.</p>'
FORM_START = '<form id="apply"'
DOWNLOAD = "/files/fishing-licence-application.pdf"
VIDEO_START = '<iframe id="video"'
VIDEO_PLACEHOLDER = ('<div class="video-placeholder"><p>This video is available to visitors who accept '
                     "cookies.</p></div>")


def _without_form(page):
    start = page.index(FORM_START)
    end = page.index("</form>", start) + len("</form>")
    return page[:start] + page[end:]


def _video_placeholder(page):
    start = page.index(VIDEO_START)
    end = page.index("</iframe>", start) + len("</iframe>")
    return page[:start] + VIDEO_PLACEHOLDER + page[end:]


# What a visitor who opted out gets instead of the page, per path (None: the same page).
OPTED_OUT_VARIANTS = {
    "/equal": None,
    "/paragraph": lambda page: page.replace(FEES, ""),
    "/wall": lambda page: (FIXTURES / "wall.html").read_text(encoding="utf-8"),
    "/form": _without_form,
    "/download": lambda page: page.replace(DOWNLOAD, "/files/opted-out-notice.pdf"),
    "/video": _video_placeholder,
}


def fill(template, opted_out):
    """Fresh volatile values for one response; trackers only for visitors who did not opt out."""
    now = datetime.now(UTC)
    page = template.replace("{{trackers}}", "" if opted_out else TRACKERS)
    values = {
        "nonce": uuid.uuid4().hex,
        "csrf": uuid.uuid4().hex + uuid.uuid4().hex,
        "cachebust": str(time.time_ns()),
        "epoch": str(int(now.timestamp())),
        "generated": now.isoformat(),
        "clock": now.strftime("%H:%M:%S"),
        "request_id": str(uuid.uuid4()),
        "consent_state": "You opted out." if opted_out else "",
    }
    for name, value in values.items():
        page = page.replace("{{" + name + "}}", value)
    return page


def render(path, opted_out):
    """The HTML the site serves at `path` to a visitor who did (or did not) opt out."""
    variant = OPTED_OUT_VARIANTS[path]
    page = variant(PAGE) if (opted_out and variant is not None) else PAGE
    return fill(page, opted_out)


class DiscriminatingSite(InThread):
    """The site on 127.0.0.1 and a free port, in a thread; `requests` logs (path, headers) of each hit."""

    def __init__(self, offsite_url="http://evil.example/", host="127.0.0.1", port=0):
        self.requests = []
        self.offsite_url = offsite_url
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                with site._lock:
                    site.requests.append((self.path, dict(self.headers.items())))
                site.respond(self)

        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        self._serve(server, poll_interval=0.05)
        self.origin = f"http://{host}:{self.port}"

    def paths(self):
        with self._lock:
            return [path for path, _ in self.requests]

    @staticmethod
    def opted_out(handler):
        cookies = handler.headers.get("Cookie", "")
        has_token = any(part.strip().startswith("consent_optout=") and part.strip() != "consent_optout="
                        for part in cookies.split(";"))
        return has_token or handler.headers.get("Sec-GPC") == "1"

    def respond(self, handler):
        path = handler.path.split("?", 1)[0]
        opted_out = self.opted_out(handler)
        if path in OPTED_OUT_VARIANTS:
            return self.send(handler, 200, render(path, opted_out))
        if path == "/forbidden":
            if opted_out:
                return self.send(handler, 403, (FIXTURES / "forbidden.html").read_text(encoding="utf-8"))
            return self.send(handler, 200, render("/equal", False))
        if path == "/redirect":
            if opted_out:
                return self.send(handler, 302, "", {"Location": "/consent-required"})
            return self.send(handler, 200, render("/equal", False))
        if path == "/consent-required":
            return self.send(handler, 200, (FIXTURES / "consent-required.html").read_text(encoding="utf-8"))
        if path == "/inside":
            return self.send(handler, 302, "", {"Location": "/equal", "Set-Cookie": "visit=1; Path=/"})
        if path == "/offsite":
            return self.send(handler, 302, "", {"Location": self.offsite_url})
        if path == "/bad-redirect":
            return self.send(handler, 302, "", {"Location": "http://[::1/"})
        if path == "/loop":
            return self.send(handler, 302, "", {"Location": "/loop"})
        if path == "/big":
            return self.send(handler, 200, "<p>" + "x" * 300_000 + "</p>")
        if path == "/slow":
            time.sleep(1.5)
            return self.send(handler, 200, "<p>slow</p>")
        return self.send(handler, 404, "<h1>Not found</h1>")

    @staticmethod
    def send(handler, status, body, headers=None):
        data = body.encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        try:
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the checker gave up first (the timeout tests): nothing left to answer
