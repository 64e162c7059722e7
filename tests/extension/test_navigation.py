"""Where a journey may go (issue 19.2): the rules alone, without a browser.

Host names under .gov stand for public sites; the resolver is the same pluggable function the equal-access
guard takes, answering as a DNS server would for these names.
"""

import pytest

from extension.navigation import LeftAllowedPlaces
from extension.navigation import allowed_for
from extension.navigation import check_url
from extension.navigation import policy_places
from extension.navigation import refusal

ANSWERS = {"www.agency.gov": ["93.184.215.10"], "a.site.gov": ["93.184.215.20"],
           "b.site.gov": ["93.184.215.21"], "intranet.site.gov": ["10.0.0.7"],
           "metadata.site.gov": ["169.254.169.254"], "demo.local.gov": ["127.0.0.1"],
           "other.local.gov": ["127.0.0.2"]}


def resolver(host, port):
    """A DNS answer for the names above; a name it does not know cannot be resolved (like NXDOMAIN)."""
    if host not in ANSWERS:
        raise OSError(f"unknown host {host}")
    return ANSWERS[host]


AGENCY = {"origins": ["https://www.agency.gov", "http://127.0.0.1:5000"]}


@pytest.mark.parametrize("url", ["https://www.agency.gov/", "https://www.agency.gov:443/a?b=c",
                                 "https://WWW.Agency.gov/services", "http://127.0.0.1:5000/demo/"])
def test_the_agency_origins_are_allowed(url):
    assert refusal(allowed_for("https://www.agency.gov/", AGENCY, resolver), url, resolver) is None


@pytest.mark.parametrize(("url", "why"), [
    ("http://127.0.0.1:6379/", "went to http://127.0.0.1:6379 (a loopback address), off the agency's origins"),
    ("http://169.254.169.254/latest/meta-data/", "went to http://169.254.169.254 (a link-local address), off"),
    ("http://10.1.2.3:8080/admin", "went to http://10.1.2.3:8080 (a private address), off"),
    ("http://[::1]:5000/", "went to http://[::1]:5000 (a loopback address), off"),
    ("http://www.agency.gov/", "went to http://www.agency.gov, off the agency's origins"),  # http, not https
    ("https://evil.gov/", "went to https://evil.gov, off the agency's origins"),
    ("file:///etc/passwd", "went to a file: page instead of the agency's origins"),
    ("chrome://settings/", "went to a chrome: page"),
])
def test_anywhere_else_is_refused_naming_the_origin(url, why):
    reason = refusal(allowed_for("https://www.agency.gov/", AGENCY, resolver), url, resolver)
    assert reason is not None and reason.startswith(why), reason


def test_the_failure_never_carries_the_path_or_query():
    allowed = allowed_for("https://www.agency.gov/", AGENCY, resolver)
    with pytest.raises(LeftAllowedPlaces) as refused:
        check_url(allowed, "http://127.0.0.1:9000/admin?token=s3cret", resolver)
    assert refused.value.where == "http://127.0.0.1:9000"
    assert "s3cret" not in str(refused.value) and "/admin" not in str(refused.value)
    assert str(refused.value).endswith("nothing of that page was kept")


def test_the_page_given_is_allowed_beside_the_agency_origins():
    allowed = allowed_for("https://a.site.gov/page", AGENCY, resolver)
    assert refusal(allowed, "https://a.site.gov/next", resolver) is None
    assert refusal(allowed, "https://b.site.gov/", resolver) is not None  # an agency is exact origins


def test_without_an_agency_the_page_registrable_domain_is_allowed():
    allowed = allowed_for("https://a.site.gov/", {"observed": True}, resolver)
    assert refusal(allowed, "https://b.site.gov/more", resolver) is None
    assert refusal(allowed, "http://a.site.gov:8443/", resolver) is None
    assert refusal(allowed, "https://example.org/", resolver).startswith("went to https://example.org, off "
                                                                          "site.gov")


@pytest.mark.parametrize(("url", "kind"), [("http://intranet.site.gov/", "private"),
                                           ("http://metadata.site.gov/", "link-local")])
def test_a_host_of_the_same_site_on_an_internal_address_is_refused(url, kind):
    allowed = allowed_for("https://a.site.gov/", {"observed": True}, resolver)
    assert refusal(allowed, url, resolver) == f"went to {url.rstrip('/')}, which is on a {kind} address"


def test_internal_addresses_are_allowed_when_the_given_page_is_on_one_itself():
    allowed = allowed_for("http://demo.local.gov:5000/", {"observed": True}, resolver)
    assert refusal(allowed, "http://other.local.gov:5000/", resolver) is None


def test_a_host_this_machine_cannot_resolve_is_judged_by_its_site_alone():
    # A browser with --host-resolver-rules (or a remote browser) resolves it: the site rule still holds.
    allowed = allowed_for("http://a.unlisted.gov/", {"observed": True}, resolver)
    assert refusal(allowed, "http://b.unlisted.gov/", resolver) is None
    assert refusal(allowed, "http://c.elsewhere.gov/", resolver) is not None


def test_the_policy_origin_the_agency_declares_is_added_and_nothing_else():
    notice = {**AGENCY, "privacy_policy_url": "https://www.mass.gov/privacy", "commonwealth_domains": ["mass.gov"]}
    allowed = policy_places(allowed_for("https://www.agency.gov/", notice, resolver), notice)
    assert refusal(allowed, "https://www.mass.gov/privacypolicy", resolver) is None
    assert refusal(allowed, "https://mass.gov/", resolver) is not None


def test_without_an_agency_a_policy_may_also_be_on_a_commonwealth_domain():
    notice = {"observed": True, "commonwealth_domains": ["mass.gov", "state.ma.us"]}
    allowed = allowed_for("https://a.site.gov/", notice, resolver)
    assert refusal(allowed, "https://www.mass.gov/privacypolicy", resolver) is not None  # not on the journey
    policy = policy_places(allowed, notice)
    assert refusal(policy, "https://www.mass.gov/privacypolicy", resolver) is None
    assert refusal(policy, "https://www.example.org/privacy", resolver) is not None


def test_special_use_names_are_never_looked_up_here():
    def no_dns(host, port):
        raise AssertionError(f"looked up {host}")

    allowed = allowed_for("http://a.example.test:8000/", {"observed": True}, no_dns)
    assert refusal(allowed, "http://b.example.test:8000/", no_dns) is None
    assert refusal(allowed, "http://intranet.test/", no_dns).startswith("went to http://intranet.test, off")
