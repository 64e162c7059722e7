"""A served file as a Flask response: what the routes answer when the fast path did not (?lang=, no fast path)."""

from flask import current_app
from flask import request

from server.static_delivery.negotiation import answer


def respond(served):
    """200 in the negotiated coding, or 304 when If-None-Match names any coding's ETag."""
    status, headers, body = answer(served, request.headers.get("Accept-Encoding"), request.headers.get("If-None-Match"))
    # The headers already hold Content-Type; werkzeug drops the entity headers of a 304 as it sends it.
    return current_app.response_class(body, status=status, headers=headers)
