"""Reading request bodies: the body as one JSON object, and one schema loader whose 422 names the field."""

import json

from flask import request
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from server.core.error_paths import first_error
from server.errors import ApiError


def json_object(required=True):
    """The request body as a JSON object, or the 4xx that says what is wrong with it."""
    if not required and not request.content_length and "chunked" not in request.headers.get(
            "Transfer-Encoding", "").lower():
        # No body announced: nothing to read (the opt-out's usual case, on the hot path).
        return {}
    raw = request.get_data(cache=True)
    if request.content_length is None and len(raw) >= (request.max_content_length or len(raw) + 1):
        # A chunked body is cut at the limit without a word: reaching the limit means it was longer.
        raise RequestEntityTooLarge()
    if not raw and not required:
        return {}
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.", "Content-Type")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        # RecursionError: thousands of nested brackets are malformed input, not a server fault.
        raise ApiError(400, "invalid_json", "The body is not valid JSON.", None) from None
    if not isinstance(body, dict):
        raise ApiError(422, "invalid", "The body must be a JSON object.", None)
    return body


def load(schema, data):
    """Validate with a marshmallow schema; the first problem becomes a 422 naming its field (e.g. urls[2])."""
    try:
        return schema.load(data)
    except ValidationError as error:
        field, message = first_error(error.messages)
        raise ApiError(422, "invalid", f"{field}: {message}" if field else str(message), field) from None
