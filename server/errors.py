"""Every error leaves the service as the same JSON shape, with a 4xx for anything a client did wrong."""

import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger("server")

_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    411: "length_required",
    413: "body_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    431: "headers_too_large",
}

_MESSAGES = {
    404: "There is nothing at this address.",
    405: "This method is not allowed here; the Allow header lists the ones that are.",
    413: "The request body is too large (at most 16 KiB).",
    414: "The address is too long.",
    431: "The request headers are too large.",
}


class ApiError(Exception):
    """A refusal the client can act on: status, machine code, plain message and the field at fault."""

    def __init__(self, status, code, message, field=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(status, code, message, field=None):
    """The one JSON error body of DESIGN.md."""
    response = jsonify({"error": {"code": code, "message": message, "field": field}})
    response.status_code = status
    return response


def register_errors(app):
    """Map ApiError, HTTP errors and, last, anything unexpected to JSON."""

    @app.errorhandler(ApiError)
    def _api_error(error):
        return error_response(error.status, error.code, error.message, error.field)

    @app.errorhandler(HTTPException)
    def _http_error(error):
        status = error.code or 500
        message = _MESSAGES.get(status) or error.description or error.name
        response = error_response(status, _CODES.get(status, "error"), message)
        if status == 405 and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response

    @app.errorhandler(Exception)
    def _unexpected(error):
        # Logged without the request's address or body: the service keeps no personal data.
        log.exception("unexpected error: %s", type(error).__name__)
        return error_response(500, "internal", "The service had an internal error.")
