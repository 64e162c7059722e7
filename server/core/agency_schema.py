"""Agency configuration: every field of DESIGN.md, unknown keys rejected (a typo must not pass silently)."""

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import validate
from marshmallow import validates_schema

from server.core import validators
from server.core.schedule import schedule_test

MAX_POLICY_EXPIRY_DAYS = 730
# What a tracker's embedded frames show (`embed = "video"`): the placeholder's button says "Load this video".
EMBED_KINDS = ("video", "map", "form", "content")
DEFAULT_SITEMAP_PAGES = 50
MAX_SITEMAP_PAGES = 500
TEXT_KEYS = (
    "title", "intro", "technologies", "purposes", "opt_out", "ok", "accept", "details",
    "tracker_vendor", "tracker_purpose", "tracker_cookies", "tracker_license", "tracker_privacy",
    "privacy_link", "terms_link", "confirm_opted_out", "confirm_accepted", "gpc_honoured",
    "change_settings", "region_label", "session_cookie", "persistent_cookie", "days", "hide",
)


class StrictBoolean(fields.Boolean):
    """TOML true or false only: 1, "yes" or "true" would hide a typo."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("must be true or false")
        return value


def _text(max_length, **kwargs):
    return fields.String(validate=[validate.Length(min=1, max=max_length), validators.plain_text], **kwargs)


def _name(max_length, **kwargs):
    """A display name: it goes into e-mail subjects and headings, so one line only."""
    return fields.String(validate=[validate.Length(min=1, max=max_length), validators.one_line], **kwargs)


class CookieSchema(Schema):
    """A cookie a tracker plants: 2.1, 2.2 and 2.5 are judged against these."""

    name = fields.String(required=True, validate=[validate.Length(min=1, max=256), validators.plain_text])
    domain = fields.String(required=True, validate=validators.domain)
    persistent = StrictBoolean(required=True)
    expiry_days = fields.Integer(load_default=0, strict=True,
                                 validate=validate.Range(min=0, max=MAX_POLICY_EXPIRY_DAYS))

    @validates_schema
    def _persistent_needs_expiry(self, data, **kwargs):
        if data.get("persistent") and not data.get("expiry_days"):
            raise ValidationError("a persistent cookie needs expiry_days (1 to 730)", "expiry_days")


class TrackerSchema(Schema):
    """A third-party tool that plants cookies (1.3.1): named, explained, and linked to its terms."""

    id = fields.String(required=True, validate=validators.slug)
    vendor = _name(200, required=True)
    purpose = _text(1000, required=True)
    license_url = fields.String(required=True, validate=validators.web_url)
    privacy_url = fields.String(required=True, validate=validators.web_url)
    contracted = StrictBoolean(required=True)
    cookies = fields.List(fields.Nested(CookieSchema), load_default=list, validate=validate.Length(max=100))
    requests = fields.List(fields.String(validate=validators.request_prefix), load_default=list,
                           validate=validate.Length(max=50))
    # The tracker is embedded content (<iframe data-tracker data-src>): it needs the same links as a script.
    embed = fields.String(load_default=None, validate=validate.OneOf(EMBED_KINDS))


def _monitored_page(value):
    """A monitored page: a path on the agency's first origin, or a URL (checked against the origins later)."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        if any(ord(ch) < 33 or ord(ch) == 127 for ch in value) or len(value) > validators.MAX_URL_LENGTH:
            raise ValidationError("must be a path without spaces or control characters")
        return
    validators.web_url(value)


def _schedule(value):
    try:
        schedule_test(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class MonitoringSchema(Schema):
    """What the monitoring worker checks for this agency, when, and whom it tells about a regression."""

    pages = fields.List(fields.String(validate=_monitored_page), required=True,
                        validate=validate.Length(min=1, max=100))
    schedule = fields.String(load_default="daily", validate=_schedule)
    contacts = fields.List(fields.Email(), load_default=list, validate=validate.Length(max=50))
    # Whole sites: a sitemap (a path on the first origin, or a URL on its origins) and the pages a run takes from it.
    sitemap = fields.String(load_default=None, validate=_monitored_page)
    max_pages = fields.Integer(load_default=DEFAULT_SITEMAP_PAGES, strict=True,
                               validate=validate.Range(min=1, max=MAX_SITEMAP_PAGES))


# Per-language replacements for the default notice wording.
TextOverridesSchema = Schema.from_dict({key: _text(2000) for key in TEXT_KEYS}, name="TextOverridesSchema")


class AgencySchema(Schema):
    """One agency file."""

    id = fields.String(required=True, validate=validators.slug)
    name = _name(200, required=True)
    # The executive office the agency reports to (e.g. "EOHHS"): the monitoring dashboard filters by it.
    secretariat = _name(100, load_default=None)
    origins = fields.List(fields.String(validate=validators.origin), required=True,
                          validate=validate.Length(min=1, max=20))
    privacy_policy_url = fields.String(required=True, validate=validators.web_url)
    terms_url = fields.String(required=True, validate=validators.web_url)
    mode = fields.String(required=True, validate=validate.OneOf(["opt-out", "opt-in"]))
    commonwealth_domains = fields.List(fields.String(validate=validators.domain), required=True,
                                       validate=validate.Length(min=1, max=50))
    trackers = fields.List(fields.Nested(TrackerSchema), load_default=list, validate=validate.Length(max=100))
    texts = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?\Z")),
                        values=fields.Nested(TextOverridesSchema), load_default=dict)
    equal_access_ignore = fields.List(fields.String(validate=[validate.Length(min=1, max=500),
                                                              validators.plain_text]),
                                      load_default=list, validate=validate.Length(max=50))
    monitoring = fields.Nested(MonitoringSchema, load_default=None)
    # Clause 1.1: the highest reading grade QA accepts for the privacy policy (default 10).
    readability_max_grade = fields.Float(load_default=None, validate=validate.Range(min=1, max=20))

    @validates_schema
    def _monitored_pages_on_origins(self, data, **kwargs):
        origins = [origin.rstrip("/") for origin in data.get("origins") or ()]
        for index, page in enumerate((data.get("monitoring") or {}).get("pages", [])):
            if not page.startswith("/") and validators.origin_of(page) not in origins:
                raise ValidationError({"monitoring": {"pages": {index: ["must be on one of the agency's origins"]}}})
        sitemap = (data.get("monitoring") or {}).get("sitemap")
        if sitemap and not sitemap.startswith("/") and validators.origin_of(sitemap) not in origins:
            # The worker fetches it itself: never a server-side fetch outside the agency's own sites.
            raise ValidationError({"monitoring": {"sitemap": ["must be on one of the agency's origins"]}})

    @validates_schema
    def _unique_tracker_ids(self, data, **kwargs):
        seen = set()
        for index, tracker in enumerate(data.get("trackers", [])):
            if tracker["id"] in seen:
                raise ValidationError({"trackers": {index: {"id": [f"duplicate tracker id {tracker['id']!r}"]}}})
            seen.add(tracker["id"])


AGENCY_SCHEMA = AgencySchema()
