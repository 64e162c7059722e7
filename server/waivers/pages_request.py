"""GET and POST /console/waivers/new: the request form; the workflow judges it, errors go beside their fields."""

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from server.auth.identity import current_user
from server.auth.decorators import requires
from server.waivers.forms import WaiverRequestForm
from server.waivers.forms import agency_choices
from server.db.session import get_session
from server.errors import ApiError
from server.db.clock import today as commonwealth_today
from server.waivers import workflow
from server.waivers.requests import missing_fields
from server.waivers.rules import earliest_start

bp = Blueprint("request", __name__)


def field_for(form, name):
    """The form field an API field name points at ("scope.cookies[0]" → the cookie names), or None."""
    root = name.split(".")[0].split("[")[0]
    if root == "scope":
        return form.scope_field()
    return form[root] if root in form else None


def missing_message(field):
    """What to say beside a missing answer; a box to tick says so."""
    if field.type == "BooleanField":
        return f"{field.label.text}: tick this box; the request cannot be filed without it."
    return f"{field.label.text}: this is missing."


def attach(form, error):
    """Put the workflow's refusal beside the field(s) it names; what names no field goes above the form."""
    if error.code == "incomplete":
        for name in error.field.split(", "):
            field = field_for(form, name)
            if field is not None and not field.errors:
                field.errors = [*field.errors, missing_message(field)]
        return
    field = field_for(form, error.field or "")
    if field is None:
        form.form_errors.append(error.message)
    else:
        field.errors = [*field.errors, error.message]


def render(form, status=200):
    """The form page, with every error listed above it and shown beside its field."""
    problems = [(field, message) for field in form if field.errors for message in field.errors]
    return render_template("console/waiver_form.html", form=form, problems=problems), status


@bp.route("/new", methods=["GET", "POST"])
@requires("requester")
def new():
    """The form; a complete, timely, attested request is filed and its page shown."""
    form = WaiverRequestForm()
    form.agency.choices = agency_choices(current_user(), blank="Choose an agency")
    lead_days = current_app.config[workflow.LEAD_DAYS_KEY]
    first_day = earliest_start(commonwealth_today(), lead_days)
    form.starts.description = f"At least {lead_days} days after it is filed: {first_day.isoformat()} or later."
    if request.method == "GET":
        if request.args.get("extends", "").isdigit():
            form.extends.data = request.args["extends"]
        return render(form)
    # Completeness and the rules are the workflow's; a value the form cannot read (a malformed date) stops here.
    if not form.validate():
        missing = ", ".join(missing_fields(form.body()))
        if missing:
            attach(form, ApiError(422, "incomplete", "", missing))
        return render(form, 422)
    try:
        waiver = workflow.file_waiver(get_session(), current_user(), form.body())
    except ApiError as error:
        if error.status not in (403, 422):
            raise
        attach(form, error)
        return render(form, error.status)
    flash(f"Waiver request {waiver.id} was filed. A reviewer recommends next.")
    return redirect(url_for("waiver_pages.waiver.show", waiver_id=waiver.id), code=303)
