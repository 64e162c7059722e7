"""Whether the staff half is wanted, and whether it is installed: read without importing it (no SQLAlchemy)."""

import importlib.util
import os

# `export` and other commands that read no console data skip the start-up schema check (server/cli.py).
SCHEMA_CHECK_KEY = "DATABASE_SCHEMA_CHECK"
INSTALL_HINT = "the staff console is not installed: pip install 'ma-consent[console]'"
# What the console cannot run without ([console] in setup.cfg); checked by name, nothing imported.
CONSOLE_PACKAGES = ("sqlalchemy", "alembic", "flask_wtf", "argon2", "limits")


class ConsoleNotInstalled(RuntimeError):
    """A console database is configured but the [console] extra is not installed: one line says which."""


def database_named(config):
    """CONSENT_DATABASE_URL, or the app's DATABASE_URL (tests), when one is set."""
    return config.get("DATABASE_URL") or os.environ.get("CONSENT_DATABASE_URL") or None


def console_wanted(config):
    """Mount the staff half? When a database is named, or in demo mode when the console is installed.

    Demo mode (`make run`) asks for the embedded SQLite file in the instance folder, if the console can run;
    a named database asks for the console whatever is installed (the factory then refuses in one line).
    Without either, the service is the public half alone and `/console` is 404.
    """
    if database_named(config):
        return True
    return bool(config.get("DEMO")) and console_installed()


def console_installed():
    """True when every package the console imports is installed."""
    return all(importlib.util.find_spec(name) is not None for name in CONSOLE_PACKAGES)


def require_console():
    """Refuse, in one line naming the extra, to run what needs the console when it is not installed."""
    if not console_installed():
        raise ConsoleNotInstalled(INSTALL_HINT)
