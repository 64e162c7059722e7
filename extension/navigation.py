"""Where a journey may go: the agency's origins (or, without an agency, the page's own site) and nowhere else.

A hostile page can redirect, navigate by script or offer a next link into the worker's network (a metadata
service, an internal console). Nothing of a page off the allowed places may be captured: the driver asks
`stay_within` before and after every capture and `refusal` before every navigation, and a page that went
elsewhere is reported as `LeftAllowedPlaces`, naming the origin it went to. Private, loopback and link-local
addresses are allowed only when the places given are themselves on them (local demos and tests); the
address rule uses the equal-access checker's classification.
"""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from extension.cookies import site_of
from server.core.addresses import DEFAULT_PORTS
from server.core.addresses import non_public_kind
from server.core.addresses import system_resolver

HTTP_SCHEMES = ("http", "https")
SPECIAL_USE = (".test", ".example", ".invalid")


class LeftAllowedPlaces(RuntimeError):
    """The page went (or offered to go) off the agency's origins: it is not checked, nothing of it is kept."""

    def __init__(self, message, where):
        super().__init__(message)
        self.where = where


@dataclass(frozen=True)
class Allowed:
    """The exact origins a journey may visit, or (without an agency) the registrable domain it must stay on."""

    origins: frozenset
    sites: frozenset  # registrable domains allowed whole (without an agency); empty with one
    local: bool  # the places given are on private/loopback addresses themselves: such addresses are allowed
    described: str  # "the agency's origins" or "example.test": for the failure's message

    def extended(self, urls=(), sites=()) -> "Allowed":
        """The same places plus the exact origins of these URLs and these whole sites (where a policy may be)."""
        more = {origin_of(url) for url in urls if url and origin_of(url)}
        return Allowed(self.origins | more, self.sites | {site_of(site) for site in sites}, self.local,
                       self.described)


def origin_of(url: str) -> tuple | None:
    """(scheme, ASCII host, port) of an http(s) URL; None for anything else or a URL that cannot be parsed."""
    try:
        parts = urlsplit(url or "")
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in HTTP_SCHEMES or not host:
        return None
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return None
    return scheme, host, port or DEFAULT_PORTS[scheme]


def shown(origin: tuple) -> str:
    """scheme://host[:port], as the failure names it (never the path or query, which may carry tokens)."""
    scheme, host, port = origin
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + ("" if DEFAULT_PORTS[scheme] == port else f":{port}")


def _literal(host: str):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def address_kind(host: str, port: int, resolver=system_resolver) -> str | None:
    """Why this host is off the public Internet ("loopback", ...), None when public or not resolvable here.

    A host this machine cannot look up (a browser with --host-resolver-rules, a remote browser's own DNS) is
    judged by the origin rule alone: the browser, not this process, decides where it connects.
    """
    literal = _literal(host)
    if literal is not None:
        return non_public_kind(literal)
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    if host.endswith(SPECIAL_USE):
        return None  # never in public DNS (RFC 6761): a browser's own resolver rules place them, not this machine's
    try:
        answers = resolver(host, port)
    except (OSError, UnicodeError, ValueError):
        return None
    for answer in answers:
        try:
            kind = non_public_kind(answer.split("%", 1)[0])
        except ValueError:
            continue
        if kind:
            return kind
    return None


def allowed_for(url: str, notice_data: dict, resolver=system_resolver) -> Allowed:
    """The agency's origins and the page's own; without an agency (an observed notice), the page's site."""
    start = origin_of(url)
    if start is None:
        raise ValueError(f"not an http(s) URL: {url}")
    if notice_data.get("observed"):
        return Allowed(frozenset({start}), frozenset({site_of(start[1])}),
                       bool(address_kind(start[1], start[2], resolver)), site_of(start[1]))
    origins = {start} | {origin_of(o) for o in notice_data.get("origins") or () if origin_of(o)}
    local = any(address_kind(host, port, resolver) for _scheme, host, port in origins)
    return Allowed(frozenset(origins), frozenset(), local, "the agency's origins")


def policy_places(allowed: Allowed, notice_data: dict) -> Allowed:
    """Where clause 1.1 may read the privacy policy: the agency's declared policy URL's origin; without an
    agency, also the Commonwealth domains (a page's policy link often points to mass.gov)."""
    sites = notice_data.get("commonwealth_domains") or () if notice_data.get("observed") else ()
    return allowed.extended([notice_data.get("privacy_policy_url")], sites)


def refusal(allowed: Allowed, url: str, resolver=system_resolver) -> str | None:
    """Why the journey may not be on url (one line naming its origin), or None when it may."""
    origin = origin_of(url)
    if origin is None:
        scheme = urlsplit(url or "").scheme or "no scheme"
        return f"went to a {scheme}: page instead of {allowed.described}"
    if origin in allowed.origins:
        return None
    if site_of(origin[1]) not in allowed.sites:
        kind = address_kind(origin[1], origin[2], resolver) if _literal(origin[1]) is not None else None
        where = f" (a {kind} address)" if kind else ""
        return f"went to {shown(origin)}{where}, off {allowed.described}"
    kind = address_kind(origin[1], origin[2], resolver)
    if kind and not allowed.local:
        return f"went to {shown(origin)}, which is on a {kind} address"
    return None


def check_url(allowed: Allowed, url: str, resolver=system_resolver) -> None:
    """Raise LeftAllowedPlaces when url is not a place the journey may be."""
    reason = refusal(allowed, url, resolver)
    if reason:
        origin = origin_of(url)
        raise LeftAllowedPlaces(f"{reason}; nothing of that page was kept",
                                shown(origin) if origin else url.split(":", 1)[0] + ":")


def stay_within(driver, allowed: Allowed) -> None:
    """The browser's URL now must be allowed (after every navigation and every wait: scripts navigate any time)."""
    check_url(allowed, driver.current_url)


def where_it_went(driver, allowed: Allowed) -> str | None:
    """The failure to report when the browser is now off the allowed places; None when it is not (or cannot say)."""
    try:
        url = driver.current_url
    except Exception:  # noqa: BLE001 - a hung or crashed browser: its own error is the one to report
        return None
    if origin_of(url) is None:
        return None  # an error page (unreachable) or about:blank: the step's own error says more
    try:
        check_url(allowed, url)
    except LeftAllowedPlaces as e:
        return str(e)
    return None
