"""The console's server-rendered waiver pages (list, request form, waiver page) under one parent blueprint."""

from flask import Blueprint
from flask import render_template

from server.auth.views import CONSOLE_LINKS_KEY
from server.errors import ApiError
from server.waivers import pages_list
from server.waivers import pages_request
from server.waivers import pages_waiver

# One parent for the page blueprints: its error page covers them all (the JSON API keeps JSON errors).
bp = Blueprint("waiver_pages", __name__, url_prefix="/console/waivers", template_folder="templates")
for _child in (pages_list.bp, pages_request.bp, pages_waiver.bp):
    bp.register_blueprint(_child)


@bp.errorhandler(ApiError)
def error_page(error):
    """A refusal (403, 404, 409, 422) as a console page a person can read; the status is kept."""
    return render_template("console/error.html", error=error), error.status


def init_app(app):
    """Register the pages and the landing page's link to them."""
    app.register_blueprint(bp)
    app.extensions.setdefault(CONSOLE_LINKS_KEY, []).append(("Waivers", "waiver_pages.list.index"))
