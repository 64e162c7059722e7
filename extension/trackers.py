"""Which declared tracker a request or a cookie belongs to, by the same rules as the service's checker."""

import json
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from extension.cookies import domain_within
from extension.rules import cookie_name_matches
from server.core.equal_access.rules import TrackerPrefix
from server.core.equal_access.rules import expand_request_prefixes

PLATFORM_HOSTS_FILE = Path(__file__).resolve().parent / "data" / "platform_hosts.json"
# Where evaluate() puts the consent platform autoconsent recognised on the page (its name), for the judgement here.
PLATFORM_KEY = "consent_platform"


@cache
def platform_hosts() -> dict:
    """{autoconsent platform name: the hosts of its own script, settings and consent records} (data/platform_hosts.json)."""
    rows = json.loads(PLATFORM_HOSTS_FILE.read_text(encoding="utf-8"))["platforms"]
    return {name: tuple(row["hosts"]) for row in rows for name in row["names"]}


def platform_request(request_url: str, platform: str | None) -> bool:
    """Whether a request goes to the recognised consent platform's own hosts: its opt-out mechanism, not tracking."""
    host = (urlsplit(request_url).hostname or "").lower().rstrip(".")
    return bool(host) and any(host == own or host.endswith("." + own) for own in platform_hosts().get(platform, ()))


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
    """The id of the declared tracker a request belongs to (origin with default ports, then path prefix); none for
    a request to the page's consent platform's own hosts (issue 21: the platform is not a tracker)."""
    if platform_request(request_url, notice_data.get(PLATFORM_KEY)):
        return None
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
