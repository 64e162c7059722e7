"""POST /v1/AGENCY/equal-access: the equal-access checker (policy 1.3.3) behind the JSON API (staff half)."""

from dataclasses import dataclass

from flask import Blueprint
from flask import current_app
from flask import jsonify

from server.auth.decorators import requires
from server.request_body import json_object
from server.request_body import load
from server.equal_access.check import check_pages
from server.equal_access.fetch import SafeFetcher
from server.equal_access.guard import FetchRefused
from server.equal_access.guard import system_resolver
from server.core.equal_access.rules import rules_for_agency
from server import capacity
from server.capacity import NoSlotFree
from server.capacity import get_pool
from server.errors import ApiError
from server.errors import error_response
from server.registry import REGISTRY_KEY
from server.core.agency import AgencyConfigError
from server.registry import get_agency_or_404
from server.openapi import documented
from server.schemas.equal_access import EQUAL_ACCESS_OPERATION
from server.schemas.equal_access import EQUAL_ACCESS_REQUEST
from server.schemas.equal_access import OPENAPI_SCHEMAS
from server.tokens import get_tokens

bp = Blueprint("equal_access", __name__, url_prefix="/v1/<agency_id>")
EXTENSION_KEY = "equal_access"
__all__ = ["OPENAPI_SCHEMAS", "bp", "init_app"]

# Refusals of the URL itself, whatever the rule it broke: the message says which.
_URL_REFUSALS = frozenset({
    "url_invalid", "scheme_not_allowed", "userinfo_not_allowed", "lookalike_host", "not_on_origins",
    "private_address",
})
_FETCH_PROBLEMS = {
    "dns_failed": "page_unreachable",
    "fetch_failed": "page_unreachable",
    "fetch_timeout": "page_timeout",
    "response_too_large": "page_too_large",
}


@dataclass
class EqualAccessSettings:
    """Limits of one check; tests may shorten them (and give a fixed-table resolver) on the app."""

    timeout: float = 5.0
    total_timeout: float = 25.0
    max_bytes: int = 2_000_000
    max_redirects: int = 4
    resolver: object = system_resolver


def init_app(app):
    """Default limits on the app; every agency's ignore selectors compiled now, so a bad one stops start-up."""
    app.extensions.setdefault(EXTENSION_KEY, EqualAccessSettings())
    capacity.init_app(app)
    for agency in app.extensions[REGISTRY_KEY].agencies.values():
        try:
            rules_for_agency(agency)
        except ValueError as error:
            raise AgencyConfigError(f"{agency.id}.toml: field equal_access_ignore: {error}") from None


def _busy(settings):
    """503 at once rather than a queue: a waiting check would hold a worker that visitors need."""
    if get_pool().slots == 0:
        message = "Equal-access checks need at least two workers (CONSENT_WORKERS): one always serves visitors."
    else:
        message = "The most equal-access checks that may run at once are running; try again shortly."
    response = error_response(503, "busy", message, None)
    # A check ends within total_timeout: by then a slot is free.
    response.headers["Retry-After"] = str(max(1, round(settings.total_timeout)))
    response.headers["Cache-Control"] = "no-store"
    return response


def _refusal(refusal, urls, single):
    """A FetchRefused as the 4xx the client gets, naming the URL at fault."""
    index = urls.index(refusal.url) if refusal.url in urls else None
    field = "url" if single else (f"urls[{index}]" if index is not None else "urls")
    if refusal.code in _URL_REFUSALS:
        code = "url_not_allowed"
    else:
        code = _FETCH_PROBLEMS.get(refusal.code, refusal.code)
    prefix = "" if single or index is None else f"urls[{index}]: "
    return ApiError(422, code, prefix + refusal.message, field)


@bp.post("/equal-access")
@requires("qa", "admin")
@documented(post=EQUAL_ACCESS_OPERATION)
def equal_access(agency_id):
    """Fetch each page as a visitor who did not opt out and as one who did; compare what they got."""
    agency = get_agency_or_404(agency_id)
    data = load(EQUAL_ACCESS_REQUEST, json_object())
    single = "url" in data
    urls = [data["url"]] if single else list(data["urls"])
    settings = current_app.extensions.get(EXTENSION_KEY) or EqualAccessSettings()
    fetcher = SafeFetcher(
        agency.origins, timeout=settings.timeout, total_timeout=settings.total_timeout,
        max_bytes=settings.max_bytes, max_redirects=settings.max_redirects,
        # Two visitors per URL, each allowed its first request and every redirect: no more.
        max_requests=2 * (1 + settings.max_redirects) * len(urls), resolver=settings.resolver,
    )
    # A fresh, valid opt-out for this agency: exactly what a visitor who opted out presents.
    token = get_tokens().issue(agency.id)
    try:
        with get_pool().slot():
            results = [result.to_dict() for result in check_pages(urls, agency, token, fetcher)]
    except NoSlotFree:
        return _busy(settings)
    except FetchRefused as refusal:
        raise _refusal(refusal, urls, single) from None
    body = {"equal": all(result["equal"] for result in results), "results": results}
    if single:
        body["differences"] = results[0]["differences"]
        body["truncated"] = results[0]["truncated"]
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response
