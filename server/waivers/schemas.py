"""The waiver API's answers and its entries in /openapi.json, from the same marshmallow schemas that read the requests.

Staff endpoints take `Authorization: Bearer TOKEN` (consent-service tokens create) or the console session.
"""

from operator import attrgetter

from marshmallow import Schema
from marshmallow import fields
from marshmallow import post_dump

from server.console.dumping import Instant
from server.console.dumping import SourcedSchema
from server.waivers.requests import DecideSchema
from server.waivers.requests import LegalReviewSchema
from server.waivers.requests import RecommendSchema
from server.waivers.requests import WaiverRequestSchema
from server.waivers.requests import WithdrawSchema
from server.waivers.rules import STATES
from server.waivers.workflow import state


class TrailEntrySchema(SourcedSchema):
    """One step of the append-only trail."""

    # A directory identity as "Name <e-mail> (subject ID)" (server.auth.models.User.identity), else the account name.
    SOURCES = {"actor": attrgetter("actor.identity")}

    at = Instant(dump_only=True, metadata={"format": "date-time"})
    actor = fields.String(dump_only=True)
    action = fields.String(dump_only=True, metadata={"enum": ["file", "recommend", "legal-review", "decide",
                                                               "withdraw"]})
    outcome = fields.String(dump_only=True, allow_none=True)
    notes = fields.String(dump_only=True, allow_none=True)


class WaiverSchema(SourcedSchema, WaiverRequestSchema):
    """A waiver as staff read it: the request's fields, who filed it, its state today and its trail."""

    SOURCES = {"agency": attrgetter("agency_id"), "extends": attrgetter("extends_id"),
               "requester": attrgetter("requester.name"), "state": state, "trail": attrgetter("steps")}

    id = fields.Integer(dump_only=True)
    requester = fields.String(dump_only=True)
    filed_at = Instant(dump_only=True, metadata={"format": "date-time"})
    state = fields.String(dump_only=True, metadata={"enum": list(STATES)})
    trail = fields.List(fields.Nested(TrailEntrySchema), dump_only=True)

    @post_dump
    def _in_answer_order(self, data, **_kwargs):
        # The declared order puts the request's fields first; the answer always began with the id.
        return {"id": data.pop("id"), **data}


class WaiverListSchema(Schema):
    """GET /console/api/waivers."""

    waivers = fields.List(fields.Nested(WaiverSchema), dump_only=True)


# Created once: every answer of the waiver API is dumped through these.
WAIVER = WaiverSchema()
WAIVER_LIST = WaiverListSchema()


def _errors(*statuses):
    return {str(status): {"description": "refused", "content": {"application/json": {"schema": "Error"}}}
            for status in statuses}


def _json(schema, description="OK", status=200):
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


WAIVER_ID = {"name": "waiver_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
_STEP_DOCS = (
    ("recommend", "WaiverRecommend", "Recommend grant or deny (role reviewer; first step)"),
    ("legal-review", "WaiverLegalReview", "General Counsel's analysis (role counsel; after the recommendation)"),
    ("decide", "WaiverDecide", "Decide grant or deny (role approver; after both; never the requester)"),
    ("withdraw", "WaiverWithdraw", "Withdraw the request or the waiver (its requester, or admin)"),
)

OPENAPI_SCHEMAS = (
    ("WaiverRequest", WaiverRequestSchema), ("Waiver", WaiverSchema), ("WaiverList", WaiverListSchema),
    ("WaiverRecommend", RecommendSchema), ("WaiverLegalReview", LegalReviewSchema), ("WaiverDecide", DecideSchema),
    ("WaiverWithdraw", WithdrawSchema),
)
# The operations each view carries (server/openapi.py `documented`), so each is written beside its route.
LIST_WAIVERS = {
    "summary": "Waivers the caller may see (any staff role)",
    "parameters": [{"name": "agency", "in": "query", "required": False, "schema": {"type": "string"}},
                   {"name": "state", "in": "query", "required": False,
                    "schema": {"type": "string", "enum": list(STATES)}}],
    "responses": {**_json("WaiverList"), **_errors(401, 403, 422, 503)}}
FILE_WAIVER = {
    "summary": "File a waiver request (role requester): complete, attested, lead time ahead",
    "requestBody": _body("WaiverRequest"),
    "responses": {**_json("Waiver", "filed", 201), **_errors(400, 401, 403, 415, 422, 503)}}
SHOW_WAIVER = {
    "summary": "One waiver: every field, its state today and its trail", "parameters": [WAIVER_ID],
    "responses": {**_json("Waiver"), **_errors(401, 403, 404, 503)}}
STEPS = {step: {"summary": summary, "parameters": [WAIVER_ID], "requestBody": _body(schema),
                "responses": {**_json("Waiver"), **_errors(400, 401, 403, 404, 409, 415, 422, 503)}}
         for step, schema, summary in _STEP_DOCS}
