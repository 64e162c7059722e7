"""GET /v1/AGENCY/waivers: the waivers in force today, scope and dates only (QA and monitoring read it).

The public half owns the answer and its OpenAPI entry; the waivers come from a provider the staff half registers
when it is mounted (`app.extensions[PROVIDER_KEY]`). Without a console database none was ever granted: an empty list.
"""

from flask import Blueprint
from flask import current_app
from flask import jsonify
from marshmallow import Schema
from marshmallow import fields

from server.core.calendar import today
from server.openapi import documented
from server.registry import get_agency_or_404

bp = Blueprint("waivers", __name__, url_prefix="/v1/<agency_id>")
# A function (agency id, day) -> the public view of each waiver in force; it raises an ApiError (503) when it
# cannot answer (database down, or behind the code).
PROVIDER_KEY = "public_waivers"


class PublicWaiverSchema(Schema):
    """A waiver in force as anyone may read it: scope and dates only."""

    id = fields.Integer(dump_only=True)
    clauses = fields.List(fields.String(), dump_only=True)
    scope = fields.Dict(dump_only=True)
    kind = fields.String(dump_only=True)
    starts = fields.Date(dump_only=True)
    ends = fields.Date(dump_only=True, allow_none=True)


class PublicWaiverListSchema(Schema):
    """GET /v1/AGENCY/waivers."""

    agency = fields.String(dump_only=True)
    date = fields.Date(dump_only=True)
    waivers = fields.List(fields.Nested(PublicWaiverSchema), dump_only=True)


OPENAPI_SCHEMAS = (("PublicWaiverList", PublicWaiverListSchema),)
PUBLIC_WAIVERS = {
    "summary": "The agency's waivers in force today: scope and dates only (public)",
    "responses": {
        "200": {"description": "OK", "content": {"application/json": {"schema": "PublicWaiverList"}}},
        **{str(status): {"description": "refused", "content": {"application/json": {"schema": "Error"}}}
           for status in (404, 503)},
    },
}


def no_waivers(_agency_id, _day):
    """No console database: no waiver was ever granted."""
    return []


@bp.get("/waivers")
@documented(get=PUBLIC_WAIVERS)
def waivers_in_force(agency_id):
    """Public and anonymous; no visitor's page depends on it."""
    agency = get_agency_or_404(agency_id)
    day = today()
    provider = current_app.extensions.get(PROVIDER_KEY, no_waivers)
    body = {"agency": agency.id, "date": day.isoformat(), "waivers": provider(agency.id, day)}
    response = jsonify(body)
    # In force "today": a shared cache must not serve yesterday's list for long.
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
