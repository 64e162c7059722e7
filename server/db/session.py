"""The engine and per-request session (flaskr's get_db, with SQLAlchemy 2); visitor endpoints never call it."""

import os
from pathlib import Path

from flask import current_app
from flask import g
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm import sessionmaker

from server.errors import ApiError

EXTENSION_KEY = "database"
DEFAULT_FILE = "console.sqlite3"


class DatabaseUnavailable(ApiError):
    """The console database cannot be reached: staff see a 503, visitors never notice."""

    def __init__(self):
        super().__init__(503, "database_unavailable", "The console database cannot be reached; try again later.")


def _configured_url(app):
    # create_app and the commands' bare apps put CONSENT_DATABASE_URL there (server.config, server.commands.context).
    return app.config.get("DATABASE_URL")


def is_default_database(app):
    """True when no database is configured: the embedded SQLite file in the instance folder is used."""
    return not _configured_url(app)


def default_sqlite_path(app):
    """The default database file (its folder is created if missing)."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return Path(app.instance_path) / DEFAULT_FILE


def database_url(app):
    """CONSENT_DATABASE_URL (or the app's DATABASE_URL), else a SQLite file in the instance folder."""
    url = _configured_url(app)
    return normalise_url(url) if url else f"sqlite:///{default_sqlite_path(app)}"


def normalise_url(url):
    """The documented postgresql:// form, driven by psycopg 3 (SQLAlchemy would default to psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_pragmas(connection, _record):
    cursor = connection.cursor()
    # SQLite ignores foreign keys unless asked, and a second process must wait, not fail, on a write lock.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _create_owner_only(url):
    """Create a SQLite file as 0600 before SQLite does (it would follow the umask, often world-readable).

    The file holds staff password hashes and API token digests; SQLite gives its journal and WAL files the
    database file's mode. An existing file keeps the mode its operator chose.
    """
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:
        pass  # it exists, or its folder does not: SQLite says so on the first connection, as before


def make_engine(url):
    """An engine that checks its connections (a restarted PostgreSQL must not cost staff an error)."""
    if url.startswith("sqlite"):
        _create_owner_only(url)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})


def init_app(app):
    """Create the engine (it connects lazily) and close the request's session, if one was opened, afterwards."""
    url = database_url(app)
    engine = make_engine(url)
    app.extensions[EXTENSION_KEY] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)
    return engine


def engine_of(app):
    """The app's engine."""
    return app.extensions[EXTENSION_KEY].kw["bind"]


def session_for(app):
    """A new session outside a request (commands, tests); the caller closes it."""
    return app.extensions[EXTENSION_KEY]()


def get_session():
    """This request's session, opened on first use; an unreachable database becomes a 503."""
    if "db_session" not in g:
        session = current_app.extensions[EXTENSION_KEY]()
        try:
            session.connection()
        except OperationalError:
            session.close()
            raise DatabaseUnavailable() from None
        g.db_session = session
    return g.db_session


def _close_session(_error):
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        session.close()
