"""The dashboard's JSON twins: the marshmallow schemas their answers are dumped through (and /openapi.json
documents), and the operations of each view."""

from operator import attrgetter
from operator import itemgetter

from flask import url_for
from marshmallow import Schema
from marshmallow import fields
from sqlalchemy.orm import object_session

from server.core.clauses import CLAUSE_NAMES
from server.console import notices
from server.console.dumping import Instant
from server.console.dumping import SourcedSchema
from server.dashboard.coverage import NOT_CHECKED
from server.dashboard.coverage import coverage
from server.dashboard.coverage import shown_verdicts
from server.monitoring.models import VERDICTS
from server.openapi import errors
from server.openapi import ok

# "not-checked": a page the run could not check leaves the clause unproven (server/dashboard/coverage.py).
VERDICT_MAP = {"type": "object", "additionalProperties": {"type": "string", "enum": [*VERDICTS, NOT_CHECKED]}}


def _run_href(run_id):
    return url_for("dashboard.run", run_id=run_id)


class RunSummarySchema(SourcedSchema):
    """A run as the lists give it."""

    SOURCES = {"agency": attrgetter("agency_id"), "checked": coverage, "verdicts": shown_verdicts,
               "href": lambda run: _run_href(run.id)}

    id = fields.Integer(dump_only=True)
    agency = fields.String(dump_only=True)
    trigger = fields.String(dump_only=True, metadata={"enum": ["schedule", "manual"]})
    state = fields.String(dump_only=True, metadata={"enum": ["running", "done"]})
    started_at = Instant(dump_only=True, metadata={"format": "date-time"})
    finished_at = Instant(dump_only=True, allow_none=True, metadata={"format": "date-time"})
    pages_total = fields.Integer(dump_only=True)
    pages_failed = fields.Integer(dump_only=True, metadata={"description": "pages whose check itself failed"})
    checked = fields.String(dump_only=True, metadata={"enum": ["all", "partly", "none"],
                                                      "description": "how many of the run's pages were checked"})
    verdicts = fields.Dict(dump_only=True, metadata={"description": "the worst verdict of each clause; "
                                                                    "not-checked where a pass would cover a page "
                                                                    "the run could not check",
                                                     **VERDICT_MAP})
    href = fields.String(dump_only=True, metadata={"description": "the run's console page"})


class AgencyRowSchema(SourcedSchema):
    """One row of the matrix, dumped from (agency, its newest run or None, the verdicts shown)."""

    SOURCES = {"id": lambda row: row[0].id, "name": lambda row: row[0].name,
               "secretariat": lambda row: row[0].secretariat, "latest_run": itemgetter(1), "verdicts": itemgetter(2)}

    id = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    secretariat = fields.String(dump_only=True, allow_none=True)
    latest_run = fields.Nested(RunSummarySchema, dump_only=True, allow_none=True)
    verdicts = fields.Dict(dump_only=True, metadata=VERDICT_MAP)


class AgencyMatrixSchema(Schema):
    """GET /console/api/agencies."""

    clauses = fields.List(fields.String(), dump_only=True)
    agencies = fields.List(fields.Nested(AgencyRowSchema), dump_only=True)


class UncheckedPageSchema(SourcedSchema):
    """A monitored page not checked in several runs in a row, flagged until it is checked again.

    Dumped from (flag, the last reason its check failed), as server/console/notices.py reads them.
    """

    SOURCES = {"url": lambda pair: pair[0].url, "runs_in_a_row": lambda pair: pair[0].runs,
               "flagged_at": lambda pair: pair[0].detected_at, "run": lambda pair: pair[0].run_id,
               "run_href": lambda pair: _run_href(pair[0].run_id), "last_error": itemgetter(1),
               "notified_at": lambda pair: pair[0].notified_at, "mail_error": lambda pair: pair[0].mail_error}

    url = fields.String(dump_only=True)
    runs_in_a_row = fields.Integer(dump_only=True, metadata={"description": "failed runs in a row when flagged"})
    flagged_at = Instant(dump_only=True, metadata={"format": "date-time"})
    run = fields.Integer(dump_only=True, metadata={"description": "the run that flagged it"})
    run_href = fields.String(dump_only=True)
    last_error = fields.String(dump_only=True, allow_none=True, metadata={"description": "why that check failed"})
    notified_at = Instant(dump_only=True, allow_none=True, metadata={"format": "date-time",
                                                                     "description": "when contacts were told"})
    mail_error = fields.String(dump_only=True, allow_none=True,
                               metadata={"description": "why the e-mail was not sent yet (it is retried)"})


