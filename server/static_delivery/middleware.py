"""The in-process fast path: banner.js and the notice answered from memory, ahead of Flask routing."""

from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wsgi import get_host

from server.registry import REGISTRY_KEY
from server.security import SecurityHeaders
from server.security import cors_headers
from server.static_delivery.negotiation import answer
from server.static_delivery.negotiation import lang_for
from server.static_delivery.representations import resources

FAST_METHODS = ("GET", "HEAD")
# Werkzeug's reason phrases ("304 NOT MODIFIED"), so the status line is Flask's byte for byte.
STATUS_LINES = {code: f"{code} {HTTP_STATUS_CODES[code].upper()}" for code in (200, 304)}


class StaticDelivery:
    """WSGI middleware: GET and HEAD of banner.js (plain or content-hashed) and of a notice without a query.

    Everything else (other methods, ?lang=, unknown agencies, every other path) goes on to Flask.
    """

    def __init__(self, application, items, registry):
        self.application = application
        self.registry = registry
        self.scripts = {item.url: item for item in items if item.lang is None}
        self.notices = {(f"/v1/{item.agency_id}/notice", item.lang): item for item in items if item.lang is not None}
        self.notice_paths = {path for path, _ in self.notices}
        # The same security headers as every Flask answer, by the same middleware.
        self.serve_static = SecurityHeaders(self._serve)

    def _match(self, environ):
        path = environ.get("PATH_INFO", "")
        if path in self.notice_paths:
            if environ.get("QUERY_STRING"):
                return None  # ?lang= is validated and answered by the dynamic route
            return self.notices.get((path, lang_for(None, environ.get("HTTP_ACCEPT_LANGUAGE", ""))))
        return self.scripts.get(path)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") in FAST_METHODS:
            item = self._match(environ)
            if item is not None:
                environ["consent.static"] = item
                return self.serve_static(environ, start_response)
        return self.application(environ, start_response)

    def _serve(self, environ, start_response):
        item = environ["consent.static"]
        status, headers, body = answer(item.served, environ.get("HTTP_ACCEPT_ENCODING"),
                                       environ.get("HTTP_IF_NONE_MATCH"))
        headers = list(headers)  # SecurityHeaders appends to it
        origin = environ.get("HTTP_ORIGIN")
        if origin:
            own_origin = f"{environ['wsgi.url_scheme']}://{get_host(environ)}"
            headers += cors_headers(self.registry.get(item.agency_id), origin, own_origin)
        start_response(STATUS_LINES[status], headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def init_app(app):
    """Serve the built answers from memory ahead of Flask (needs security.init_app and banner.init_app first)."""
    app.wsgi_app = StaticDelivery(app.wsgi_app, resources(app), app.extensions[REGISTRY_KEY])
