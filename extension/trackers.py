"""Which declared tracker a request or a cookie belongs to, by the same rules as the service's checker."""

from urllib.parse import urlsplit

from extension.cookies import domain_within
from extension.rules import cookie_name_matches
from server.core.equal_access.rules import TrackerPrefix
from server.core.equal_access.rules import expand_request_prefixes


def page_origins(url: str, notice_data: dict) -> list:
    """The page's own origin and the agency's, where a tracker's "/path" requests count."""
    parts = urlsplit(url)
    return list(dict.fromkeys([f"{parts.scheme}://{parts.netloc}", *notice_data.get("origins", [])]))


def tracker_prefixes(url: str, notice_data: dict) -> tuple:
    """Absolute request prefixes of the declared trackers ("/path": on the page's and the agency's origins)."""
    origins = page_origins(url, notice_data)
    return tuple(prefix for tracker in notice_data.get("trackers", [])
                 for prefix in expand_request_prefixes(tracker.get("requests", []), origins))


def tracker_of_request(request_url: str, page_url: str, notice_data: dict) -> str | None:
    """The id of the declared tracker a request belongs to (origin with default ports, then path prefix)."""
    origins = page_origins(page_url, notice_data)
    for tracker in notice_data.get("trackers", []):
        for prefix in expand_request_prefixes(tracker.get("requests", []), origins):
            if TrackerPrefix.parse(prefix).matches(request_url):
                return tracker["id"]
    return None


def declared_tracker(name: str, domain: str, notice_data: dict) -> dict | None:
    """The declared tracker listing this cookie: its name fits (wildcards too) and the domains nest."""
    for tracker in notice_data.get("trackers", []):
        for cookie in tracker.get("cookies", []):
            declared = cookie.get("domain", "")
            if cookie_name_matches(cookie.get("name", ""), name) and (
                    domain_within(domain, declared) or domain_within(declared, domain)):
                return tracker
    return None


def is_tracker_cookie(name: str, domain: str, notice_data: dict) -> bool:
    """Whether a cookie belongs to a declared tracker."""
    return declared_tracker(name, domain, notice_data) is not None
