"""The safe fetcher: only the agency's origins, pinned addresses, limits; refused URLs are never fetched."""

import pytest

from equal_access_site import DiscriminatingSite
from server.equal_access.fetch import SafeFetcher
from server.equal_access.guard import FetchRefused
from server.equal_access.guard import UrlGuard


class HostsTable:
    """A resolver from a fixed table (the machine has no outside DNS); counts its look-ups."""

    def __init__(self, table):
        self.table = table
        self.lookups = []

    def __call__(self, host, port):
        self.lookups.append(host)
        if host not in self.table:
            raise OSError(f"unknown host {host}")
        return list(self.table[host])


@pytest.fixture
def site():
    """The agency's site: a discriminating server on 127.0.0.1 that logs every request."""
    with_site = DiscriminatingSite()
    other = DiscriminatingSite()
    with_site.offsite_url = other.origin + "/equal"
    with_site.start()
    other.start()
    with_site.other = other
    yield with_site
    with_site.stop()
    other.stop()


def fetcher(site, **limits):
    return SafeFetcher([site.origin, "https://agency.example"], **limits)


def refused(site, url, code, **limits):
    """Assert the URL is refused with `code` and that neither server saw any request."""
    with pytest.raises(FetchRefused) as caught:
        fetcher(site, **limits).fetch(url)
    assert caught.value.code == code, caught.value.message
    assert site.requests == [] and site.other.requests == []
    return caught.value


def test_a_page_on_the_origin_is_fetched_with_the_given_headers(site):
    fetched = fetcher(site).fetch(site.origin + "/equal", {"Sec-GPC": "1"})
    assert fetched.status == 200 and b"Apply for a fishing licence" in fetched.body
    assert fetched.final_url == site.origin + "/equal" and fetched.redirects == []
    (path, headers), = site.requests
    assert path == "/equal" and headers["Host"] == f"127.0.0.1:{site.port}" and headers["Sec-GPC"] == "1"


def test_a_redirect_within_the_origin_is_followed_with_its_cookie(site):
    fetched = fetcher(site).fetch(site.origin + "/inside", {"Cookie": "consent_optout=abc"})
    assert fetched.final_url == site.origin + "/equal" and fetched.redirects == [site.origin + "/equal"]
    assert site.paths() == ["/inside", "/equal"]
    assert site.requests[1][1]["Cookie"] == "consent_optout=abc; visit=1"


def test_a_status_is_returned_not_raised(site):
    fetched = fetcher(site).fetch(site.origin + "/forbidden", {"Sec-GPC": "1"})
    assert fetched.status == 403


def test_a_url_on_another_origin_is_refused(site):
    refused(site, site.other.origin + "/equal", "not_on_origins")


def test_a_redirect_off_the_origin_is_refused_and_not_followed(site):
    with pytest.raises(FetchRefused) as caught:
        fetcher(site).fetch(site.origin + "/offsite")
    assert caught.value.code == "redirect_not_allowed"
    assert site.paths() == ["/offsite"] and site.other.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)", "gopher://x/"])
def test_other_schemes_are_refused(site, url):
    refused(site, url, "scheme_not_allowed")


def test_the_userinfo_trick_is_refused(site):
    refused(site, "https://agency.example@evil.example/", "userinfo_not_allowed")
    refused(site, f"http://127.0.0.1:{site.port}@127.0.0.1:{site.other.port}/equal", "userinfo_not_allowed")


@pytest.mark.parametrize("url", [
    "https://\u0430gency.example/",         # Cyrillic a
    "https://agency.exampl\u0435/",          # Cyrillic e
    "https://xn--gency-f1a.example/",        # its punycode spelling (not exactly an origin)
    "https://agency.example\u3002evil/",     # ideographic full stop
])
def test_idn_lookalikes_are_refused(site, url):
    error = refused(site, url, "lookalike_host")
    assert "internationalised" in error.message


@pytest.mark.parametrize("url", [
    "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]:{port}/equal",
    "http://localhost:{port}/equal", "http://127.0.0.1.:{port}/equal", "http://2130706433:{port}/equal",
    "http://0x7f.0.0.1:{port}/equal", "http://127.1:{port}/equal", "https://127.0.0.1:{port}/equal",
])
def test_addresses_and_spellings_that_are_not_exactly_an_origin_are_refused(site, url):
    refused(site, url.format(port=site.port), "not_on_origins")


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}\\@evil.example/", "http://127.0.0.1:{port}/a b",
                                 "http://127.0.0.1:{port}/\r\nX: y", "", "http://127.0.0.1:99999/"])
