"""The dynamic route's answer from the same representations: what a static file cannot answer (?lang=)."""

from flask import current_app
from flask import request

from server.static_delivery.negotiation import coding_for
from server.static_delivery.negotiation import etag_matches


def respond(served, mimetype):
    """200 in the negotiated coding, or 304 when If-None-Match names any coding's ETag."""
    coding = coding_for(request.headers.get("Accept-Encoding", ""))
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and etag_matches(if_none_match, served.etags):
        return current_app.response_class(status=304, headers=served.not_modified_headers[coding])
    return current_app.response_class(served.bodies[coding], headers=served.headers[coding], mimetype=mimetype)
