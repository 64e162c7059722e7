"""Fixtures for consent-qa: the real service plus broken fixture pages on loopback, and a shared browser."""

import json
import urllib.request
from pathlib import Path

import pytest

from hostile_site import bp as hostile_bp
from qa_fixture_site import bp as fixture_bp
from serving import AppServer
from server import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KEYS = ["consent-qa-test-key-0123456789abcdef"]


class FixtureServer(AppServer):
    """The real app (serving the fx agency's notice) with the fixture pages added, in a thread."""

    def __init__(self, agencies_dir: Path):
        super().__init__(None, quiet=True)
        # Ports are known only now: write the agency files with this one.
        for template in (FIXTURES / "agencies").glob("*.toml"):
            text = template.read_text().replace("__PORT__", str(self.port))
            (agencies_dir / template.name).write_text(text)
        app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True})
        app.register_blueprint(fixture_bp)
        app.register_blueprint(hostile_bp)  # pages attacking consent-qa's old page channel
        self.app = app
        self.start()


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
def qa_browser(browser_pool):
    """The pool's Chromium with the test extension (ready) for a whole test module, on a fresh tab, no cookies."""
    browser = browser_pool.lend(extension=True)
    yield browser
    browser_pool.give_back(browser)
