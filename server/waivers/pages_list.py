"""GET /console/waivers: the waivers a member of staff may see, filtered by agency and state."""

from flask import Blueprint
from flask import render_template
from flask import request

from server.auth.identity import current_user
from server.auth.decorators import requires
from server.auth.roles import READERS
from server.waivers.forms import WaiverFilterForm
from server.waivers.forms import agency_choices
from server.db.session import get_session
from server.waivers import workflow

bp = Blueprint("list", __name__)


@bp.get("")
@requires(*READERS)
def index():
    """The list; an unknown state in the filter is a 422 page naming it."""
    user = current_user()
    form = WaiverFilterForm(request.args)
    form.agency.choices = agency_choices(user, blank="Every agency")
    waivers = workflow.list_waivers(get_session(), user, agency=form.agency.data or None,
                                    state_filter=form.state.data or None)
    rows = [(waiver, workflow.state(waiver)) for waiver in waivers]
    return render_template("console/waivers_list.html", form=form, rows=rows,
                           filtered=bool(form.agency.data or form.state.data),
                           may_request=user.has_role("requester"))
