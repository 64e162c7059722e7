"""The waiver registry's JSON API under /console/api/waivers (staff only, bearer token or session)."""

from flask import Blueprint
from flask import jsonify
from flask import request

from server.auth import current_user
from server.auth import requires
from server.auth.roles import READERS
from server.request_body import json_object
from server.console.api_waivers_openapi import FILE_WAIVER
from server.console.api_waivers_openapi import LIST_WAIVERS
from server.console.api_waivers_openapi import OPENAPI_SCHEMAS
from server.console.api_waivers_openapi import SHOW_WAIVER
from server.console.api_waivers_openapi import STEPS
from server.db import get_session
from server.openapi import documented
from server.waivers import workflow
from server.waivers.rules import DECIDE
from server.waivers.rules import LEGAL_REVIEW
from server.waivers.rules import RECOMMEND
from server.waivers.rules import WITHDRAW
from server.waivers.serialise import staff_view

bp = Blueprint("console_waivers_api", __name__, url_prefix="/console/api/waivers")
__all__ = ["OPENAPI_SCHEMAS", "bp"]


@bp.get("")
@requires(*READERS)
@documented(get=LIST_WAIVERS)
def list_waivers():
    """Waivers the caller may see; ?agency= and ?state= filter."""
    waivers = workflow.list_waivers(get_session(), current_user(), agency=request.args.get("agency") or None,
                                    state_filter=request.args.get("state") or None)
    return jsonify({"waivers": [staff_view(waiver) for waiver in waivers]})


@bp.post("")
@requires("requester")
@documented(post=FILE_WAIVER)
def file_waiver():
    """File a request (requester): 201 with the waiver, its state `submitted` and the first trail entry."""
    waiver = workflow.file_waiver(get_session(), current_user(), json_object())
    response = jsonify(staff_view(waiver))
    response.status_code = 201
    response.headers["Location"] = f"/console/api/waivers/{waiver.id}"
    return response


@bp.get("/<waiver_id>")
@requires(*READERS)
@documented(get=SHOW_WAIVER)
def show_waiver(waiver_id):
    """One waiver with every field, its state today and its trail."""
    return jsonify(staff_view(workflow.get_waiver(get_session(), current_user(), waiver_id)))


def _step(waiver_id, action):
    waiver = workflow.take_step(get_session(), current_user(), waiver_id, action, json_object())
    return jsonify(staff_view(waiver))


@bp.post("/<waiver_id>/recommend")
@requires("reviewer")
@documented(post=STEPS[RECOMMEND])
def recommend(waiver_id):
    """The Joint Privacy Policy Review Committee recommends grant or deny."""
    return _step(waiver_id, RECOMMEND)


@bp.post("/<waiver_id>/legal-review")
@requires("counsel")
@documented(post=STEPS[LEGAL_REVIEW])
def legal_review(waiver_id):
    """General Counsel's analysis, after the recommendation."""
    return _step(waiver_id, LEGAL_REVIEW)


@bp.post("/<waiver_id>/decide")
@requires("approver")
@documented(post=STEPS[DECIDE])
def decide(waiver_id):
    """The Assistant Secretary for IT decides, after both, and never on a request of their own."""
    return _step(waiver_id, DECIDE)


@bp.post("/<waiver_id>/withdraw")
@requires("requester", "admin")
@documented(post=STEPS[WITHDRAW])
def withdraw(waiver_id):
    """The requester (or an administrator) withdraws the request or the waiver."""
    return _step(waiver_id, WITHDRAW)
