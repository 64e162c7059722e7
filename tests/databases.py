"""Real databases for the tests: a private PostgreSQL cluster on loopback, and upgraded SQLite files.

The cluster is Debian's `postgresql` package (`make test` installs it when absent); one that cannot
start fails the run, it is never skipped.
"""

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from itertools import count
from pathlib import Path

import psycopg
import pytest

from server.db.migrate import upgrade_url

POSTGRES_USER = "postgres"
TEMPLATE_DATABASE = "consent_template"
_names = count(1)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin():
    """The newest installed server's bin folder (/usr/lib/postgresql/VERSION/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda path: int(path.split("/")[4]))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make test` (it installs Debian's postgresql)")
    return Path(found[-1]).parent


class PostgresCluster:
    """initdb + pg_ctl in a temporary folder, as the postgres user when we are root; trust on loopback only."""

    def __init__(self):
        self.bin = postgres_bin()
        as_root = os.geteuid() == 0
        # In /tmp when root: the postgres user must reach the folder (a TMPDIR under /root it could not).
        self.folder = Path(tempfile.mkdtemp(prefix="consent-pg-", dir="/tmp" if as_root else None))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_owner = []
        if as_root:
            # The server refuses to run as root: the folder is handed to the postgres user.
            shutil.chown(self.folder, POSTGRES_USER, POSTGRES_USER)
            self.as_owner = ["runuser", "-u", POSTGRES_USER, "--"]

    def _run(self, *args):
        result = subprocess.run([*self.as_owner, *map(str, args)], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = (self.folder / "server.log")
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()} {tail}")
        return result

    def start(self):
        """Create the cluster and start it on 127.0.0.1:port, its socket in the private folder."""
        self._run(self.bin / "initdb", "-D", self.data, "-A", "trust", "-U", POSTGRES_USER, "-E", "UTF8",
                  "--no-sync", "--no-instructions")
        # fsync off: a test cluster is thrown away, and durability costs seconds on a shared disk.
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-w", "-t", "60",
                  "-o", options, "start")
        return self

    def stop(self):
        """Stop the server (fast: the data is thrown away) and remove its folder."""
        try:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database):
        """The documented URL form for one database of the cluster."""
        return f"postgresql://{POSTGRES_USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name, template=None):
        """CREATE DATABASE (copying `template` when given): a fresh database costs a file copy."""
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            suffix = f" TEMPLATE {template}" if template else ""
            connection.execute(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)


def new_sqlite_url(folder, template=None):
    """A new SQLite file in `folder`, a copy of `template` when given."""
    path = Path(folder) / f"console-{next(_names)}.sqlite3"
    if template is not None:
        shutil.copyfile(template, path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def postgres_cluster():
    """A private PostgreSQL server for the whole run; a cluster that cannot start fails the tests."""
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def upgraded_sqlite(tmp_path_factory):
    """A SQLite file migrated to head once, copied for each test."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    url = new_sqlite_url(folder)
    upgrade_url(url)
    return Path(url.removeprefix("sqlite:///"))


@pytest.fixture(scope="session")
def upgraded_postgres(postgres_cluster):
    """A PostgreSQL database migrated to head once, used as the template of each test's database."""
    upgrade_url(postgres_cluster.create_database(TEMPLATE_DATABASE))
    return TEMPLATE_DATABASE


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A fresh, upgraded console database of each kind: every console test runs on both."""
    if request.param == "sqlite":
        return new_sqlite_url(tmp_path, request.getfixturevalue("upgraded_sqlite"))
    cluster = request.getfixturevalue("postgres_cluster")
    return cluster.create_database(f"consent_test_{next(_names)}", request.getfixturevalue("upgraded_postgres"))


def suite_database():
    """An upgraded SQLite console database for every app of the run (CONSENT_DATABASE_URL), unless one is given.

    Made before any test module is imported (tests/conftest.py's pytest_configure): some modules build their
    app at import time (schemathesis reads its schema then), so a fixture would come too late; gunicorn
    subprocesses inherit the variable. Each xdist worker makes its own (the controller runs no test).
    """
    if os.environ.get("CONSENT_DATABASE_URL"):
        return os.environ["CONSENT_DATABASE_URL"]
    folder = tempfile.mkdtemp(prefix="consent-suite-db-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    url = new_sqlite_url(folder)
    upgrade_url(url)
    os.environ["CONSENT_DATABASE_URL"] = url
    return url


@pytest.fixture(scope="session", autouse=True)
def suite_console_database():
    """The run's console database URL (CONSENT_DATABASE_URL, set before the test modules were imported)."""
    return suite_database()


_staff_names = count(1)


def staff_bearer(target, *roles):
    """`Bearer TOKEN` of a new staff member with these roles (default qa), in an app's console database or a URL's."""
    from server.auth.accounts import staff_token_at
    from server.db.session import engine_of

    url = target if isinstance(target, str) else engine_of(target).url.render_as_string(hide_password=False)
    return "Bearer " + staff_token_at(url, f"test-staff-{os.getpid()}-{next(_staff_names)}", roles or ("qa",))


def as_staff(client, *roles):
    """The test client, now sending a real staff token (role qa unless named) on every request."""
    client.environ_base["HTTP_AUTHORIZATION"] = staff_bearer(client.application, *roles)
    return client
