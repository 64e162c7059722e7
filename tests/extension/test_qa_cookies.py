"""Cookie facts from the raw record: Set-Cookie parsing, sites, and merging stored with requested expiry."""

from email.utils import formatdate

import pytest

from extension.cookies import collect
from extension.cookies import domain_within
from extension.cookies import parse_set_cookie
from extension.cookies import site_of

NOW_MS = 1_800_000_000_000
DAY = 86400


def test_max_age_gives_the_requested_lifetime():
    cookie = parse_set_cookie("prefs=a; Max-Age=94608000; Path=/; HttpOnly; SameSite=Lax",
                              "https://www.mass.gov/x", NOW_MS, "header")
    assert cookie["name"] == "prefs"
    assert cookie["domain"] == "www.mass.gov" and cookie["host_only"]
    assert cookie["persistent"] and cookie["lifetime_days"] == 1095
    assert cookie["http_only"] and cookie["same_site"] == "lax" and not cookie["secure"]


def test_expires_is_relative_to_when_it_was_set():
    expires = formatdate(NOW_MS / 1000 + 100 * DAY, usegmt=True)
    cookie = parse_set_cookie(f"a=1; expires={expires}; domain=.mass.gov", "https://www.mass.gov/", NOW_MS, "script")
    assert cookie["domain"] == "mass.gov" and not cookie["host_only"]
    assert cookie["lifetime_days"] == 100


@pytest.mark.parametrize("line", ["a=; Max-Age=0", "a=; expires=Thu, 01 Jan 1970 00:00:00 GMT"])
def test_deletions_are_not_persistent_cookies(line):
    cookie = parse_set_cookie(line, "https://a.example/", NOW_MS, "header")
    assert cookie["deletion"] and not cookie["persistent"]


def test_session_cookie_and_garbage():
    assert parse_set_cookie("sid=1; Path=/", "https://a.example/", NOW_MS, "header")["persistent"] is False
    assert parse_set_cookie("no equals sign", "https://a.example/", NOW_MS, "header") is None


@pytest.mark.parametrize("host, site", [
    ("www.mass.gov", "mass.gov"), ("mass.gov", "mass.gov"), ("dor.state.ma.us", "state.ma.us"),
    ("a.b.example.co.uk", "example.co.uk"), ("127.0.0.1", "127.0.0.1"), ("localhost", "localhost"),
    (".Tracker.Example", "tracker.example"),
    # The Public Suffix List, not a hand-made list: hosting platforms and school districts are their own sites.
    ("d111.cloudfront.net", "d111.cloudfront.net"), ("a.d111.cloudfront.net", "d111.cloudfront.net"),
    ("agency.azurewebsites.net", "agency.azurewebsites.net"), ("lincoln.k12.ma.us", "lincoln.k12.ma.us"),
    ("www.lincoln.k12.ma.us", "lincoln.k12.ma.us"), ("cloudfront.net", "cloudfront.net"),
])
def test_site_of(host, site):
    assert site_of(host) == site


def test_domain_within():
    assert domain_within(".www.mass.gov", "mass.gov")
    assert domain_within("mass.gov", "mass.gov")
    assert not domain_within("notmass.gov", "mass.gov")


def test_collect_keeps_the_asked_expiry_beyond_chromiums_400_day_cap():
    stored = {"name": "prefs", "domain": "127.0.0.1", "path": "/", "session": False,
              "expirationDate": NOW_MS / 1000 + 400 * DAY, "httpOnly": False, "secure": False, "sameSite": "lax"}
    record = {"now": NOW_MS, "cookies": [stored], "events": [
        {"kind": "set-cookie", "time": NOW_MS, "url": "http://127.0.0.1:5000/",
         "headers": ["prefs=1; Max-Age=94608000; Path=/"]},
        {"kind": "cookie-change", "time": NOW_MS, "removed": False, "cookie": stored},
    ]}
    [fact] = collect({"before": record})
    assert fact.stored_days == 400
    assert fact.requested_days == 1095
    assert fact.lifetime_days == 1095
    assert fact.setters == ["127.0.0.1"] and fact.phases == ["before"]


def test_collect_merges_phases_and_script_writes():
    write = {"kind": "cookie-write", "time": NOW_MS, "url": "https://www.mass.gov/",
             "value": "_ga=1; max-age=63072000; path=/; domain=mass.gov"}
    facts = collect({"before": {"now": NOW_MS, "cookies": [], "events": [write]},
                     "after": {"now": NOW_MS, "cookies": [], "events": [write]}})
    assert [(f.name, f.domain, f.phases, f.persistent) for f in facts] == [
        ("_ga", "mass.gov", ["before", "after"], True)]
    assert facts[0].lifetime_days == 730
