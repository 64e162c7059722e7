"""The staff console's features, registered by name: each feature's folder holds its views and templates.

By name, not by import: the features import this package's shared parts (forms_base, notices, base.html), so
importing them here would make server.console and each feature import each other.
"""

from importlib import import_module

# Each module's init_app registers that feature's pages; in this order (the order of the URL map).
FEATURES = ("server.waivers.pages", "server.dashboard.pages", "server.statements.pages")


def init_app(app):
    """Register every feature's pages."""
    for name in FEATURES:
        import_module(name).init_app(app)
