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
        self.spare = []  # databases lent to a test and emptied since, at the template's schema
        self.schemas = {}  # template name: its schema as _schema() reads it
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

    def lend_database(self, template):
        """A database at `template`'s schema with no rows: one a finished test gave back, else a new copy."""
        if self.spare:
            return self.url(self.spare.pop())
        return self.create_database(f"consent_test_{next(_names)}", template)

    def give_back(self, url, template):
        """Empty a lent database for the next test, if its schema is still the template's.

        Its rows go and its ids restart (TRUNCATE, about 10 ms, where CREATE DATABASE copies the whole template
        in about 200 ms: the suite makes about 300). The finished test's connections are ended first. A database
        whose schema a test changed, or that cannot be emptied within seconds, is simply not lent again.
        """
        try:
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute("SET lock_timeout = '5s'")
                connection.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                if _schema(connection) != self._template_schema(template):
                    return
                tables = ", ".join(f"public.{row[0]}" for row in connection.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))
                connection.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        except psycopg.Error:
            return
        self.spare.append(url.rsplit("/", 1)[1])

    def _template_schema(self, template):
        if template not in self.schemas:
            with psycopg.connect(self.url(template)) as connection:
                self.schemas[template] = _schema(connection)
        return self.schemas[template]


def _schema(connection):
    """What a test could change of a database's schema: its columns, indexes and migration."""
    columns = connection.execute(
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY 1, 2").fetchall()
    indexes = connection.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1").fetchall()
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    return columns, indexes, revision


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
    """An upgraded console database of each kind, with no rows: every console test runs on both."""
    if request.param == "sqlite":
        yield new_sqlite_url(tmp_path, request.getfixturevalue("upgraded_sqlite"))
        return
    cluster = request.getfixturevalue("postgres_cluster")
    template = request.getfixturevalue("upgraded_postgres")
    url = cluster.lend_database(template)
    yield url
    cluster.give_back(url, template)


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
