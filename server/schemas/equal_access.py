"""Shapes of POST /v1/AGENCY/equal-access; the blueprint hands them to apispec for /openapi.json."""

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

MAX_URLS = 10
MAX_URL_LENGTH = 2048
KINDS = ("missing", "added", "changed")
WHATS = ("status", "url", "heading", "text", "link", "form", "image", "media", "iframe")



class EqualAccessRequestSchema(Schema):
    """One URL or a list of them, each on one of the agency's configured origins; unknown keys refused."""

    url = fields.String(validate=validate.Length(min=1, max=MAX_URL_LENGTH),
                        metadata={"description": "a page on one of the agency's origins"})
    urls = fields.List(fields.String(validate=validate.Length(min=1, max=MAX_URL_LENGTH)),
                       validate=validate.Length(min=1, max=MAX_URLS),
                       metadata={"description": f"up to {MAX_URLS} pages on the agency's origins"})

    @validates_schema
    def _exactly_one(self, data, **kwargs):
        if ("url" in data) == ("urls" in data):
            raise ValidationError("give either url or urls", "url")


class EqualAccessDifferenceSchema(Schema):
    """Something a visitor who opted out gets differently; before = a visitor who did not opt out."""

    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    what = fields.String(required=True, validate=validate.OneOf(WHATS))
    where = fields.String(required=True, metadata={"description": "CSS path, or (response) for status and url"})
    before = fields.String(required=True, allow_none=True, metadata={"description": "short excerpt"})
    after = fields.String(required=True, allow_none=True, metadata={"description": "short excerpt"})
    message = fields.String(required=True, metadata={"description": "what to fix, in plain English"})


class EqualAccessFetchSchema(Schema):
    """What one visitor got."""

    status = fields.Integer(required=True)
    final_url = fields.String(required=True)
    redirects = fields.List(fields.String(), required=True)
    bytes = fields.Integer(required=True)
    content_type = fields.String(required=True)


class EqualAccessStatusSchema(Schema):
    before = fields.Nested(EqualAccessFetchSchema, required=True,
                           metadata={"description": "a visitor who did not opt out"})
    after = fields.Nested(EqualAccessFetchSchema, required=True,
                          metadata={"description": "a visitor who opted out (token cookie and Sec-GPC: 1)"})


class EqualAccessPageSchema(Schema):
    url = fields.String(required=True)
    equal = fields.Boolean(required=True)
    differences = fields.List(fields.Nested(EqualAccessDifferenceSchema), required=True)
    truncated = fields.Boolean(required=True, metadata={"description": "more differences than listed"})
    status = fields.Nested(EqualAccessStatusSchema, required=True)


class EqualAccessResultSchema(Schema):
    """equal is true only when every page is; differences is given for a single url."""

    equal = fields.Boolean(required=True)
    results = fields.List(fields.Nested(EqualAccessPageSchema), required=True)
    differences = fields.List(fields.Nested(EqualAccessDifferenceSchema))
    truncated = fields.Boolean()


EQUAL_ACCESS_REQUEST = EqualAccessRequestSchema()
EQUAL_ACCESS_RESULT = EqualAccessResultSchema()

# The request names exactly one of url and urls: marshmallow checks it in code, JSON Schema says it here.
REQUEST_BODY = {
    "allOf": [{"$ref": "#/components/schemas/EqualAccessRequest"}],
    "oneOf": [{"required": ["url"]}, {"required": ["urls"]}],
}
# For apispec: component schemas by name, and the operation the view carries (server/openapi.py documented).
OPENAPI_SCHEMAS = (
    ("EqualAccessRequest", EqualAccessRequestSchema),
    ("EqualAccessResult", EqualAccessResultSchema),
)
EQUAL_ACCESS_OPERATION = {
    "summary": "Check that visitors who opt out get the same content (1.3.3); staff: qa or admin",
    "description": (
        "Fetches each page twice, as a visitor who did not opt out and as one who did (cookie "
        "consent_optout with a fresh token, and Sec-GPC: 1), and compares headings, text, links, forms, "
        "images, media, iframes, status and final URL. Only URLs on the agency's configured origins; "
        "redirects only within them; time, size and request limits. Refusals are 422 with a code: "
        "url_not_allowed, redirect_not_allowed, page_unreachable, page_timeout, page_too_large, "
        "too_many_redirects, request_limit."
    ),
    "requestBody": {"required": True, "content": {"application/json": {"schema": REQUEST_BODY}}},
    "responses": {
        "200": {"description": "the comparison", "content": {"application/json": {"schema": "EqualAccessResult"}}},
        **{str(status): {"description": "refused", "content": {"application/json": {"schema": "Error"}}}
           for status in (400, 401, 403, 404, 413, 415, 422)},
    },
}
