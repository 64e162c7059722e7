"""The `consent-service` console script: the command group of server/commands; every failure is one line, exit 1."""

import os
import secrets
import sys

import click
from flask.cli import ScriptInfo

from server.commands.group import cli
from server.core import settings

PROG = "consent-service"


def app_for_commands():
    """The service's app for commands run in its context (`export`): it signs nothing and reads no console data,
    so neither a key nor an upgraded console database is required."""
    from server.app import create_app
    from server.staff.switch import SCHEMA_CHECK_KEY

    overrides = {SCHEMA_CHECK_KEY: False}
    if not settings.signing(os.environ).secret_keys:
        # A throwaway key, never used: the factory refuses to start without one, and these commands make no token.
        overrides["SECRET_KEYS"] = [secrets.token_urlsafe(32)]
    return create_app(overrides)


def one_line(error):
    """An exception as one line: the message of the project's own errors, else its type and first line."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if type(error).__module__.startswith(("server.", "extension.", "monitoring.")) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def main():
    """Entry point of the `consent-service` console script."""
    # Commands made with AppGroup.command or with_appcontext get an app from this ScriptInfo, built on first use;
    # `--help` and the app-free commands (check-config, db, users, tokens) never build it.
    try:
        cli.main(prog_name=PROG, obj=ScriptInfo(create_app=app_for_commands))
    except Exception as error:  # noqa: BLE001 - a command's failure is one line, never a traceback
        # Shaped like click's own usage errors, so every command fails alike.
        click.echo(f"Error: {one_line(error)}", err=True)
        sys.exit(1)
