"""The OpenAPI 3 document: each view documents its operations beside it, the marshmallow schemas its bodies.

A view is marked with ``@documented(get={...})``; ``build_spec(app)`` hands every marked view to
apispec's ``spec.path(view=...)`` (apispec-webframeworks' FlaskPlugin), which reads the path from the
view's own URL rule. So a route cannot be documented under another path than the one it serves.
"""

from copy import deepcopy

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin

from server.schemas.api import ErrorSchema

OPERATIONS_ATTRIBUTE = "openapi_operations"
AGENCY_PARAMETER = {"name": "agency_id", "in": "path", "required": True,
                    "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"}}
HTML_PAGE = {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}}}


def documented(**operations):
    """Attach a view's OpenAPI operations by HTTP method (``get=``, ``post=``...); build_spec collects them."""
    def attach(view):
        setattr(view, OPERATIONS_ATTRIBUTE, {**getattr(view, OPERATIONS_ATTRIBUTE, {}), **operations})
        return view
    return attach


def errors(*statuses):
    """Responses in the one JSON error shape, for these statuses."""
    return {str(status): {"description": "refused", "content": {"application/json": {"schema": ErrorSchema}}}
            for status in statuses}


def ok(schema, description="OK", status=200):
    """A JSON response described by a schema (a class, or the name of a registered component)."""
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


def build_spec(app, extra_schemas=()):
    """Assemble the document once at start-up from the app's documented views; extra_schemas: (name, schema)."""
    spec = APISpec(title="Commonwealth cookie-consent service", version="1.0.0", openapi_version="3.0.3",
                   plugins=[FlaskPlugin(), MarshmallowPlugin()],
                   info={"description": "Notice, opt-out and status for registered agency sites."})
    spec.components.schema("Error", schema=ErrorSchema)
    for name, schema in extra_schemas:
        spec.components.schema(name, schema=schema)
    for endpoint, view in app.view_functions.items():
        operations = getattr(view, OPERATIONS_ATTRIBUTE, None)
        if not operations:
            continue
        rule = next(app.url_map.iter_rules(endpoint))
        parameters = [AGENCY_PARAMETER] if "<agency_id>" in rule.rule else None
        # apispec mutates what it is given: each build gets its own copy of the view's operations.
        spec.path(view=view, app=app, operations=deepcopy(operations), parameters=parameters)
    return spec.to_dict()
