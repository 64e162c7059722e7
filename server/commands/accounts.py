"""`consent-service users …` and `tokens …`: staff accounts and their API tokens.

Plain click commands on the console database alone (server/commands/context.py): no signing key is needed, and
the agency files are read only to check an `--agency` named.
"""

import secrets
import sys

import click

from server.auth import accounts
from server.auth.passwords import WeakPassword
from server.commands.context import agency_ids
from server.commands.context import checked_console_app
from server.db.session import session_for
from server.auth.models import ROLES

DEMO_ADMIN = "demo-admin"


@click.group("users", help="Staff accounts: roles " + ", ".join(ROLES) + ".")
def users_group():
    """Staff account commands."""


@click.group("tokens", help="API tokens for scripts (Authorization: Bearer TOKEN).")
def tokens_group():
    """API token commands."""


def _read_password():
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.UsageError("--password-stdin: standard input gave no password")
    return password


@users_group.command("add", help="Add a staff account; --agency limits it to those agencies (default: all).")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLES), help="a role (repeatable)")
@click.option("--agency", "agencies", multiple=True, help="an agency id the account is limited to (repeatable)")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input (else token-only)")
def add_user(name, roles, agencies, password_stdin):
    """Create the account; a name taken, an unknown agency or a short password is refused in one line."""
    app = checked_console_app()
    known = agency_ids(app) if agencies else set()
    for agency in agencies:
        if agency not in known:
            raise click.UsageError(f"--agency {agency!r}: no such agency")
    password = _read_password() if password_stdin else None
    with session_for(app) as db:
        try:
            user = accounts.add_user(db, name, roles, agencies, password)
        except (accounts.AccountError, WeakPassword) as error:
            raise click.ClickException(str(error)) from None
        db.commit()
        click.echo(f"added {user.name}: roles {', '.join(sorted(user.role_names))}; agencies "
                   f"{', '.join(sorted(user.agency_ids)) or 'all'}; "
                   f"{'password set' if password else 'no password (token only)'}")


@users_group.command("demo-admin", help="Demo mode only: (re)set the demo administrator and print its password.")
def demo_admin():
    """So a newcomer can sign in at /console/ right away; a fresh password on every run, printed once."""
    app = checked_console_app()
    if not app.config["DEMO"]:
        raise click.UsageError("demo-admin exists only in demo mode (CONSENT_DEMO=1)")
    password = secrets.token_urlsafe(12)
    with session_for(app) as db:
        user = accounts.find_user(db, DEMO_ADMIN)
        if user is None:
            user = accounts.add_user(db, DEMO_ADMIN, ("admin",), (), password)
        else:
            accounts.set_password(user, password)
        db.commit()
    # The demo's public URL is its bound address (DESIGN.md "Running"): the link works as printed.
    sign_in_url = (app.config["PUBLIC_URL"] or "") + "/console/login"
    click.echo(f"staff console: sign in at {sign_in_url} as {DEMO_ADMIN} with the password {password}")


def _user_named(db, name):
    user = accounts.find_user(db, name)
    if user is None:
        raise click.ClickException(f"name {name!r}: no such account")
    return user


@tokens_group.command("create", help="Print a new API token for NAME on the last line (stored hashed; shown once).")
@click.argument("name")
def create_token(name):
    """The token is printed once: only its hash is kept."""
    with session_for(checked_console_app()) as db:
        user = _user_named(db, name)
        row, token = accounts.create_token(db, user)
        db.commit()
        click.echo(f"token {row.id} for {user.name} (roles {', '.join(sorted(user.role_names))}); "
                   "keep it secret, it is not shown again:")
        click.echo(token)


@tokens_group.command("revoke", help="Revoke the token with this id (as printed by create and list).")
@click.argument("token_id", type=int)
def revoke_token(token_id):
    """A revoked token is refused (401) from the next request on."""
    with session_for(checked_console_app()) as db:
        if not accounts.revoke_token(db, token_id):
            raise click.ClickException(f"token {token_id}: no live token has this id")
        db.commit()
    click.echo(f"token {token_id} revoked")


@tokens_group.command("list", help="The tokens of NAME: id, created, revoked.")
@click.argument("name")
def list_tokens(name):
    """Ids and dates only: the tokens themselves are not kept."""
    with session_for(checked_console_app()) as db:
        for row in _user_named(db, name).tokens:
            revoked = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "live"
            click.echo(f"{row.id}\tcreated {row.created_at:%Y-%m-%d %H:%M}\t{revoked}")
