"""The safe fetcher: GET one page as a given visitor, within an agency's origins and fixed limits."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urljoin

from server.core.addresses import system_resolver
from server.equal_access.guard import FetchRefused
from server.equal_access.guard import UrlGuard

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "MassGov-Consent-EqualAccess/1.0 (+equal-access checker)"
CHUNK = 65536


@dataclass
class Fetched:
    """What one visitor got for one URL after following redirects."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    redirects: list = field(default_factory=list)

    def summary(self):
        return {"status": self.status, "final_url": self.final_url, "redirects": list(self.redirects),
                "bytes": len(self.body), "content_type": self.content_type}


def _connect_pinned(addresses, port, timeout):
    """A socket to the first vetted address that answers; never a fresh DNS look-up."""
    error = OSError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout)
        except OSError as failure:
            error = failure
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to the vetted addresses, whatever DNS says now; the Host header keeps the name."""

    def __init__(self, host, port, addresses, timeout):
        super().__init__(host, port, timeout=timeout)
        self._addresses = addresses

    def connect(self):
        self.sock = _connect_pinned(self._addresses, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the vetted addresses; the certificate is still checked against the host name (SNI)."""

    def __init__(self, host, port, addresses, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._addresses = addresses

    def connect(self):
        sock = _connect_pinned(self._addresses, self.port, self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _cookie_pairs(values):
    """name=value of each Set-Cookie header: kept only along one redirect chain, like a browser would."""
    pairs = {}
    for value in values or ():
        first = value.split(";", 1)[0]
        name, sep, content = first.partition("=")
        if sep and name.strip():
            pairs[name.strip()] = content.strip()
    return pairs


class SafeFetcher:
    """Fetches pages of one agency; every request (redirects included) counts against `max_requests`."""

    def __init__(self, origins, *, timeout=5.0, total_timeout=30.0, max_bytes=2_000_000, max_redirects=5,
                 max_requests=40, resolver=system_resolver, ssl_context=None):
        self.guard = UrlGuard(origins, resolver)
        self.timeout = timeout
        self.total_timeout = total_timeout
        self.deadline = time.monotonic() + total_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.max_requests = max_requests
        self.requests_made = 0
        self.ssl_context = ssl_context or ssl.create_default_context()

    def vet(self, url):
        """Refuse a URL before any traffic (FetchRefused), or return its vetted target."""
        return self.guard.vet(url)

    def fetch(self, url, headers=None):
        """GET url with the given extra headers, following redirects only within the origins."""
        target = self.guard.vet(url)
        redirects = []
        cookies = {}
        while True:
            status, response_headers, body = self._get(target, headers or {}, cookies)
            location = response_headers.get("Location")
            if status not in REDIRECT_STATUSES or not location:
                content_type = response_headers.get("Content-Type", "")
                return Fetched(url, target.url, status, content_type, body, redirects)
            if len(redirects) >= self.max_redirects:
                raise FetchRefused("too_many_redirects", f"More than {self.max_redirects} redirects.", url)
            cookies.update(_cookie_pairs(response_headers.get_all("Set-Cookie")))
            try:
                next_url = urljoin(target.url, location.strip())
            except ValueError:
                raise FetchRefused("redirect_not_allowed", "The page redirects to an address that cannot be parsed.",
                                   url) from None
            try:
                target = self.guard.vet(next_url)
            except FetchRefused as refusal:
                raise FetchRefused(
                    "redirect_not_allowed",
                    f"The page redirects to {next_url[:200]}, which is refused: {refusal.message}",
                    url,
                ) from refusal
            redirects.append(target.url)

    def _remaining(self, url):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise FetchRefused("fetch_timeout", "The time allowed for this check ran out.", url)
        return min(self.timeout, remaining)

    def _timeout_message(self, timeout):
        """Which limit ran out: the page's own, or the whole check's (then the page may have been fast)."""
        if timeout < self.timeout:
            # The time left for the check, not this page's pace: say so rather than "longer than 1 s".
            return (f"The check's overall time limit ({self.total_timeout:g} s for every page of the request) "
                    "ran out while this page was loading.")
        return f"The page took longer than {self.timeout:g} s to load."

    def _connection(self, target, timeout):
        origin = target.origin
        if origin.scheme == "https":
            return _PinnedHTTPSConnection(origin.host, origin.port, target.addresses, timeout, self.ssl_context)
        return _PinnedHTTPConnection(origin.host, origin.port, target.addresses, timeout)

    def _get(self, target, headers, cookies):
        """One request to the pinned addresses; the body read up to max_bytes and the deadline."""
        if self.requests_made >= self.max_requests:
            raise FetchRefused("request_limit", f"The limit of {self.max_requests} requests per check was reached.",
                               target.url)
        self.requests_made += 1
        started = time.monotonic()
        timeout = self._remaining(target.url)
        request_deadline = started + timeout
        sent = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
                "Accept-Encoding": "identity", "Connection": "close"}
        sent.update(headers)
        if cookies:
            jar = "; ".join(f"{name}={value}" for name, value in cookies.items())
            sent["Cookie"] = f"{sent['Cookie']}; {jar}" if sent.get("Cookie") else jar
        connection = self._connection(target, timeout)
        try:
            connection.request("GET", target.request_target, headers=sent)
            # Kept now: with "Connection: close" the connection lets go of its socket after the headers.
            sock = connection.sock
            response = connection.getresponse()
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchRefused("response_too_large", f"The page is larger than {self.max_bytes} bytes.", target.url)
            chunks = []
            size = 0
            while True:
                left = request_deadline - time.monotonic()
                if left <= 0:
                    raise FetchRefused("fetch_timeout", self._timeout_message(timeout), target.url)
                sock.settimeout(left)
                chunk = response.read1(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchRefused("response_too_large", f"The page is larger than {self.max_bytes} bytes.",
                                       target.url)
                chunks.append(chunk)
            return response.status, response.headers, b"".join(chunks)
        except TimeoutError:
            raise FetchRefused("fetch_timeout", self._timeout_message(timeout), target.url) from None
        except (OSError, http.client.HTTPException) as error:
            raise FetchRefused("fetch_failed", f"The page could not be fetched ({type(error).__name__}).",
                               target.url) from None
        finally:
            connection.close()
