"""The OpenAPI 3 document, generated from the marshmallow schemas so it cannot drift from the code."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from server.schemas import api as schemas

AGENCY_PARAMETER = {"name": "agency_id", "in": "path", "required": True,
                    "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"}}


def _errors(*statuses):
    return {str(status): {"description": "refused", "content": {"application/json": {"schema": "Error"}}}
            for status in statuses}


def _ok(schema, description="OK", status=200):
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


def build_spec(extra_schemas=(), extra_paths=()):
    """Assemble the document once at start-up; blueprints add theirs as (name, schema) and (path, operations)."""
    spec = APISpec(title="Commonwealth cookie-consent service", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Notice, opt-out and status for registered agency sites."})
    for name, schema in (("Error", schemas.ErrorSchema), ("Notice", schemas.NoticeSchema),
                         ("OptOutRequest", schemas.OptOutRequestSchema), ("OptOut", schemas.OptOutSchema),
                         ("Withdraw", schemas.WithdrawSchema), ("Status", schemas.StatusSchema),
                         ("Health", schemas.HealthSchema), *extra_schemas):
        spec.components.schema(name, schema=schema)
    spec.path(path="/v1/{agency_id}/notice", parameters=[AGENCY_PARAMETER], operations={"get": {
        "summary": "The notice as data", "parameters": [{"in": "query", "schema": schemas.NoticeQuerySchema}],
        "responses": {**_ok("Notice"), **_errors(404, 422)}}})
    spec.path(path="/v1/{agency_id}/opt-out", parameters=[AGENCY_PARAMETER], operations={
        "post": {"summary": "Record an opt-out; returns the session token",
                 "requestBody": {"required": False, "content": {"application/json": {"schema": "OptOutRequest"}}},
                 "responses": {**_ok("OptOut"), **_errors(400, 403, 404, 413, 415, 422)}},
        "delete": {"summary": "Withdraw the opt-out", "responses": {**_ok("Withdraw"), **_errors(403, 404)}}})
    spec.path(path="/v1/{agency_id}/status", parameters=[AGENCY_PARAMETER], operations={"get": {
        "summary": "Whether this visitor is opted out (cookie consent_optout or X-Consent-Token; Sec-GPC)",
        "parameters": [{"in": "header", "name": "X-Consent-Token", "required": False, "schema": {"type": "string"}},
                       {"in": "header", "name": "Sec-GPC", "required": False, "schema": {"type": "string"}}],
        "responses": {**_ok("Status"), **_errors(404)}}})
    html = {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}
    spec.path(path="/v1/{agency_id}/choices", parameters=[AGENCY_PARAMETER], operations={
        "get": {"summary": "HTML page with a plain opt-out form, for visitors without JavaScript",
                "responses": {**html, **_errors(404)}},
        "post": {"summary": "The form's submission: records the choice in a session cookie",
                 "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
                     "type": "object", "required": ["form_token", "choice"],
                     "properties": {"form_token": {"type": "string"},
                                    "choice": {"type": "string", "enum": ["opt-out", "opt-in"]}}}}}},
                 "responses": {**html, **_errors(403, 404, 413, 422)}}})
    spec.path(path="/v1/{agency_id}/banner.js", parameters=[AGENCY_PARAMETER], operations={"get": {
        "summary": "The embeddable script with the agency's notice built in; strong ETag, gzip or brotli",
        "responses": {"200": {"description": "JavaScript",
                              "content": {"text/javascript": {"schema": {"type": "string"}}}},
                      "304": {"description": "Not modified (If-None-Match)"}, **_errors(404)}}})
    spec.path(path="/v1/{agency_id}/embed", parameters=[AGENCY_PARAMETER], operations={"get": {
        "summary": "The snippet to paste, with the Subresource Integrity hash of the current script",
        "parameters": [{"in": "query", "name": "format", "required": False,
                        "schema": {"type": "string", "enum": ["json", "text"]}}],
        "responses": {"200": {"description": "the snippet", "content": {
            "application/json": {"schema": {"type": "object"}}, "text/plain": {"schema": {"type": "string"}}}},
            **_errors(404, 422)}}})
    spec.path(path="/healthz", operations={"get": {"summary": "Liveness", "responses": _ok("Health")}})
    for path, operations in extra_paths:
        spec.path(path=path, parameters=[AGENCY_PARAMETER] if "{agency_id}" in path else None, operations=operations)
    return spec.to_dict()
