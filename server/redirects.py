"""Redirects the router makes (a missing trailing slash) point at a path, never at the request's Host."""

from urllib.parse import urlsplit

from flask import redirect
from flask import request
from werkzeug.routing import RequestRedirect


def relative_redirect():
    """before_request: answer werkzeug's absolute RequestRedirect with the same redirect, as a path."""
    exception = request.routing_exception
    if not isinstance(exception, RequestRedirect):
        return None
    target = urlsplit(exception.new_url)
    location = target.path + (f"?{target.query}" if target.query else "")
    # "//host" would be read as another host; the router only ever adds a slash, so this is belt and braces.
    return redirect("/" + location.lstrip("/"), code=exception.code)


def init_app(app):
    app.before_request(relative_redirect)
