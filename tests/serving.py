"""Real servers for tests: apps and fixture sites in a thread on loopback, and the bench's gunicorn driver."""

import importlib.util
import sys
import threading
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

REPO_ROOT = Path(__file__).resolve().parent.parent


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


def load_bench(name):
    """A module of bench/ (not an installed package): the tests drive the same code the bench runs."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
