"""`consent-service db upgrade`: create or migrate the console database (works while it is behind)."""

import click

from server.config import ConfigError


def _app_without_schema_check():
    from server import create_app

    # The one command that must run on a database behind the code: it is the fix the refusal names.
    return create_app({"DATABASE_SCHEMA_CHECK": False})


@click.group(name="db", help="The staff console's database.")
def db_group():
    """Commands on the console database."""


@db_group.command(name="upgrade", help="Create the console database, or migrate it to this code's schema.")
def upgrade_command():
    """Run every migration the database has not had yet."""
    from server import db

    try:
        app = _app_without_schema_check()
        before, after = db.upgrade(app)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    if before == after:
        click.echo(f"console database already at schema {after}")
    else:
        click.echo(f"console database upgraded from schema {before or 'none (empty)'} to {after}")
