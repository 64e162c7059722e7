"""Statements of compliance: /console/agencies/ID/statement as HTML for print and .pdf, and the ISO's signature."""

from pathlib import Path

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from weasyprint import HTML
from wtforms import HiddenField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import validators

from server.auth.identity import current_user
from server.auth.decorators import requires
from server.auth.roles import READERS
from server.capacity import NoSlotFree
from server.capacity import get_pool
from server.console.forms_base import ConsoleForm
from server.db.session import get_session
from server.db.clock import commonwealth_day
from server.errors import ApiError
from server.registry import get_registry
from server.statements import statement as statements

bp = Blueprint("statements", __name__, url_prefix="/console", template_folder="templates")
# About how long the longest statement (ten years) takes to render here: by then a slot is likely free.
PDF_RETRY_SECONDS = 5
STYLESHEETS = ("console.css", "console_dashboard.css")


class SignForm(ConsoleForm):
    """The ISO signs what they read: the digest of the statement as shown travels with the form."""

    title = StringField("Your title", [validators.Optional(), validators.Length(max=200)],
                        description="As it should appear under your name, e.g. Information Security Officer.")
    notes = TextAreaField("Notes (optional)", [validators.Optional(), validators.Length(max=4000)])
    agency = HiddenField()
    period_from = HiddenField()
    period_to = HiddenField()
    digest = HiddenField()


def _statement(agency_id, args):
    user = current_user()
    agency = get_registry().agencies.get(agency_id)
    start, end = statements.period(args)
    statement = statements.build(get_session(), user, agency_id, agency, start, end)
    if agency is None and not statement.runs:
        raise ApiError(404, "not_found", "There is nothing at this address.")
    return user, statement


@bp.app_template_filter("commonwealth_day")
def commonwealth_day_filter(instant):
    """A stored UTC instant as the Commonwealth day it fell on (YYYY-MM-DD), as the statement's period counts."""
    return commonwealth_day(instant).isoformat()


@bp.errorhandler(ApiError)
def error_page(error):
    """A refusal (404, 409, 422) as a page a person can read; the status is kept."""
    return render_template("console/dashboard_error.html", error=error), error.status


@bp.get("/agencies/<agency_id>/statement")
@requires(*READERS)
def show(agency_id):
    """The statement as a page to read and print; an ISO of the agency finds the form to sign it."""
    user, statement = _statement(agency_id, request.args)
    form = None
    if user.has_role("iso"):
        form = SignForm(formdata=None, agency=agency_id, period_from=statement.period_from.isoformat(),
                        period_to=statement.period_to.isoformat(), digest=statement.digest())
    return render_template("console/statement.html", statement=statement, form=form,
                           digest=statement.digest())


@bp.get("/agencies/<agency_id>/statement.pdf")
@requires(*READERS)
def pdf(agency_id):
    """The same statement as a PDF (WeasyPrint), for filing and for a wet or digital signature."""
    # Seconds of queries and CPU for a long period: it takes a slot of slow staff work (server/capacity.py), so
    # one worker always serves visitors, and at most cores - 1 PDFs render at once; beyond that, 503 at once.
    try:
        with get_pool().slot(cpu_bound=True):
            return _pdf(agency_id)
    except NoSlotFree:
        return _busy()


def _pdf(agency_id):
    """Build, render and answer the PDF (inside the caller's slot)."""
    _user, statement = _statement(agency_id, request.args)
    # Inlined: WeasyPrint then fetches nothing (no request back to this service, no outside address).
    styles = "\n".join(Path(current_app.static_folder, name).read_text(encoding="utf-8") for name in STYLESHEETS)
    html = render_template("console/statement_pdf.html", statement=statement, digest=statement.digest(),
                           styles=styles)
    name = f"statement-{agency_id}-{statement.period_from.isoformat()}-{statement.period_to.isoformat()}.pdf"
    return Response(HTML(string=html).write_pdf(), mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


def _busy():
    """503 at once with Retry-After, as equal-access answers: a waiting PDF would hold a worker visitors need."""
    error = ApiError(503, "busy", "The most slow requests that may run at once are running (PDF statements, "
                                  "equal-access checks); try again in a few seconds.")
    response = Response(render_template("console/dashboard_error.html", error=error), status=503)
    response.headers["Retry-After"] = str(PDF_RETRY_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


# Like every console form, its Origin must be the service's (server/auth/origin.py): console pages answer
# Referrer-Policy same-origin, so the browser sends it (under no-referrer it sent "Origin: null").
@bp.post("/statements/sign")
@requires("iso")
def sign():
    """Keep the ISO's signature of the statement as read (its digest); the statement page then shows it."""
    form = SignForm(request.form)
    if not form.validate():
        raise ApiError(422, "invalid", "title or notes: too long.", "title")
    agency_id = form.agency.data or ""
    user, statement = _statement(agency_id, {"from": form.period_from.data, "to": form.period_to.data})
    statements.sign(get_session(), user, statement, form.digest.data, form.title.data, form.notes.data)
    flash(f"Signed: the statement of {statement.period_from.isoformat()} to {statement.period_to.isoformat()}.")
    return redirect(url_for("statements.show", agency_id=agency_id, **{
        "from": statement.period_from.isoformat(), "to": statement.period_to.isoformat()}), code=303)


def init_app(app):
    """Register the statement pages."""
    app.register_blueprint(bp)
