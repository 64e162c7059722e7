"""Alembic driven from code: `consent-service db upgrade`, and the start-up refusal of a database behind."""

import fcntl
import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import OperationalError

from server.config import ConfigError
from server.db.session import default_sqlite_path
from server.db.session import engine_of
from server.db.session import is_default_database
from server.db.session import make_engine
from server.db.session import normalise_url

log = logging.getLogger("server")
# Alembic says "Context impl …", "Will assume … DDL" and "setup plugin …" in every process that checks the schema:
# our own lines say what happened (created, upgraded, behind); its warnings still show.
logging.getLogger("alembic").setLevel(logging.WARNING)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
UPGRADE_COMMAND = "consent-service db upgrade"


class SchemaBehind(ConfigError):
    """The database's schema is not the code's: the message names the command that fixes it."""


def alembic_config(connection=None):
    """Alembic's settings, pointed at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision():
    """The newest migration this code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection):
    """The migration the database was last upgraded to (None: never)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade_engine(engine, revision="head"):
    """Create or migrate the database behind `engine` to `revision`; returns (before, after)."""
    with engine.begin() as connection:
        before = current_revision(connection)
        command.upgrade(alembic_config(connection), revision)
        after = current_revision(connection)
    return before, after


def upgrade(app, revision="head"):
    """Create or migrate the app's database to `revision`; returns (before, after)."""
    return upgrade_engine(engine_of(app), revision)


def upgrade_url(url, revision="head"):
    """The same for a database URL (tests and tools that have no app)."""
    engine = make_engine(normalise_url(url))
    try:
        return upgrade_engine(engine, revision)
    finally:
        engine.dispose()


def create_default_database(app):
    """The default embedded SQLite file is created on first start (nothing to install, nothing to lose).

    Under a lock file: gunicorn's workers start together and only one of them may migrate.
    """
    path = Path(default_sqlite_path(app))
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with engine_of(app).connect() as connection:
            empty = current_revision(connection) is None
        if empty:
            upgrade(app)
            log.info("created the console database %s (SQLite, schema %s)", path, head_revision())


def schema_problem(app):
    """Why the console cannot run on this database (None: it is at the code's schema); unreachable raises."""
    head = head_revision()
    with engine_of(app).connect() as connection:
        current = current_revision(connection)
    if current == head:
        return None
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current is None:
        return f"the console database is empty (schema {head} expected): run `{UPGRADE_COMMAND}`"
    if current in known:
        return f"the console database is at schema {current}, behind the code's {head}: run `{UPGRADE_COMMAND}`"
    return (f"the console database is at schema {current}, which this code does not know "
            f"(newer code upgraded it?): run the newer code")


def check_schema(app):
    """Refuse a database behind (or ahead of) the code; an unreachable one only warns, visitors need none."""
    if is_default_database(app):
        create_default_database(app)
    try:
        problem = schema_problem(app)
    except OperationalError as error:
        log.warning("console database unreachable (%s): the console answers 503 until it is back",
                    type(error.orig).__name__)
        return None
    if problem is not None:
        raise SchemaBehind(problem)
    return head_revision()
