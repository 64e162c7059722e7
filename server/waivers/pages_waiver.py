"""GET /console/waivers/ID: a waiver, its trail and the steps the signed-in role may take; POST one step."""

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for

from server.auth.identity import current_user
from server.auth.decorators import requires
from server.auth.roles import READERS
from server.waivers.forms_steps import DecideForm
from server.waivers.forms_steps import LegalReviewForm
from server.waivers.forms_steps import RecommendForm
from server.waivers.forms_steps import WithdrawForm
from server.db.session import get_session
from server.errors import ApiError
from server.waivers import workflow
from server.waivers.rules import DECIDE
from server.waivers.rules import LEGAL_REVIEW
from server.waivers.rules import RECOMMEND
from server.waivers.rules import WITHDRAW
from server.waivers.rules import next_step_allowed

bp = Blueprint("waiver", __name__)
# The steps in the policy's order, each with its form and what the page says it does.
STEPS = {RECOMMEND: (RecommendForm, "Recommend", "Recorded the committee's recommendation."),
         LEGAL_REVIEW: (LegalReviewForm, "Record the legal review", "Recorded the legal review."),
         DECIDE: (DecideForm, "Sign the decision", "Recorded the decision."),
         WITHDRAW: (WithdrawForm, "Withdraw this waiver", "The waiver was withdrawn.")}


def may_take(user, waiver, action, state):
    """Whether the page offers a step: the workflow's roles and order, and its rules about the requester."""
    if not user.has_role(*workflow.STEP_ROLES[action]) or not next_step_allowed(state, action):
        return False
    if workflow.separation_refusal(waiver, user, action) is not None:
        return False
    if action == WITHDRAW:
        return waiver.requester_id == user.id or user.has_role("admin")
    return True


def render(waiver, status=200, refused=(None, None), problem=None):
    """The page; `refused` is the (action, form) that was refused, shown again with its errors; `problem` why."""
    user = current_user()
    state = workflow.state(waiver)
    refused_action, refused_form = refused
    forms = {action: (refused_form if action == refused_action else form(prefix=action), label)
             for action, (form, label, _) in STEPS.items() if may_take(user, waiver, action, state)}
    return render_template("console/waiver.html", waiver=waiver, state=state, forms=forms, problem=problem), status


@bp.get("/<int:waiver_id>")
@requires(*READERS)
def show(waiver_id):
    """The waiver page (404 for a waiver of an agency the user may not see)."""
    return render(workflow.get_waiver(get_session(), current_user(), waiver_id))


def take(waiver_id, action):
    """Take a step through the workflow; a refusal shows the page again with the reason beside the form."""
    db = get_session()
    waiver = workflow.get_waiver(db, current_user(), waiver_id)
    form_class, _, done = STEPS[action]
    form = form_class(prefix=action)
    if not form.validate():
        return render(waiver, 422, (action, form), "Some answers are missing: see the form below.")
    try:
        workflow.take_step(db, current_user(), waiver_id, action, form.body())
    except ApiError as error:
        if error.status == 404:
            raise
        db.rollback()
        return render(workflow.get_waiver(db, current_user(), waiver_id), error.status, (action, form), error.message)
    flash(done)
    return redirect(url_for(".show", waiver_id=waiver_id), code=303)


def _step_view(action, roles):
    """One POST view per step, guarded by the roles that step needs."""

    @requires(*roles)
    def view(waiver_id):
        return take(waiver_id, action)

    view.__name__ = action.replace("-", "_")
    view.__doc__ = f"POST the {action} step."
    return view


for _action in STEPS:
    bp.add_url_rule(f"/<int:waiver_id>/{_action}", view_func=_step_view(_action, workflow.STEP_ROLES[_action]),
                    methods=["POST"])
