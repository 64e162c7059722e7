"""Strict response headers on everything, and CORS that answers only an agency's own origins."""

from flask import current_app
from flask import request

from server.errors import error_response
from server.registry import get_registry

JSON_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SCRIPT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
ALLOWED_METHODS = "GET, POST, DELETE"
ALLOWED_HEADERS = "Content-Type, X-Consent-Token"
PREFLIGHT_MAX_AGE = "600"


def service_origin():
    """The origin this request reached the service on (same-origin pages, such as the demo, need no CORS)."""
    return f"{request.scheme}://{request.host}"


def _request_agency_id():
    """The agency a /v1/AGENCY/... request is for, even when routing failed (404, 405).

    Only the public agency API answers cross-origin: console pages that name an agency get no CORS.
    """
    if not request.path.startswith("/v1/"):
        return None
    agency_id = (request.view_args or {}).get("agency_id")
    return agency_id if agency_id is not None else request.path.split("/", 3)[2]


def _request_agency():
    agency_id = _request_agency_id()
    if agency_id is None:
        return None
    return get_registry().get(agency_id)


def origin_allowed(agency, origin, own_origin):
    """An agency's own pages may call and read its API, and so may the service's own pages (the demo)."""
    return agency.allows_origin(origin) or origin == own_origin


def cors_headers(agency, origin, own_origin):
    """The CORS headers an answer to this Origin carries, here and on the fast path: none unless it is allowed.

    Never "*" or "null", and never credentials: the token travels in the body or a header.
    """
    if origin and agency is not None and origin_allowed(agency, origin, own_origin):
        return (("Access-Control-Allow-Origin", origin), ("Access-Control-Expose-Headers", "ETag"))
    return ()


def check_cross_origin():
    """before_request: answer preflights, refuse a state change from any origin but the agency's own."""
    if request.method in ("GET", "HEAD"):
        return None
    agency = _request_agency()
    if agency is None:
        if request.method == "OPTIONS" and _request_agency_id() is not None:
            return error_response(404, "unknown_agency", "No agency is registered under this id.", "agency")
        return None
    origin = request.headers.get("Origin")
    if request.method == "OPTIONS":
        if origin is None or not origin_allowed(agency, origin, service_origin()):
            return error_response(403, "origin_not_allowed", "This origin is not registered for the agency.",
                                  "Origin")
        return _preflight_response()
    if request.method in ("POST", "DELETE", "PUT", "PATCH"):
        if origin is not None and not origin_allowed(agency, origin, service_origin()):
            return error_response(403, "origin_not_allowed", "This origin is not registered for the agency.",
                                  "Origin")
        if origin is None and request.headers.get("Sec-Fetch-Site") == "cross-site":
            return error_response(403, "cross_site", "Cross-site requests without an Origin are refused.",
                                  "Origin")
    return None


def _preflight_response():
    response = current_app.response_class(status=204)
    response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


STATIC_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", "browsing-topics=(), interest-cohort=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
# The staff console's pages send Referer and a real Origin to the service only: under no-referrer a browser
# sends no Referer and "Origin: null" with their forms, so CSRF could not tell them from another site's
# (server/auth/origin.py). Links out of the console still carry nothing. Everything else stays no-referrer.
CONSOLE_PATH = "/console"
CONSOLE_HEADERS = tuple((name, "same-origin" if name == "Referrer-Policy" else value)
                        for name, value in STATIC_HEADERS)


def headers_for(path):
    """STATIC_HEADERS, with the console's Referrer-Policy under /console (its forms prove where they come from)."""
    if path == CONSOLE_PATH or path.startswith(CONSOLE_PATH + "/"):
        return CONSOLE_HEADERS
    return STATIC_HEADERS


def add_cors_headers(response):
    """after_request: let an agency's own pages (and the service's) read the answer; nobody else."""
    origin = request.headers.get("Origin")
    if origin:
        for name, value in cors_headers(_request_agency(), origin, service_origin()):
            response.headers[name] = value
    return response


class SecurityHeaders:
    """WSGI middleware: the security headers every response carries, errors and static files included.

    Applied to the finished header list, as plain list appends: this runs on every request,
    and Flask's header object validates each value again on every add.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        secure = environ.get("wsgi.url_scheme") == "https"
        static_headers = headers_for(environ.get("PATH_INFO", ""))

        def start(status, headers, exc_info=None):
            present = {name.lower(): index for index, (name, _) in enumerate(headers)}
            for name, value in static_headers:
                if name.lower() not in present:
                    headers.append((name, value))
            if "content-security-policy" not in present:
                content_type = headers[present["content-type"]][1] if "content-type" in present else ""
                headers.append(("Content-Security-Policy",
                                SCRIPT_CSP if content_type.startswith("text/javascript") else JSON_CSP))
            # Answers differ by Origin (CORS), so shared caches must keep them apart.
            if "vary" not in present:
                headers.append(("Vary", "Origin"))
            elif "origin" not in headers[present["vary"]][1].lower():
                headers[present["vary"]] = ("Vary", headers[present["vary"]][1] + ", Origin")
            if secure and "strict-transport-security" not in present:
                headers.append(HSTS)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def init_app(app):
    app.before_request(check_cross_origin)
    app.after_request(add_cors_headers)
    app.wsgi_app = SecurityHeaders(app.wsgi_app)
