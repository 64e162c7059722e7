"""The dashboard's JSON twins in /openapi.json: marshmallow schemas of what they answer, operations per view."""

from marshmallow import Schema
from marshmallow import fields

from server.core.clauses import CLAUSE_NAMES
from server.dashboard.coverage import NOT_CHECKED
from server.monitoring.models import VERDICTS
from server.openapi import errors
from server.openapi import ok

# "not-checked": a page the run could not check leaves the clause unproven (server/dashboard/coverage.py).
VERDICT_MAP = {"type": "object", "additionalProperties": {"type": "string", "enum": [*VERDICTS, NOT_CHECKED]}}


class RunSummarySchema(Schema):
    """A run as the lists give it."""

    id = fields.Integer(dump_only=True)
    agency = fields.String(dump_only=True)
    trigger = fields.String(dump_only=True, metadata={"enum": ["schedule", "manual"]})
    state = fields.String(dump_only=True, metadata={"enum": ["running", "done"]})
    started_at = fields.String(dump_only=True, metadata={"format": "date-time"})
    finished_at = fields.String(dump_only=True, allow_none=True, metadata={"format": "date-time"})
    pages_total = fields.Integer(dump_only=True)
    pages_failed = fields.Integer(dump_only=True, metadata={"description": "pages whose check itself failed"})
    checked = fields.String(dump_only=True, metadata={"enum": ["all", "partly", "none"],
                                                      "description": "how many of the run's pages were checked"})
    verdicts = fields.Dict(dump_only=True, metadata={"description": "the worst verdict of each clause; "
                                                                    "not-checked where a pass would cover a page "
                                                                    "the run could not check",
                                                     **VERDICT_MAP})
    href = fields.String(dump_only=True, metadata={"description": "the run's console page"})


class AgencyRowSchema(Schema):
    """One row of the matrix."""

    id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    secretariat = fields.String(dump_only=True, allow_none=True)
    latest_run = fields.Nested(RunSummarySchema, dump_only=True, allow_none=True)
    verdicts = fields.Dict(dump_only=True, metadata=VERDICT_MAP)


class AgencyMatrixSchema(Schema):
    """GET /console/api/agencies."""

    clauses = fields.List(fields.String(), dump_only=True)
    agencies = fields.List(fields.Nested(AgencyRowSchema), dump_only=True)


class UncheckedPageSchema(Schema):
    """A monitored page not checked in several runs in a row, flagged until it is checked again."""

    url = fields.String(dump_only=True)
    runs_in_a_row = fields.Integer(dump_only=True, metadata={"description": "failed runs in a row when flagged"})
    flagged_at = fields.String(dump_only=True, metadata={"format": "date-time"})
    run = fields.Integer(dump_only=True, metadata={"description": "the run that flagged it"})
    run_href = fields.String(dump_only=True)
    last_error = fields.String(dump_only=True, allow_none=True, metadata={"description": "why that check failed"})
    notified_at = fields.String(dump_only=True, allow_none=True, metadata={"format": "date-time",
                                                                            "description": "when contacts were told"})
    mail_error = fields.String(dump_only=True, allow_none=True,
                               metadata={"description": "why the e-mail was not sent yet (it is retried)"})


class AgencyRunsSchema(Schema):
    """GET /console/api/agencies/ID/runs."""

    agency = fields.String(dump_only=True)
    runs = fields.List(fields.Nested(RunSummarySchema), dump_only=True)
    unchecked_pages = fields.List(fields.Nested(UncheckedPageSchema), dump_only=True)


class FindingSchema(Schema):
    """One clause's verdict on one page, with consent-qa's reason and evidence."""

    clause = fields.String(dump_only=True)
    verdict = fields.String(dump_only=True, metadata={"enum": list(VERDICTS)})
    reason = fields.String(dump_only=True)
    evidence = fields.Raw(dump_only=True, allow_none=True)
    waiver = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "the waiver that covered it"})


class ScreenshotLinkSchema(Schema):
    """Where a page's screenshot is served (staff only)."""

    label = fields.String(dump_only=True, metadata={"enum": ["fresh", "opted-out"]})
    taken_at = fields.String(dump_only=True, metadata={"format": "date-time"})
    href = fields.String(dump_only=True)


class PageReportSchema(Schema):
    """A page of a run."""

    url = fields.String(dump_only=True)
    state = fields.String(dump_only=True, metadata={"enum": ["pending", "leased", "done", "failed"]})
    checked_at = fields.String(dump_only=True, allow_none=True, metadata={"format": "date-time"})
    seconds = fields.Float(dump_only=True, allow_none=True)
    error = fields.String(dump_only=True, allow_none=True)
    findings = fields.List(fields.Nested(FindingSchema), dump_only=True)
    screenshots = fields.List(fields.Nested(ScreenshotLinkSchema), dump_only=True)


class RegressionMailSchema(Schema):
    """A clause that went from pass to fail on a page, and whether its e-mail went out."""

    url = fields.String(dump_only=True)
    clause = fields.String(dump_only=True)
    detected_at = fields.String(dump_only=True, metadata={"format": "date-time"})
    notified_at = fields.String(dump_only=True, allow_none=True, metadata={"format": "date-time"})
    mail_error = fields.String(dump_only=True, allow_none=True,
                               metadata={"description": "why the e-mail was not sent yet (it is retried)"})


class RunReportSchema(RunSummarySchema):
    """GET /console/api/runs/RUN."""

    browser = fields.String(dump_only=True, allow_none=True)
    pages = fields.List(fields.Nested(PageReportSchema), dump_only=True)
    regressions = fields.List(fields.Nested(RegressionMailSchema), dump_only=True)


def _query(name, description, schema):
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


LIST_AGENCIES = {
    "summary": "Agencies × clauses: each visible agency's newest finished run and verdicts (any staff role)",
    "parameters": [_query("secretariat", "only this secretariat's agencies", {"type": "string"}),
                   _query("clause", "only this clause's column", {"type": "string", "enum": list(CLAUSE_NAMES)}),
                   _query("failing", "1: only agencies failing a shown clause", {"type": "string",
                                                                                  "enum": ["0", "1"]})],
    "responses": {**ok(AgencyMatrixSchema), **errors(401, 403, 422, 503)}}
AGENCY_RUNS = {
    "summary": "An agency's runs over the last days, newest first (404 for an agency outside the caller's)",
    "parameters": [_query("days", "how far back (default 365)", {"type": "integer", "minimum": 1,
                                                                  "maximum": 3660})],
    "responses": {**ok(AgencyRunsSchema), **errors(401, 403, 404, 422, 503)}}
SHOW_RUN = {
    "summary": "A run's full report: pages, findings with reason and evidence, screenshot links",
    "parameters": [{"name": "run_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}],
    "responses": {**ok(RunReportSchema), **errors(401, 403, 404, 503)}}