class AgencyRunsSchema(Schema):
    """GET /console/api/agencies/ID/runs."""

    agency = fields.String(dump_only=True)
    runs = fields.List(fields.Nested(RunSummarySchema), dump_only=True)
    unchecked_pages = fields.List(fields.Nested(UncheckedPageSchema), dump_only=True)


class FindingSchema(SourcedSchema):
    """One clause's verdict on one page, with consent-qa's reason and evidence."""

    SOURCES = {"waiver": attrgetter("waiver_id")}

    clause = fields.String(dump_only=True)
    verdict = fields.String(dump_only=True, metadata={"enum": list(VERDICTS)})
    reason = fields.String(dump_only=True)
    evidence = fields.Raw(dump_only=True, allow_none=True)
    waiver = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "the waiver that covered it"})


class ScreenshotLinkSchema(SourcedSchema):
    """Where a page's screenshot is served (staff only)."""

    SOURCES = {"href": lambda shot: url_for("dashboard.screenshot", shot_id=shot.id)}

    label = fields.String(dump_only=True, metadata={"enum": ["fresh", "opted-out"]})
    taken_at = Instant(dump_only=True, metadata={"format": "date-time"})
    href = fields.String(dump_only=True)


class PageReportSchema(Schema):
    """A page of a run."""

    url = fields.String(dump_only=True)
    state = fields.String(dump_only=True, metadata={"enum": ["pending", "leased", "done", "failed"]})
    checked_at = Instant(dump_only=True, allow_none=True, metadata={"format": "date-time"})
    seconds = fields.Float(dump_only=True, allow_none=True)
    error = fields.String(dump_only=True, allow_none=True)
    findings = fields.List(fields.Nested(FindingSchema), dump_only=True)
    screenshots = fields.List(fields.Nested(ScreenshotLinkSchema), dump_only=True)


class RegressionMailSchema(Schema):
    """A clause that went from pass to fail on a page, and whether its e-mail went out."""

    url = fields.String(dump_only=True)
    clause = fields.String(dump_only=True)
    detected_at = Instant(dump_only=True, metadata={"format": "date-time"})
    notified_at = Instant(dump_only=True, allow_none=True, metadata={"format": "date-time"})
    mail_error = fields.String(dump_only=True, allow_none=True,
                               metadata={"description": "why the e-mail was not sent yet (it is retried)"})


class RunReportSchema(RunSummarySchema):
    """GET /console/api/runs/RUN."""

    SOURCES = {**RunSummarySchema.SOURCES,
               "regressions": lambda run: notices.run_regressions(object_session(run), run.id)}

    browser = fields.String(dump_only=True, allow_none=True)
    notes = fields.List(fields.String(), dump_only=True, allow_none=True,
                        metadata={"description": "one line each: why the sitemap could not be read, what it left out"})
    pages = fields.List(fields.Nested(PageReportSchema), dump_only=True)
    regressions = fields.List(fields.Nested(RegressionMailSchema), dump_only=True)


# Created once: every answer of the dashboard's JSON twins is dumped through these.
AGENCY_MATRIX = AgencyMatrixSchema()
AGENCY_RUN_LIST = AgencyRunsSchema()
RUN_REPORT = RunReportSchema()


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
