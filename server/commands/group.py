"""`consent-service`: the service's command line, a Flask CLI group (so `flask --app wsgi …` works too).

Each concern has a module of its own here and adds its commands in `COMMANDS`. Commands that must work
without a running configuration (`check-config`, for one) are plain click commands with no app context.
The console script's entry point is server/cli.py: the factory imports this package, so this package
never imports the factory back. A command's module is imported only when that command (or `--help`) is asked
for: the public service alone never loads the console's or the monitor's packages, and a command of a part
that is not installed fails with one line naming its extra.
"""

import importlib

import click
from flask.cli import AppGroup

from server.core import parts

# name: (module, attribute, what it needs when that is not installed) of every command or command group.
COMMANDS = {
    "check-config": ("server.commands.check_config", "check_config", None),
    "db": ("server.commands.database", "db_group", "console"),
    "users": ("server.commands.accounts", "users_group", "console"),
    "tokens": ("server.commands.accounts", "tokens_group", "console"),
    "export": ("server.commands.export", "export_command", None),
    # Outside the server package: the monitoring worker uses the QA extension, which the service never imports.
    "monitor": ("monitoring.cli", "monitor_group", "monitor"),
}
def _missing_part(name, extra):
    """A stand-in for a command whose part is not installed: it takes any arguments and says which extra."""
    message = parts.not_installed(extra)

    @click.command(name, help=message, short_help=f"(not installed: pip install 'ma-consent[{extra}]')",
                   context_settings={"ignore_unknown_options": True, "allow_extra_args": True,
                                     "help_option_names": []})
    @click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
    def refuse(arguments):
        raise click.ClickException(message)

    return refuse


def load_command(name):
    """The command object, importing its module now; a part that is not installed gets its stand-in."""
    module_name, attribute, extra = COMMANDS[name]
    if extra is not None and not parts.installed(extra):
        return _missing_part(name, extra)
    return getattr(importlib.import_module(module_name), attribute)


class LazyGroup(AppGroup):
    """A command group that imports each command's module only when that command is looked up."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx, cmd_name):
        if cmd_name in COMMANDS:
            return load_command(cmd_name)
        return super().get_command(ctx, cmd_name)


def init_app(app):
    """Make every command available as `flask --app wsgi NAME` too (loaded when named)."""
    app.cli = LazyGroup(name=app.cli.name)


# An AppGroup, not a FlaskGroup: `--help` and app-free commands never build the app (which needs keys).
cli = LazyGroup(name="consent-service",
                help="The Commonwealth cookie-consent service: configuration, console, export and monitoring.")
