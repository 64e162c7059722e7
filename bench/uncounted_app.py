"""The service as wsgi.py builds it, minus its counting layer: the baseline bench/metrics.py compares against."""

from server import create_app
from server.metrics.middleware import CountingMiddleware


def _without_counting(app):
    """Peel the outermost WSGI layer and the hook that names the endpoint for it: nothing else changes."""
    if not isinstance(app.wsgi_app, CountingMiddleware):
        raise SystemExit("the service no longer counts in an outermost CountingMiddleware: update this bench")
    app.wsgi_app = app.wsgi_app.application
    hooks = app.url_value_preprocessors[None]
    hooks[:] = [hook for hook in hooks if hook.__name__ != "name_the_endpoint"]
    return app


app = _without_counting(create_app())
