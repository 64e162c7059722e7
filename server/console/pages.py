"""The console's server-rendered waiver pages (list, request form, waiver page), wired into the app."""

from flask import Blueprint
from flask import render_template

from server.auth.views import CONSOLE_LINKS_KEY
from server.console import dashboard
from server.console import pages_list
from server.console import pages_request
from server.console import pages_waiver
from server.errors import ApiError

# One parent for the page blueprints: its error page covers them all (the JSON API keeps JSON errors).
bp = Blueprint("waiver_pages", __name__, url_prefix="/console/waivers")
for _child in (pages_list.bp, pages_request.bp, pages_waiver.bp):
    bp.register_blueprint(_child)


@bp.errorhandler(ApiError)
def error_page(error):
    """A refusal (403, 404, 409, 422) as a console page a person can read; the status is kept."""
    return render_template("console/error.html", error=error), error.status


def init_app(app):
    """Register the pages and the landing page's link to them; the monitoring pages come with them."""
    app.register_blueprint(bp)
    app.extensions.setdefault(CONSOLE_LINKS_KEY, []).append(("Waivers", "waiver_pages.list.index"))
    dashboard.init_app(app)
