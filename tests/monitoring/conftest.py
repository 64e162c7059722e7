"""Monitoring fixtures: the real service with a monitored agency site on loopback, its database, SMTP, Redis."""

from pathlib import Path

import pytest
import mx_site
from databases import new_sqlite_url
from databases import postgres_cluster  # noqa: F401
from databases import upgraded_postgres  # noqa: F401
from databases import upgraded_sqlite  # noqa: F401
from redis_server import RedisServer
from serving import AppServer
from smtp_inbox import SmtpServer

from server import create_app

KEYS = ["monitoring-tests-key-0123456789abcdef"]


class MonitoredSite(AppServer):
    """The service serving the mx agency (banner, notice) and its pages under /mx/, on one loopback origin."""

    def __init__(self, folder: Path, database_url: str, pages, schedule="daily"):
        super().__init__(None, quiet=True)
        self.agencies_dir = folder / "agencies"
        self.agencies_dir.mkdir()
        (self.agencies_dir / "mx.toml").write_text(mx_site.agency_text(self.url, pages, schedule))
        self.database_url = database_url
        app = create_app({"AGENCIES_DIR": str(self.agencies_dir), "SECRET_KEYS": KEYS, "DEMO": False,
                          "DATABASE_URL": database_url, "PUBLIC_URL": self.url})
        app.register_blueprint(mx_site.bp)
        self.app = app
        self.start()

    def environment(self, **more):
        """What `consent-service monitor …` reads to work on this site, its database and agency file."""
        return {"CONSENT_AGENCIES_DIR": str(self.agencies_dir), "CONSENT_DATABASE_URL": self.database_url,
                "CONSENT_SECRET_KEYS": ",".join(KEYS), "CONSENT_PUBLIC_URL": self.url, "CONSENT_DEMO": "",
                **more}


@pytest.fixture(scope="module")
def mx_site_sqlite(tmp_path_factory, upgraded_sqlite):  # noqa: F811
    """The monitored site (two pages) on a fresh SQLite console database, for a whole module."""
    folder = tmp_path_factory.mktemp("mx")
    site = MonitoredSite(folder, new_sqlite_url(folder, upgraded_sqlite), ["/mx/1/", "/mx/2/"])
    mx_site.STATE["long_cookie"] = False
    yield site
    site.stop()
    site.app.extensions["database"].kw["bind"].dispose()


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback that keeps what it receives."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    """A private redis-server on a loopback port; one that cannot start fails the tests."""
    server = RedisServer().start()
    yield server
    server.stop()
