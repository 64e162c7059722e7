"""Request and response shapes of the JSON API; apispec turns these into /openapi.json."""

from marshmallow import EXCLUDE
from marshmallow import Schema
from marshmallow import fields
from marshmallow import validate

# A tracker and its cookies read out exactly as the agency file declares them: one schema for both.
from server.core.agency_schema import TrackerSchema

LANG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


class ErrorDetailSchema(Schema):
    code = fields.String(required=True, metadata={"description": "machine-readable reason"})
    message = fields.String(required=True, metadata={"description": "what is wrong, in plain English"})
    field = fields.String(required=True, allow_none=True, metadata={"description": "the field at fault"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorDetailSchema, required=True)


class NoticeQuerySchema(Schema):
    """Query of GET notice; unrelated parameters (campaign tags, cache-busters) are ignored."""

    class Meta:
        unknown = EXCLUDE

    lang = fields.String(validate=[validate.Length(max=35), validate.Regexp(LANG_PATTERN)],
                         metadata={"description": "language, e.g. en or es; default from Accept-Language"})


class AgencyRefSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)


class NoticeSchema(Schema):
    agency = fields.Nested(AgencyRefSchema, required=True)
    mode = fields.String(required=True, validate=validate.OneOf(["opt-out", "opt-in"]))
    lang = fields.String(required=True)
    text = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    privacy_policy_url = fields.String(required=True)
    terms_url = fields.String(required=True)
    choices_url = fields.String(required=True,
                                metadata={"description": "path of the no-JavaScript page on this service"})
    commonwealth_domains = fields.List(fields.String(), required=True)
    trackers = fields.List(fields.Nested(TrackerSchema), required=True)
    origins = fields.List(fields.String(), required=True, metadata={"description": "the agency's own sites"})
    equal_access_ignore = fields.List(fields.String(), required=True,
                                      metadata={"description": "CSS selectors left out of equal-access checks"})
    readability_max_grade = fields.Float(allow_none=True, metadata={
        "description": "highest reading grade of the privacy policy QA accepts (clause 1.1); null: grade 10"})


class OptOutRequestSchema(Schema):
    """Optional body of POST opt-out; unknown keys are refused so typos show."""

    source = fields.String(validate=validate.OneOf(["banner", "gpc", "api"]),
                           metadata={"description": "what prompted the opt-out"})


class OptOutSchema(Schema):
    opted_out = fields.Boolean(required=True)
    token = fields.String(required=True, metadata={"description": "store in the session cookie consent_optout"})


class WithdrawSchema(Schema):
    opted_out = fields.Boolean(required=True)


class StatusSchema(Schema):
    opted_out = fields.Boolean(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["token", "gpc", "none"]))
    token_valid = fields.Boolean(required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)
    agencies = fields.Integer(required=True)


NOTICE_QUERY = NoticeQuerySchema()
OPT_OUT_REQUEST = OptOutRequestSchema()
# The public answers are dumped through these, so they are what /openapi.json says they are.
NOTICE = NoticeSchema()
OPT_OUT = OptOutSchema()
WITHDRAW = WithdrawSchema()
STATUS = StatusSchema()
HEALTH = HealthSchema()
