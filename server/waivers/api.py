"""The waiver registry's JSON API under /console/api/waivers (staff only, bearer token or session)."""

from flask import Blueprint
from flask import jsonify
from flask import request

from server.auth.identity import current_user
from server.auth.decorators import requires
from server.auth.roles import READERS
from server.request_body import json_object
from server.waivers.schemas import FILE_WAIVER
from server.waivers.schemas import LIST_WAIVERS
from server.waivers.schemas import OPENAPI_SCHEMAS
from server.waivers.schemas import SHOW_WAIVER
from server.waivers.schemas import STEPS
from server.waivers.schemas import WAIVER
from server.waivers.schemas import WAIVER_LIST
from server.db.session import get_session
from server.openapi import documented
from server.waivers import workflow
from server.waivers.rules import DECIDE
from server.waivers.rules import LEGAL_REVIEW
from server.waivers.rules import RECOMMEND
from server.waivers.rules import WITHDRAW

bp = Blueprint("console_waivers_api", __name__, url_prefix="/console/api/waivers")
__all__ = ["OPENAPI_SCHEMAS", "bp"]


@bp.get("")
@requires(*READERS)
@documented(get=LIST_WAIVERS)
def list_waivers():
    """Waivers the caller may see; ?agency= and ?state= filter."""
    waivers = workflow.list_waivers(get_session(), current_user(), agency=request.args.get("agency") or None,
                                    state_filter=request.args.get("state") or None)
    return jsonify(WAIVER_LIST.dump({"waivers": waivers}))


@bp.post("")
@requires("requester")
@documented(post=FILE_WAIVER)
def file_waiver():
    """File a request (requester): 201 with the waiver, its state `submitted` and the first trail entry."""
    waiver = workflow.file_waiver(get_session(), current_user(), json_object())
    response = jsonify(WAIVER.dump(waiver))
    response.status_code = 201
    response.headers["Location"] = f"/console/api/waivers/{waiver.id}"
    return response


@bp.get("/<waiver_id>")
@requires(*READERS)
@documented(get=SHOW_WAIVER)
def show_waiver(waiver_id):
    """One waiver with every field, its state today and its trail."""
    return jsonify(WAIVER.dump(workflow.get_waiver(get_session(), current_user(), waiver_id)))


# Who may take each step (policy 3.4): the committee recommends, General Counsel reviews, the Assistant Secretary
# decides; the requester (or an administrator) may withdraw.
STEP_ROLES = {
    RECOMMEND: ("reviewer",),
    LEGAL_REVIEW: ("counsel",),
    DECIDE: ("approver",),
    WITHDRAW: ("requester", "admin"),
}


def _step_view(action, roles):
    """POST /ID/ACTION: one workflow step, guarded by the roles that may take it."""

    @requires(*roles)
    @documented(post=STEPS[action])
    def take_step(waiver_id):
        waiver = workflow.take_step(get_session(), current_user(), waiver_id, action, json_object())
        return jsonify(WAIVER.dump(waiver))

    take_step.__name__ = action.replace("-", "_")
    take_step.__doc__ = STEPS[action]["summary"]
    return take_step


for _action, _roles in STEP_ROLES.items():
    bp.add_url_rule(f"/<waiver_id>/{_action}", view_func=_step_view(_action, _roles), methods=["POST"])
