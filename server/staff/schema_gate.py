"""A console database behind the code closes the staff half with a 503 naming the fix; visitors never notice."""

import logging

from flask import current_app
from flask import render_template
from flask import request
from sqlalchemy.exc import OperationalError

from server.db.migrate import SchemaBehind
from server.db.migrate import check_schema
from server.db.migrate import schema_problem
from server.errors import ApiError
from server.errors import error_response

EXTENSION_KEY = "staff_schema_gate"
CONSOLE_PREFIX = "/console"
CONSOLE_API_PREFIX = "/console/api/"
CODE = "schema_behind"
log = logging.getLogger("server")


class StaffClosed(ApiError):
    """The staff half is closed until the database is at the code's schema: 503, naming the command."""

    def __init__(self, problem):
        super().__init__(503, CODE, f"The staff console is closed: {problem}.")


class SchemaGate:
    """Remembers a schema found current; until then asks the database again on every staff request.

    So `consent-service db upgrade`, run beside the service, opens the console without a restart.
    """

    def __init__(self, app):
        self.app = app
        self.current = False

    def problem(self):
        """None when the staff half may run; else why not (unreachable is left to get_session's 503)."""
        if self.current:
            return None
        try:
            problem = schema_problem(self.app)
        except OperationalError:
            return None
        self.current = problem is None
        return problem


def refuse_if_closed():
    """Raise the JSON 503 when the schema is not the code's (staff endpoints and the public waivers list)."""
    problem = current_app.extensions[EXTENSION_KEY].problem()
    if problem is not None:
        raise StaffClosed(problem)


def _close_console():
    """Every /console answer while closed: a page for pages, the JSON error for the API."""
    if request.path != CONSOLE_PREFIX and not request.path.startswith(CONSOLE_PREFIX + "/"):
        return None
    problem = current_app.extensions[EXTENSION_KEY].problem()
    if problem is None:
        return None
    closed = StaffClosed(problem)
    if request.path.startswith(CONSOLE_API_PREFIX):
        return error_response(closed.status, closed.code, closed.message)
    return render_template("staff/closed.html", problem=problem), closed.status


def init_app(app, check_now=True):
    """Look once at start-up (creating the embedded default file), then guard every /console request first."""
    gate = app.extensions[EXTENSION_KEY] = SchemaGate(app)
    if check_now:
        try:
            # None: unreachable (check_schema has warned); get_session answers 503 until it is back.
            gate.current = check_schema(app) is not None
        except SchemaBehind as behind:
            log.warning("the staff console answers 503 until its database is upgraded: %s", behind)
    app.before_request(_close_console)
    return gate
