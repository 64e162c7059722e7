"""The staff console's pages, one feature at a time: each feature's folder holds its views and templates."""

from server.console import dashboard
from server.waivers import pages as waiver_pages


def init_app(app):
    """Register every feature's pages, in this order (the dashboard's also carry the statements)."""
    waiver_pages.init_app(app)
    dashboard.init_app(app)
