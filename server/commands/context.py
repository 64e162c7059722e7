"""What the console commands run on, built without signing keys or agency files (they sign and serve nothing)."""

import os

from flask import Flask
from sqlalchemy.exc import OperationalError

from server import config
from server.db.migrate import check_schema
from server.db.session import init_app as init_database
from server.core import settings
from server.db.session import engine_of
from server.core.agencies import Registry


class DatabaseUnreachable(config.ConfigError):
    """The console database cannot be reached: the message names it (password hidden) and why."""


def console_app(environ=None):
    """A bare app on the console database: `db upgrade`, `users` and `tokens` need nothing more.

    Named like the factory's app, so both find the same instance folder (and its default SQLite file).
    """
    environ = os.environ if environ is None else environ
    app = Flask("server.app")
    service = settings.service(environ)
    app.config.update(DEMO=service.demo, PUBLIC_URL=service.public_url,
                      AGENCIES_DIR=str(service.agencies_dir) if service.agencies_dir else None,
                      DATABASE_URL=settings.console(environ).database_url)
    init_database(app)
    return app


def checked_console_app():
    """console_app() on a database at the code's schema (else SchemaBehind, naming `consent-service db upgrade`)."""
    app = console_app()
    reachable(app)
    check_schema(app)
    return app


def reachable(app):
    """Connect once, so an unreachable database is one line here rather than a warning and then a failure."""
    engine = engine_of(app)
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnreachable(f"the console database {where} cannot be reached: {reason}") from None


def agency_ids(app):
    """The agencies the service would serve (read only when a command names one)."""
    return set(Registry.from_directory(*config.agency_sources(app)).agencies)
