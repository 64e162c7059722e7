"""Which URLs the checker may fetch: only the agency's own origins, vetted before any connection."""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from server.core.addresses import DEFAULT_PORTS
from server.core.addresses import is_public
from server.core.addresses import system_resolver

MAX_URL_LENGTH = 2048


class FetchRefused(Exception):
    """The checker will not (or could not) fetch a URL; `code` is machine-readable, `message` says why."""

    def __init__(self, code, message, url=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.url = url


@dataclass(frozen=True)
class Origin:
    """scheme, host (lower-case ASCII) and port of one configured origin, compared exactly."""

    scheme: str
    host: str
    port: int

    @classmethod
    def parse(cls, origin):
        parts = urlsplit(origin)
        scheme = parts.scheme.lower()
        return cls(scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme))

    @property
    def is_ip_literal(self):
        return _ip(self.host) is not None


@dataclass(frozen=True)
class Target:
    """A vetted URL: where to connect (the pinned, vetted addresses, in order) and what to ask for."""

    url: str
    origin: Origin
    addresses: tuple
    request_target: str


def _ip(host):
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _idna_host(host):
    """The ASCII form a browser would look up; IDN look-alikes become xn-- names that match no origin."""
    if host.isascii():
        return host.lower()
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None


class UrlGuard:
    """Vets URLs against an agency's origins and pins each to its checked addresses (no DNS rebinding)."""

    def __init__(self, origins, resolver=system_resolver):
        self.origins = tuple(Origin.parse(origin) for origin in origins)
        self.resolver = resolver

    def vet(self, url):
        """Return a Target, or raise FetchRefused before any connection is made."""
        if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
            raise FetchRefused("url_invalid", "The URL must be text of at most 2048 characters.", url)
        if any(ord(ch) <= 32 or ord(ch) == 127 for ch in url) or "\\" in url:
            raise FetchRefused("url_invalid", "The URL must not contain spaces, control characters or backslashes.",
                               url)
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise FetchRefused("url_invalid", "The URL cannot be parsed (bad host or port).", url) from None
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise FetchRefused("scheme_not_allowed", f"Only http and https URLs are checked, not {scheme or 'this'}:.",
                               url)
        if "@" in parts.netloc:
            raise FetchRefused("userinfo_not_allowed", "URLs with a user name or password (user@host) are refused.",
                               url)
        raw_host = parts.hostname or ""
        host = _idna_host(raw_host)
        if not host or "%" in host:
            raise FetchRefused("url_invalid", "The URL has no valid host name.", url)
        origin = Origin(scheme, host, port or DEFAULT_PORTS[scheme])
        if origin not in self.origins:
            if host != raw_host.lower() or host.startswith("xn--") or ".xn--" in host:
                raise FetchRefused(
                    "lookalike_host",
                    f"The host {raw_host!r} is an internationalised name ({host}) that is not one of the "
                    "agency's origins.",
                    url,
                )
            raise FetchRefused("not_on_origins", "The URL is not on one of the agency's configured origins.", url)
        addresses = self._addresses(origin, url)
        request_target = parts.path or "/"
        if parts.query:
            request_target += "?" + parts.query
        return Target(url, origin, addresses, request_target)

    def _addresses(self, origin, url):
        """The addresses to connect to; private ones only when the configuration names them."""
        literal = _ip(origin.host)
        if literal is not None:
            # The agency itself configured this address (e.g. the demo on 127.0.0.1): no DNS involved.
            return (str(literal),)
        try:
            answers = self.resolver(origin.host, origin.port)
            addresses = [ipaddress.ip_address(address.split("%", 1)[0]) for address in answers]
        except (OSError, ValueError):
            raise FetchRefused("dns_failed", f"The host {origin.host} could not be resolved.", url) from None
        if not addresses:
            raise FetchRefused("dns_failed", f"The host {origin.host} has no address.", url)
        local_name = origin.host == "localhost"
        for address in addresses:
            allowed = address.is_loopback if local_name else is_public(address)
            if not allowed:
                # One bad answer spoils the set: otherwise a resolver could mix a public and a private one.
                raise FetchRefused(
                    "private_address",
                    f"The host {origin.host} resolves to a private, loopback or reserved address; refused.",
                    url,
                )
        # Every answer was vetted, so any of them may be tried (localhost is often ::1 then 127.0.0.1).
        return tuple(dict.fromkeys(str(address) for address in addresses))
