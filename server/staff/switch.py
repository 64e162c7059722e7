"""Whether the staff half is wanted: read from the settings without importing it (no SQLAlchemy)."""

from server.core import parts

# `export` and other commands that read no console data skip the start-up schema check (server/cli.py).
SCHEMA_CHECK_KEY = "DATABASE_SCHEMA_CHECK"


def database_named(config):
    """The app's DATABASE_URL (server.config puts CONSENT_DATABASE_URL there, as db.session reads it), if set."""
    return config.get("DATABASE_URL") or None


def console_wanted(config):
    """Mount the staff half? When a database is named, or in demo mode when the console is installed.

    Demo mode (`make run`) asks for the embedded SQLite file in the instance folder, if the console can run;
    a named database asks for the console whatever is installed (the factory then refuses in one line).
    Without either, the service is the public half alone and `/console` is 404.
    """
    if database_named(config):
        return True
    return bool(config.get("DEMO")) and parts.installed("console")


def require_console():
    """A database is named but the console is not installed: one line naming the extra."""
    parts.require("console")
