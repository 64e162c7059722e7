"""A loopback agency site whose pages answer slowly, and what a test needs to run equal-access against it."""

import time
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

from equal_access_pages import FIXTURES
from serving import InThread

PAGE = (b"<!doctype html><html lang='en'><head><title>Slow</title></head>"
        b"<body><main><h1>Renew a licence</h1><p>Every visitor gets this.</p></main></body></html>")


class SlowSite(InThread):
    """Pages that take `delay` seconds each; counts the requests it has started answering."""

    def __init__(self, delay):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.started += 1
                time.sleep(site.delay)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(PAGE)))
                    self.end_headers()
                    self.wfile.write(PAGE)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the checker gave up waiting: that is what some tests are about

            def log_message(self, *args):
                pass

        self.delay = delay
        self.started = 0
        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._serve(server, poll_interval=0.05)
        self.origin = f"http://127.0.0.1:{self.port}"


def write_agency(folder, origin):
    """The equal-access test agency (eqtest), its origin set to this site."""
    template = (FIXTURES / "eqtest.toml.in").read_text(encoding="utf-8")
    (folder / "eqtest.toml").write_text(template.replace("{origin}", origin), encoding="utf-8")
