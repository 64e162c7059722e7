"""Strict response headers on everything, and CORS that answers only an agency's own origins."""

from flask import current_app
from flask import request

from server.errors import error_response

JSON_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
SCRIPT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
ALLOWED_METHODS = "GET, POST, DELETE"
ALLOWED_HEADERS = "Content-Type, X-Consent-Token"
PREFLIGHT_MAX_AGE = "600"


def service_origin():
    """The origin this request reached the service on (same-origin pages, such as the demo, need no CORS)."""
    return request.host_url.rstrip("/")


def _request_agency_id():
    """The agency a /v1/AGENCY/... request is for, even when routing failed (404, 405)."""
    agency_id = (request.view_args or {}).get("agency_id")
    if agency_id is None and request.path.startswith("/v1/"):
        agency_id = request.path.split("/", 3)[2]
    return agency_id


def _request_agency():
    agency_id = _request_agency_id()
    if agency_id is None:
        return None
    return current_app.extensions["consent"].registry.get(agency_id)


def _origin_allowed(agency, origin):
    return agency.allows_origin(origin) or origin == service_origin()


def check_cross_origin():
    """before_request: answer preflights, refuse a state change from any origin but the agency's own."""
    agency = _request_agency()
    if agency is None:
        if request.method == "OPTIONS" and _request_agency_id() is not None:
            return error_response(404, "unknown_agency", "No agency is registered under this id.", "agency")
        return None
    origin = request.headers.get("Origin")
    if request.method == "OPTIONS":
        if origin is None or not _origin_allowed(agency, origin):
            return error_response(403, "origin_not_allowed", "This origin is not registered for the agency.",
                                  "Origin")
        return _preflight_response()
    if request.method in ("POST", "DELETE", "PUT", "PATCH"):
        if origin is not None and not _origin_allowed(agency, origin):
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


def add_headers(response):
    """after_request: CORS for allowed origins, then the security headers every response carries."""
    headers = response.headers
    origin = request.headers.get("Origin")
    if origin:
        agency = _request_agency()
        if agency is not None and _origin_allowed(agency, origin):
            # Never "*" or "null", and never credentials: the token travels in the body or a header.
            headers.add("Access-Control-Allow-Origin", origin)
            headers.add("Access-Control-Expose-Headers", "ETag")
    # One pass over what the view set, then plain appends: this runs on every request.
    present = {name.lower(): value for name, value in headers.items()}
    vary = present.get("vary")
    if vary is None:
        headers.add("Vary", "Origin")
    elif "origin" not in vary.lower():
        headers["Vary"] = f"{vary}, Origin"
    for name, value in STATIC_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy",
                    SCRIPT_CSP if response.mimetype == "text/javascript" else JSON_CSP)
    if request.is_secure and "strict-transport-security" not in present:
        headers.add("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app):
    app.before_request(check_cross_origin)
    app.after_request(add_headers)
