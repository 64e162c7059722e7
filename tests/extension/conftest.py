"""Fixtures for consent-qa: the real service plus broken fixture pages on loopback, and a shared browser."""

import json
import threading
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from extension.browser import launch_chrome
from qa_fixture_site import bp as fixture_bp
from server import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KEYS = ["consent-qa-test-key-0123456789abcdef"]


class QuietHandler(WSGIRequestHandler):
    """No access log: hundreds of fixture requests would drown the test output."""

    def log(self, type, message, *args):
        pass


class FixtureServer:
    """The real app (serving the fx agency's notice) with the fixture pages added, in a thread."""

    def __init__(self, agencies_dir: Path):
        self._server = make_server("127.0.0.1", 0, None, threaded=True, request_handler=QuietHandler)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        # Ports are known only now: write the agency files with this one.
        for template in (FIXTURES / "agencies").glob("*.toml"):
            text = template.read_text().replace("__PORT__", str(self.port))
            (agencies_dir / template.name).write_text(text)
        app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True})
        app.register_blueprint(fixture_bp)
        self._server.app = app
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture(scope="session")
def fx_server(tmp_path_factory):
    """Base URL of the service with the fixture agency "fx" and the pages under /fx/."""
    server = FixtureServer(tmp_path_factory.mktemp("fx-agencies"))
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def fx_notice(fx_server):
    """The fx agency's notice, read through the real API as consent-qa does."""
    with urllib.request.urlopen(f"{fx_server}/v1/fx/notice", timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def qa_browser():
    """One Chromium with the test extension for a whole test module (pages get a fresh tab and profile)."""
    browser = launch_chrome()
    browser.wait_ready()
    yield browser
    browser.quit()
