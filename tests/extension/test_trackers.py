"""Which declared tracker a request or cookie belongs to (extension/trackers.py)."""

from extension.trackers import declared_tracker
from extension.trackers import tracker_of_request
from extension.trackers import tracker_prefixes

URL = "https://www.mass.gov/service"
NOTICE = {"trackers": [
    {"id": "ga", "requests": ["https://www.google-analytics.com/g/collect"],
     "cookies": [{"name": "_ga", "domain": "mass.gov"}, {"name": "_ga_*", "domain": "mass.gov"}]},
    {"id": "qualtrics", "requests": ["/survey/"],
     "cookies": [{"name": "QSI_SI_*_intercept", "domain": "www.mass.gov"}]},
]}


def test_tracker_prefixes_resolve_paths_on_the_page_origin():
    notice = {"trackers": [{"requests": ["/stats/", "https://acme.example/c"]}, {"requests": []}]}
    assert tracker_prefixes(URL, notice) == ("https://www.mass.gov/stats/", "https://acme.example/c")
    with_origins = {**notice, "origins": ["https://www.mass.gov", "https://dor.mass.gov"]}
    assert tracker_prefixes(URL, with_origins) == (
        "https://www.mass.gov/stats/", "https://dor.mass.gov/stats/", "https://acme.example/c")


def test_requests_match_by_origin_and_path_prefix():
    assert tracker_of_request("https://www.google-analytics.com/g/collect?v=2", URL, NOTICE) == "ga"
    assert tracker_of_request("https://www.mass.gov:443/survey/x.js", URL, NOTICE) == "qualtrics"
    assert tracker_of_request("https://other.mass.gov/survey/x.js", URL, NOTICE) is None
    assert tracker_of_request("https://www.mass.gov/surveys", URL, NOTICE) is None


def test_wildcard_cookie_names_belong_to_their_tracker():
    assert declared_tracker("_ga_ABC123", "mass.gov", NOTICE)["id"] == "ga"
    assert declared_tracker("_ga", "www.mass.gov", NOTICE)["id"] == "ga"
    assert declared_tracker("QSI_SI_x9_intercept", "www.mass.gov", NOTICE)["id"] == "qualtrics"
    assert declared_tracker("_gid", "mass.gov", NOTICE) is None
    assert declared_tracker("_ga_ABC123", "example.com", NOTICE) is None
