"""Console fixtures: the app on each real database, and staff members with roles and tokens."""

import pytest
from console_support import CONSOLE_KEYS
from console_support import Staff
from databases import database_url  # noqa: F401  (parametrized: sqlite and postgresql)
from databases import postgres_cluster  # noqa: F401
from databases import upgraded_postgres  # noqa: F401
from databases import upgraded_sqlite  # noqa: F401

from server import create_app


@pytest.fixture
def console_app(database_url, agencies_dir):  # noqa: F811
    """The service (demo on) on a fresh, upgraded console database."""
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": list(CONSOLE_KEYS), "DEMO": True,
                      "DATABASE_URL": database_url})
    yield app
    app.extensions["database"].kw["bind"].dispose()


@pytest.fixture
def console(console_app):
    """A test client of that service."""
    return console_app.test_client()


@pytest.fixture
def staff(console_app):
    """Staff accounts on the console app."""
    return Staff(console_app)
