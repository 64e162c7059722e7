"""The JSON API of one agency: its notice, the opt-out, and the visitor's status."""

import json

from flask import Blueprint
from flask import current_app
from flask import request

from server.request_body import json_object
from server.request_body import load
from server.cookies import token_from_request
from server.openapi import documented
from server.openapi import errors
from server.openapi import ok
from server.registry import get_agency_or_404
from server.schemas.api import NOTICE_QUERY
from server.schemas.api import OPT_OUT
from server.schemas.api import OPT_OUT_REQUEST
from server.schemas.api import STATUS
from server.schemas.api import WITHDRAW
from server.schemas.api import NoticeQuerySchema
from server.schemas.api import NoticeSchema
from server.schemas.api import OptOutRequestSchema
from server.schemas.api import OptOutSchema
from server.schemas.api import StatusSchema
from server.schemas.api import WithdrawSchema
from server.static_delivery.answer import respond
from server.static_delivery.negotiation import lang_for
from server.static_delivery.representations import notice_served
from server.tokens import get_tokens

bp = Blueprint("api", __name__, url_prefix="/v1/<agency_id>")


def _body(schema, data):
    """A response body through its schema (the one /openapi.json describes), as compact JSON bytes."""
    return json.dumps(schema.dump(data), separators=(",", ":")).encode()


# Built through the schemas once, at start-up: these endpoints are on every page view's path.
STATUS_BODIES = {
    (source, valid): _body(STATUS, {"opted_out": source != "none", "source": source, "token_valid": valid})
    for source in ("token", "gpc", "none") for valid in (True, False)
}
WITHDRAW_BODY = _body(WITHDRAW, {"opted_out": False})
# The opt-out answer around its token: the token is URL-safe base64 and dots, so it needs no JSON escaping.
_TOKEN_MARK = "TOKEN"
OPT_OUT_HEAD, OPT_OUT_TAIL = _body(OPT_OUT, {"opted_out": True, "token": _TOKEN_MARK}).split(_TOKEN_MARK.encode())


def _no_store(response):
    """Answers about one visitor's choice must never be cached by a proxy or CDN."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/notice")
@documented(get={"summary": "The notice as data", "parameters": [{"in": "query", "schema": NoticeQuerySchema}],
                 "responses": {**ok(NoticeSchema), **errors(404, 422)}})
def notice(agency_id):
    """The notice as data, in the visitor's language."""
    agency = get_agency_or_404(agency_id)
    # Most requests carry no query: skip the schema then (this endpoint is on the hot path).
    query = load(NOTICE_QUERY, request.args) if request.args else {}
    lang = lang_for(query.get("lang"), request.headers.get("Accept-Language", ""))
    # The same bytes and headers as the static files (server/static_delivery), in every coding, with ETags.
    # Its links to this service are paths: an answer built from the Host header could be cached by a CDN.
    return respond(notice_served(current_app, agency.id, lang))


@bp.post("/opt-out")
@documented(post={"summary": "Record an opt-out; returns the session token",
                  "requestBody": {"required": False,
                                  "content": {"application/json": {"schema": OptOutRequestSchema}}},
                  "responses": {**ok(OptOutSchema), **errors(400, 403, 404, 413, 415, 422)}})
def opt_out(agency_id):
    """Record an opt-out by issuing a signed token; the service itself stores nothing."""
    agency = get_agency_or_404(agency_id)
    body = json_object(required=False)
    if body:
        load(OPT_OUT_REQUEST, body)
    token = get_tokens().issue(agency.id)
    payload = OPT_OUT_HEAD + token.encode("ascii") + OPT_OUT_TAIL
    return _no_store(current_app.response_class(payload, mimetype=current_app.json.mimetype))


@bp.delete("/opt-out")
@documented(delete={"summary": "Withdraw the opt-out", "responses": {**ok(WithdrawSchema), **errors(403, 404)}})
def withdraw(agency_id):
    """Opt back in: the banner drops its token; there is nothing to forget on the server."""
    get_agency_or_404(agency_id)
    return _no_store(current_app.response_class(WITHDRAW_BODY, mimetype=current_app.json.mimetype))


@bp.get("/status")
@documented(get={
    "summary": "Whether this visitor is opted out (cookie consent_optout or X-Consent-Token; Sec-GPC)",
    "parameters": [{"in": "header", "name": "X-Consent-Token", "required": False, "schema": {"type": "string"}},
                   {"in": "header", "name": "Sec-GPC", "required": False, "schema": {"type": "string"}}],
    "responses": {**ok(StatusSchema), **errors(404)}})
def status(agency_id):
    """Whether this visitor counts as opted out, and why."""
    agency = get_agency_or_404(agency_id)
    verification = get_tokens().verify(token_from_request(), agency.id)
    gpc = request.headers.get("Sec-GPC", "").strip() == "1"
    if verification.valid:
        source = "token"
    elif gpc:
        source = "gpc"
    else:
        source = "none"
    body = STATUS_BODIES[(source, verification.valid)]
    response = current_app.response_class(body, mimetype=current_app.json.mimetype)
    response.headers["Vary"] = "Cookie, X-Consent-Token, Sec-GPC"
    return _no_store(response)
