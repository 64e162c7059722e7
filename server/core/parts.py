"""The installable parts (setup.cfg's extras): which is installed, told without importing any of them."""

import importlib.util

# What each extra adds that its code imports (the import names, not the distribution names).
EXTRAS = {
    "console": ("sqlalchemy", "alembic", "psycopg", "argon2", "flask_wtf", "limits", "redis", "weasyprint"),
    "monitor": ("huey", "redis", "selenium", "sqlalchemy", "alembic"),
    "qa": ("selenium", "bs4", "soupsieve", "publicsuffixlist", "textstat", "jinja2"),
}
NAMES = {"console": "the staff console", "monitor": "the monitoring worker", "qa": "consent-qa"}


class PartNotInstalled(RuntimeError):
    """A part asked for is not installed: the message is one line naming the extra."""


def installed(extra):
    """True when every package the part imports can be found."""
    return all(importlib.util.find_spec(name) is not None for name in EXTRAS[extra])


def not_installed(extra):
    """The one line a command or a setting of a missing part fails with."""
    return f"{NAMES[extra]} is not installed: pip install 'ma-consent[{extra}]'"


def require(extra):
    """Refuse, in one line, to run what needs a part that is not installed."""
    if not installed(extra):
        raise PartNotInstalled(not_installed(extra))
