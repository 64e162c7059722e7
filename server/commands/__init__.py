"""`consent-service`: the service's command line, a Flask CLI group (so `flask --app wsgi …` works too).

Each concern has a module of its own here and adds its commands in `COMMANDS`. Commands that must work
without a running configuration (`check-config`, for one) are plain click commands with no app context.
The console script's entry point is server/cli.py: the factory imports this package, so this package
never imports the factory back.
"""

from flask.cli import AppGroup

# (module, attribute) of every command or command group; imported lazily so `--help` stays fast.
COMMANDS = (
    ("server.commands.check_config", "check_config"),
    ("server.commands.database", "db_group"),
    ("server.commands.accounts", "users_group"),
    ("server.commands.accounts", "tokens_group"),
    ("server.commands.export", "export_command"),
    # Outside the server package: the monitoring worker uses the QA extension, which the service never imports.
    ("monitoring.cli", "monitor_group"),
)


def _commands():
    import importlib

    for module_name, attribute in COMMANDS:
        yield getattr(importlib.import_module(module_name), attribute)


def init_app(app):
    """Make every command available as `flask --app wsgi NAME` too."""
    for command in _commands():
        app.cli.add_command(command)


# An AppGroup, not a FlaskGroup: `--help` and app-free commands never build the app (which needs keys).
cli = AppGroup(name="consent-service",
               help="The Commonwealth cookie-consent service: configuration, console, export and monitoring.")
for _command in _commands():
    cli.add_command(_command)
