"""Shared fixtures: the app, its test client, and the real service on a loopback port."""

import shutil
from pathlib import Path

import pytest
from databases import suite_console_database  # noqa: F401  (an upgraded console database for every app)
from browser_pool import BrowserPool
from browser_pool import ProductBrowsers
from databases import suite_database
from gunicorn_server import Gunicorn
from serving import AppServer
from server import create_app

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_KEYS = ["test-key-newest-0123456789abcdef", "test-key-older-0123456789abcdef"]


def pytest_configure(config):
    """The run's console database before any test module is imported; an xdist controller runs no test: none."""
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        return
    suite_database()


@pytest.fixture(scope="session")
def repo_root():
    """The checkout's root folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def agencies_dir(tmp_path_factory):
    """A copy of the shipped agencies (the demo agency is built in, and added in demo mode)."""
    folder = tmp_path_factory.mktemp("agencies")
    shipped = sorted((REPO_ROOT / "agencies").glob("*.toml"))
    # An empty copy would pass every test that reads no agency file: refuse it.
    assert shipped, "no agency files in agencies/"
    for path in shipped:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def browser_pool():
    """This process's browsers, one per kind of launch, lent to each module that drives one (on a fresh tab)."""
    pool = BrowserPool()
    yield pool
    pool.close()


@pytest.fixture(scope="session")
def product_browsers():
    """The browsers consent-qa and the monitoring worker start in this process, handed from run to run."""
    import extension.runner

    browsers = ProductBrowsers(extension.runner.launch_chrome)
    yield browsers
    browsers.close()


@pytest.fixture(scope="module", autouse=True)
def _runs_reuse_browsers(product_browsers):
    """Runs in this process take their browsers from product_browsers (a test that must see a real start patches
    extension.runner.launch_chrome back)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("extension.runner.launch_chrome", product_browsers.launch)
        yield


@pytest.fixture(scope="session")
def demo_gunicorn(tmp_path_factory, suite_console_database):
    """gunicorn with the project's settings (demo on, one worker, the suite's console database), started once per
    process for the modules that only send it requests: never one a test stops, faults or configures."""
    server = Gunicorn(workers=1, log_dir=tmp_path_factory.mktemp("demo-gunicorn"), CONSENT_DEMO="1",
                      CONSENT_DATABASE_URL=suite_console_database)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def app(request, agencies_dir):
    """The service with the demo on and fixed keys; in a module marked `shared_app`, the module's one app."""
    if request.node.get_closest_marker("shared_app"):
        # Those modules only send requests: one app per module (module_app) saves building one per test.
        yield request.getfixturevalue("module_app")
        return
    yield create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(TEST_KEYS), "DEMO": True})


@pytest.fixture
def client(app):
    """A Flask test client of that service."""
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(agencies_dir):
    """Base URL of the real service (demo on) on 127.0.0.1 and a free port; the demo agency's origin is that URL."""
    server = AppServer(None)
    server.app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(TEST_KEYS), "DEMO": True,
                             "PUBLIC_URL": server.url})
    server.start()
    yield server.url
    server.stop()
