"""Counting every answer in one WSGI layer outside the static fast path, so banner.js served from memory counts too.

Flask tells it which endpoint answered (a URL value preprocessor, which runs before any before_request hook can
refuse); the fast path leaves its served file in the environ. Only endpoint names and registered agency ids
become labels: an unknown path is "unmatched", so a visitor cannot mint label values.
"""

from functools import lru_cache
from time import perf_counter

from flask import request

from server.metrics.counters import BANNER_BYTES
from server.metrics.counters import BANNER_LOADS
from server.metrics.counters import LATENCY
from server.metrics.counters import OPT_OUTS
from server.metrics.counters import TALLY
from server.metrics.counters import WITHDRAWALS
from server.registry import REGISTRY_KEY

ENDPOINT_KEY = "consent.metrics.endpoint"
AGENCY_KEY = "consent.metrics.agency"
STATIC_KEY = "consent.static"  # set by server/static_delivery/middleware.py for what it serves from memory
UNMATCHED = "unmatched"
BANNER = "banner.banner_js"
NOTICE = "api.notice"
# Endpoint → the per-agency counter a successful answer adds one to.
AGENCY_COUNTERS = {"api.opt_out": OPT_OUTS, "api.withdraw": WITHDRAWALS}


class CountingMiddleware:
    """WSGI layer: time the answer, then count it by endpoint and status, and per agency where it is one of ours."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        started = perf_counter()
        answered = []

        def remember(status, headers, exc_info=None):
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.application(environ, remember)
        if answered:
            count(environ, answered[0], answered[1], perf_counter() - started)
        return body


def count(environ, status, headers, seconds):
    """One answer's increments: its time (so its count) by endpoint and status; opt-outs, withdrawals, banners by
    agency."""
    served = environ.get(STATIC_KEY)
    if served is not None:
        endpoint, agency = (BANNER if served.lang is None else NOTICE), served.agency_id
    else:
        endpoint, agency = environ.get(ENDPOINT_KEY) or UNMATCHED, environ.get(AGENCY_KEY)
    code = status[:3]
    TALLY.observe(_by_endpoint(endpoint, code), seconds)
    if agency is None or code[0] not in "23":
        return
    if endpoint == BANNER:
        TALLY.add(_by_agency(BANNER_LOADS, agency))
        if code == "200" and environ.get("REQUEST_METHOD") != "HEAD":
            TALLY.add(_by_agency(BANNER_BYTES, agency), _content_length(headers))
    elif endpoint in AGENCY_COUNTERS and code == "200":
        TALLY.add(_by_agency(AGENCY_COUNTERS[endpoint], agency))


# Children looked up once: prometheus_client's labels() takes a lock each time; endpoints and agencies are few.
@lru_cache(maxsize=1024)
def _by_endpoint(endpoint, code):
    """The latency child of this endpoint and status (its count: the requests answered)."""
    return LATENCY.labels(endpoint, code)


@lru_cache(maxsize=4096)
def _by_agency(counter, agency):
    """One agency's child of a per-agency counter."""
    return counter.labels(agency)


def _content_length(headers):
    for name, value in headers:
        if name.lower() == "content-length":
            return int(value)
    return 0


def init_app(app):
    """Count every answer of the app (call last: outside the static fast path and the security headers)."""
    extensions = app.extensions

    @app.url_value_preprocessor
    def name_the_endpoint(endpoint, values):
        """Tell the counting layer which endpoint matched, and the agency if the path names a registered one."""
        environ = request.environ
        environ[ENDPOINT_KEY] = endpoint
        agency_id = values.get("agency_id") if values else None
        if agency_id is not None and extensions[REGISTRY_KEY].get(agency_id) is not None:
            environ[AGENCY_KEY] = agency_id

    app.wsgi_app = CountingMiddleware(app.wsgi_app)