def test_malformed_urls_are_refused(site, url):
    refused(site, url.format(port=site.port), "url_invalid")


@pytest.mark.parametrize("addresses", [["10.0.0.1"], ["127.0.0.1"], ["169.254.169.254"], ["::ffff:10.0.0.1"],
                                       ["fd00::1"], ["100.64.0.1"], ["93.184.216.34", "192.168.1.1"]])
def test_a_configured_name_that_resolves_to_a_private_address_is_refused_before_connecting(site, addresses):
    resolver = HostsTable({"intranet.agency.example": addresses})
    guarded = SafeFetcher([f"http://intranet.agency.example:{site.port}"], resolver=resolver)
    with pytest.raises(FetchRefused) as caught:
        guarded.fetch(f"http://intranet.agency.example:{site.port}/equal")
    assert caught.value.code == "private_address"
    assert guarded.requests_made == 0 and site.requests == []


def test_a_public_address_is_accepted_without_connecting():
    guard = UrlGuard(["https://www.mass.gov"], HostsTable({"www.mass.gov": ["93.184.216.34"]}))
    target = guard.vet("https://www.mass.gov/info-details/x?y=1")
    assert target.addresses == ("93.184.216.34",) and target.request_target == "/info-details/x?y=1"


def test_an_unresolvable_name_is_refused(site):
    refused(site, "https://agency.example/", "dns_failed", resolver=HostsTable({}))


def test_localhost_is_allowed_when_configured_and_only_on_loopback(site):
    origin = f"http://localhost:{site.port}"
    fetched = SafeFetcher([origin]).fetch(origin + "/equal")
    assert fetched.status == 200 and site.requests[0][1]["Host"] == f"localhost:{site.port}"
    with pytest.raises(FetchRefused) as caught:
        SafeFetcher([origin], resolver=HostsTable({"localhost": ["10.0.0.1"]})).fetch(origin + "/equal")
    assert caught.value.code == "private_address"


def test_the_connection_goes_to_the_vetted_address_not_a_new_lookup(site):
    """DNS rebinding: the name is resolved once; the socket is opened to that address."""
    twin = DiscriminatingSite(host="127.0.0.2", port=site.port).start()
    try:
        resolver = HostsTable({"localhost": ["127.0.0.2"]})
        origin = f"http://localhost:{site.port}"
        SafeFetcher([origin], resolver=resolver).fetch(origin + "/equal")
        assert resolver.lookups == ["localhost"]
        assert twin.paths() == ["/equal"] and site.requests == []
        assert twin.requests[0][1]["Host"] == f"localhost:{site.port}"
    finally:
        twin.stop()


def test_a_slow_page_times_out(site):
    with pytest.raises(FetchRefused) as caught:
        fetcher(site, timeout=0.3).fetch(site.origin + "/slow")
    assert caught.value.code == "fetch_timeout"


def test_the_check_has_an_overall_deadline(site):
    guarded = fetcher(site, total_timeout=0.0)
    with pytest.raises(FetchRefused) as caught:
        guarded.fetch(site.origin + "/equal")
    assert caught.value.code == "fetch_timeout"


def test_a_page_over_the_size_limit_is_refused(site):
    with pytest.raises(FetchRefused) as caught:
        fetcher(site, max_bytes=100_000).fetch(site.origin + "/big")
    assert caught.value.code == "response_too_large"


def test_redirect_loops_stop(site):
    with pytest.raises(FetchRefused) as caught:
        fetcher(site, max_redirects=3).fetch(site.origin + "/loop")
    assert caught.value.code == "too_many_redirects" and len(site.requests) == 4


def test_the_request_limit_counts_redirects(site):
    guarded = fetcher(site, max_requests=1)
    with pytest.raises(FetchRefused) as caught:
        guarded.fetch(site.origin + "/inside")
    assert caught.value.code == "request_limit" and site.paths() == ["/inside"]


def test_an_unparseable_redirect_is_refused(site):
    with pytest.raises(FetchRefused) as caught:
        fetcher(site).fetch(site.origin + "/bad-redirect")
    assert caught.value.code == "redirect_not_allowed" and site.paths() == ["/bad-redirect"]


def test_every_vetted_address_is_tried_in_order(site):
    """localhost often answers ::1 first; a server on 127.0.0.1 only must still be reached."""
    resolver = HostsTable({"localhost": ["::1", "127.0.0.1"]})
    origin = f"http://localhost:{site.port}"
    fetched = SafeFetcher([origin], resolver=resolver).fetch(origin + "/equal")
    assert fetched.status == 200 and site.paths() == ["/equal"]
