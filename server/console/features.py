"""The staff console's features, registered by name: each feature's folder holds its views and templates.

By name, not by import: the features import this package's shared parts (forms_base, notices, the layout
templates), so importing them here would make server.console and each feature import each other.
"""

from importlib import import_module

from flask import Blueprint

# Each module's init_app registers that feature's pages; in this order (the order of the URL map).
FEATURES = ("server.waivers.pages", "server.dashboard.pages", "server.statements.pages")
# What every staff page shares: console/base.html (the layout), console/home.html, console/error.html.
bp = Blueprint("console", __name__, template_folder="templates")


def init_app(app):
    """Register the shared templates and every feature's pages."""
    app.register_blueprint(bp)
    for name in FEATURES:
        import_module(name).init_app(app)
