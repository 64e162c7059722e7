"""`consent-service db upgrade`: create or migrate the console database (works while it is behind).

It needs neither signing keys nor agency files: only CONSENT_DATABASE_URL (or the instance folder's default).
"""

import click

from server.commands.context import console_app
from server.commands.context import reachable
from server.config import ConfigError


@click.group(name="db", help="The staff console's database.")
def db_group():
    """Commands on the console database."""


@db_group.command(name="upgrade", help="Create the console database, or migrate it to this code's schema.")
def upgrade_command():
    """Run every migration the database has not had yet."""
    from server.db.migrate import upgrade
    from server.db.session import engine_of

    try:
        # No schema check: this is the command a database behind the code is told to run.
        app = console_app()
        reachable(app)
        before, after = upgrade(app)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    where = engine_of(app).url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"console database {where} already at schema {after}")
    else:
        click.echo(f"console database {where} upgraded from schema {before or 'none (empty)'} to {after}")
