"""Serving in a thread on loopback, for every test that needs a real server (app or fixture site)."""

import threading

from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server


class QuietHandler(WSGIRequestHandler):
    """No access log: hundreds of fixture requests would drown the test output."""

    def log(self, type, message, *args):
        pass


class InThread:
    """start() and stop() for a socketserver-style server; subclasses call _serve(server) first."""

    def _serve(self, server, poll_interval=0.5):
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, args=(poll_interval,), daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class AppServer(InThread):
    """A WSGI app (usually the real service) served by werkzeug on 127.0.0.1 and a free port."""

    def __init__(self, app, quiet=False):
        handler = QuietHandler if quiet else WSGIRequestHandler
        self._serve(make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler))
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def app(self):
        return self._server.app

    @app.setter
    def app(self, app):
        # For apps whose configuration needs the port first (it is known only once the socket is bound).
        self._server.app = app
