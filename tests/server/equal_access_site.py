"""A real discriminating web site for the equal-access tests: it serves opted-out visitors differently.

It decides per request from the `consent_optout` cookie and the `Sec-GPC` header, fills in fresh
volatile values (nonce, CSRF token, timestamps, request id) on every response, and logs every request
so tests can assert that a refused URL was never fetched.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

from equal_access_pages import FIXTURES
from equal_access_pages import OPTED_OUT_VARIANTS
from equal_access_pages import render
from serving import InThread


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
