"""Reading a waiver request and its steps: completeness first (every missing field named), then types."""

import re

from marshmallow import EXCLUDE
from marshmallow import RAISE
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from server.request_body import load
from server.errors import ApiError
from server.waivers.rules import CLAUSES
from server.waivers.rules import DENY
from server.waivers.rules import GRANT
from server.waivers.rules import KINDS
from server.waivers.rules import LARGEST_ID

REQUIRED = ("agency", "clauses", "scope", "purpose", "why_not_comply", "privacy_review", "pab_representative",
            "iso_copied", "no_sensitive_information", "kind", "starts")
# A cookie name (RFC 6265 token characters), optionally ending in one `*` for a prefix.
COOKIE_PATTERN = re.compile(r"^[A-Za-z0-9!#$%&'+.^_`|~-]+\*?$")
TEXT = {"validate": validate.Length(min=1, max=20_000)}


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def missing_fields(body):
    """Every required field absent or empty, in the order of the form; `ends` too for a limited waiver."""
    missing = [name for name in REQUIRED if _blank(body.get(name))]
    if body.get("kind") != "permanent" and _blank(body.get("ends")):
        missing.append("ends")
    return missing


class ScopeSchema(Schema):
    """Either one declared tracker or a list of cookie names (a name may end in `*`)."""

    class Meta:
        unknown = RAISE

    tracker = fields.String(validate=validate.Regexp(r"^[a-z0-9-]{1,64}$"))
    cookies = fields.List(fields.String(validate=validate.Regexp(
        COOKIE_PATTERN, error="not a cookie name (letters, digits, -._ and the like; `*` only at the end)")),
        validate=validate.Length(min=1, max=100))

    @validates_schema
    def _one_of(self, data, **_kwargs):
        if len(data) != 1:
            raise ValidationError('give either {"tracker": ID} or {"cookies": [NAME, ...]}')


class WaiverRequestSchema(Schema):
    """The request body of POST /console/api/waivers (DESIGN.md "Waivers")."""

    class Meta:
        unknown = RAISE

    agency = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9-]{1,64}$"))
    clauses = fields.List(fields.String(validate=validate.OneOf(CLAUSES)), required=True,
                          validate=validate.Length(min=1, max=len(CLAUSES)))
    scope = fields.Nested(ScopeSchema, required=True)
    purpose = fields.String(required=True, **TEXT)
    why_not_comply = fields.String(required=True, **TEXT)
    privacy_review = fields.String(required=True, **TEXT)
    pab_representative = fields.String(required=True, validate=validate.Length(min=1, max=200))
    iso_copied = fields.Boolean(required=True, truthy={True}, falsy={False})
    no_sensitive_information = fields.Boolean(required=True, truthy={True}, falsy={False})
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    starts = fields.Date(required=True)
    ends = fields.Date(load_default=None)
    extends = fields.Integer(load_default=None, strict=True, validate=validate.Range(min=1, max=LARGEST_ID))

    @validates_schema
    def _dates(self, data, **_kwargs):
        if data.get("kind") == "permanent" and data.get("ends") is not None:
            raise ValidationError("a permanent waiver has no end date", "ends")
        if data.get("ends") is not None and data["ends"] < data["starts"]:
            raise ValidationError("ends before it starts", "ends")


class _StepSchema(Schema):
    """A step's body: nothing but its own fields."""

    class Meta:
        unknown = RAISE


class _VerdictSchema(_StepSchema):
    """A grant-or-deny step, with notes."""

    notes = fields.String(load_default=None, validate=validate.Length(max=20_000))


class RecommendSchema(_VerdictSchema):
    """The Joint Privacy Policy Review Committee's recommendation (3.4)."""

    recommendation = fields.String(required=True, validate=validate.OneOf((GRANT, DENY)))


class LegalReviewSchema(_StepSchema):
    """General Counsel's analysis (3.4)."""

    analysis = fields.String(required=True, **TEXT)


class DecideSchema(_VerdictSchema):
    """The Assistant Secretary for IT's decision (3.4)."""

    decision = fields.String(required=True, validate=validate.OneOf((GRANT, DENY)))


class WithdrawSchema(Schema):
    """Why the request is withdrawn (optional; anything else in the body is ignored)."""

    class Meta:
        unknown = EXCLUDE

    notes = fields.String(load_default=None, validate=validate.Length(max=20_000))


WAIVER_REQUEST = WaiverRequestSchema()
STEP_SCHEMAS = {"recommend": RecommendSchema(), "legal-review": LegalReviewSchema(), "decide": DecideSchema(),
                "withdraw": WithdrawSchema()}


def read_request(body):
    """The validated request: 422 naming every missing field, then the first malformed one."""
    missing = missing_fields(body)
    if missing:
        raise ApiError(422, "incomplete", "The request is incomplete; missing: " + ", ".join(missing) + ".",
                       ", ".join(missing))
    data = load(WAIVER_REQUEST, body)
    if not data["no_sensitive_information"]:
        raise ApiError(422, "attestation_required", "The agency must attest that no highly sensitive "
                       "information is exposed by the cookie (no_sensitive_information: true).",
                       "no_sensitive_information")
    if not data["iso_copied"]:
        raise ApiError(422, "iso_not_copied", "The agency's Information Security Officer must be copied "
                       "on the request (iso_copied: true).", "iso_copied")
    return data


def read_step(action, body):
    """A step's body, validated by its schema."""
    return load(STEP_SCHEMAS[action], body)
