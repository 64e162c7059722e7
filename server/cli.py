"""The `consent-service` console script: the command group of server/commands with an app built on first use."""

from flask.cli import ScriptInfo

from server.app import create_app
from server.commands import cli


def main():
    """Entry point of the `consent-service` console script."""
    # Commands made with AppGroup.command get an app context from this ScriptInfo, built on first use;
    # `--help` and app-free commands (check-config) never build it, so they work without keys.
    cli.main(prog_name="consent-service", obj=ScriptInfo(create_app=create_app))
