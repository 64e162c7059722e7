"""The console's SQLite file is created readable by its owner only (issue 19.12): it holds staff password hashes.

SQLite only: a PostgreSQL database has no file of ours.
"""

import os
import stat

import pytest

from server.db.migrate import upgrade_url
from server.db.session import make_engine


@pytest.fixture
def open_umask():
    """The common umask 022, under which a file is made world-readable unless its mode says otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_a_configured_sqlite_file_is_created_owner_only(tmp_path, open_umask):
    path = tmp_path / "console.sqlite3"

    upgrade_url(f"sqlite:///{path}")

    assert _mode(path) == 0o600


def test_the_file_the_service_opens_first_is_created_owner_only(tmp_path, open_umask):
    """The default instance/console.sqlite3 is opened through the same engine as any sqlite:/// URL."""
    path = tmp_path / "instance" / "console.sqlite3"
    path.parent.mkdir()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    finally:
        engine.dispose()

    assert _mode(path) == 0o600


def test_an_existing_file_keeps_its_mode(tmp_path, open_umask):
    """Only creation is ours: an operator's chosen mode (a shared group, say) is left alone."""
    path = tmp_path / "console.sqlite3"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)

    upgrade_url(f"sqlite:///{path}")

    assert _mode(path) == 0o640
