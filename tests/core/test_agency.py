"""Agency files read by the core: every invalid file is refused with one line naming file, field and value."""

import copy
import json

import pytest

from agency_files import DELETE
from agency_files import mutated
from agency_files import valid_agency
from agency_files import write_agency
from server.core.agencies import Registry
from server.core.agency import AgencyConfigError
from server.core.agency import load_agency_file
from server.demo_agency import demo_agency


def dotted(path):
    """The field path as the error message writes it: trackers[0].cookies[1].name."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def load_error(tmp_path, data):
    """The one-line message of the AgencyConfigError this data raises."""
    path = write_agency(tmp_path, data)
    with pytest.raises(AgencyConfigError) as caught:
        load_agency_file(path)
    message = str(caught.value)
    assert "\n" not in message, message
    assert message.startswith(f"{path.name}: "), message
    return message


REQUIRED = [
    ("id",), ("name",), ("origins",), ("privacy_policy_url",), ("terms_url",), ("mode",),
    ("commonwealth_domains",),
    ("trackers", 0, "id"), ("trackers", 0, "vendor"), ("trackers", 0, "purpose"),
    ("trackers", 0, "license_url"), ("trackers", 0, "privacy_url"), ("trackers", 0, "contracted"),
    ("trackers", 0, "cookies", 0, "name"), ("trackers", 0, "cookies", 0, "domain"),
    ("trackers", 0, "cookies", 0, "persistent"),
]


@pytest.mark.parametrize("path", REQUIRED, ids=dotted)
def test_missing_required_field_is_named(tmp_path, path):
    data = mutated(path, DELETE)
    # Written as sample.toml even without an id: the missing field must be named, not the file name.
    target = write_agency(tmp_path, data, name="sample.toml")
    with pytest.raises(AgencyConfigError) as caught:
        load_agency_file(target)
    message = str(caught.value)
    assert message.startswith("sample.toml: ") and "\n" not in message, message
    assert f"field {dotted(path)} = (missing)" in message, message


WRONG_TYPES = [
    (("id",), 5),
    (("name",), ["Sample"]),
    (("origins",), "https://www.sample.mass.gov"),
    (("origins", 0), 443),
    (("privacy_policy_url",), 5),
    (("terms_url",), ["https://www.sample.mass.gov/terms"]),
    (("mode",), True),
    (("commonwealth_domains",), "mass.gov"),
    (("commonwealth_domains", 0), 1),
    (("equal_access_ignore",), "#clock"),
    (("trackers",), {"id": "stats"}),
    (("trackers", 0), "stats"),
    (("texts",), ["es"]),
    (("texts", "es", "intro"), 5),
    (("trackers", 0, "id"), 7),
    (("trackers", 0, "vendor"), 5),
    (("trackers", 0, "purpose"), False),
    (("trackers", 0, "license_url"), 1.5),
    (("trackers", 0, "contracted"), "yes"),
    (("trackers", 0, "contracted"), 1),
    (("trackers", 0, "requests"), "https://stats.example/collect"),
    (("trackers", 0, "requests", 0), 5),
    (("trackers", 0, "cookies"), {"name": "_st"}),
    (("trackers", 0, "cookies", 0, "name"), 5),
    (("trackers", 0, "cookies", 0, "domain"), 5),
    (("trackers", 0, "cookies", 0, "persistent"), "true"),
    (("trackers", 0, "cookies", 0, "persistent"), 1),
    (("trackers", 0, "cookies", 0, "expiry_days"), "365"),
    (("trackers", 0, "cookies", 0, "expiry_days"), 365.0),
    (("trackers", 0, "cookies", 0, "expiry_days"), True),
]


def _type_id(case):
    # Hyphens, so `-k "not equal_access"` (which leaves out the equal-access checker's tests) keeps these.
    return f"{dotted(case[0])}={case[1]!r}".replace("_", "-")


@pytest.mark.parametrize("case", WRONG_TYPES, ids=_type_id)
def test_wrong_type_is_named_with_its_value(tmp_path, case):
    path, value = case
    message = load_error(tmp_path, mutated(path, value))
    assert f"field {dotted(path)} = {json.dumps(value)}" in message, message


UNKNOWN_KEYS = [
    (("origin",), "https://www.sample.mass.gov"),
    (("trackers", 0, "privacy_link"), "https://stats.example/privacy"),
    (("trackers", 0, "cookies", 0, "expires"), 30),
]


@pytest.mark.parametrize("case", UNKNOWN_KEYS, ids=_type_id)
def test_unknown_key_is_refused(tmp_path, case):
    path, value = case
    message = load_error(tmp_path, mutated(path, value))
    assert f"field {dotted(path)} = {json.dumps(value)}" in message, message
    assert "unknown" in message.lower(), message


def test_unknown_text_key_names_the_field_and_value(tmp_path):
    message = load_error(tmp_path, mutated(("texts", "es", "intr"), "Usamos cookies."))
    # The field path must be the one written in the file, and the value shown.
    assert "field texts.es.intr = \"Usamos cookies.\"" in message, message


BAD_URLS = [
    "http://www.sample.mass.gov/privacy",
    "http://localhost.evil.example/privacy",
    "javascript:alert(1)",
    "data:text/html,<p>hi</p>",
    "ftp://files.mass.gov/privacy",
    "//www.sample.mass.gov/privacy",
    "www.sample.mass.gov/privacy",
    "https://user:secret@www.sample.mass.gov/privacy",
    "https://www.sample.mass.gov@evil.example/privacy",
    "https://www.sample.mass.gov/pri vacy",
    "https://www.sample.mass.gov:99999/privacy",
    "https:///privacy",
    "",
]
URL_FIELDS = [("privacy_policy_url",), ("terms_url",), ("trackers", 0, "license_url"), ("trackers", 0, "privacy_url")]


@pytest.mark.parametrize("field", URL_FIELDS, ids=dotted)
@pytest.mark.parametrize("url", BAD_URLS)
def test_url_must_be_https_without_credentials(tmp_path, field, url):
    message = load_error(tmp_path, mutated(field, url))
    assert f"field {dotted(field)} = {json.dumps(url)}" in message, message


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/privacy", "http://localhost:8000/privacy",
                                 "http://[::1]:8000/privacy", "https://www.sample.mass.gov/privacy"])
def test_loopback_http_and_https_are_accepted(tmp_path, url):
    agency = load_agency_file(write_agency(tmp_path, mutated(("privacy_policy_url",), url)))
    assert agency.privacy_policy_url == url


BAD_ORIGINS = [
    "https://www.sample.mass.gov/path",
    "https://www.sample.mass.gov/?q=1",
    "https://www.sample.mass.gov/#top",
    "http://www.sample.mass.gov",
    "https://user@www.sample.mass.gov",
    "javascript:alert(1)",
    "null",
    "*",
]


@pytest.mark.parametrize("origin", BAD_ORIGINS)
def test_origin_must_be_scheme_host_port_only(tmp_path, origin):
    message = load_error(tmp_path, mutated(("origins",), [origin]))
    assert f"field origins[0] = {json.dumps(origin)}" in message, message


@pytest.mark.parametrize("written", ["https://WWW.Sample.Mass.gov", "https://www.sample.mass.gov:443"])
def test_origin_is_refused_or_matches_what_browsers_send(tmp_path, written):
    # Browsers send the host in lower case and leave out the default port; an origin written otherwise
    # must be refused or normalised, not accepted and then silently never matched.
    path = write_agency(tmp_path, mutated(("origins",), [written]))
    try:
        agency = load_agency_file(path)
    except AgencyConfigError as error:
        assert "field origins[0]" in str(error)
    else:
        assert agency.allows_origin("https://www.sample.mass.gov")


def test_origin_with_trailing_slash_is_normalised(tmp_path):
    agency = load_agency_file(write_agency(tmp_path, mutated(("origins",), ["https://www.sample.mass.gov/"])))
    assert agency.origins == ("https://www.sample.mass.gov",)
    assert agency.allows_origin("https://www.sample.mass.gov")


def test_duplicate_tracker_id_is_named(tmp_path):
    data = valid_agency()
    data["trackers"].append({**copy.deepcopy(data["trackers"][0]), "vendor": "Another vendor"})
    message = load_error(tmp_path, data)
    assert 'field trackers[1].id = "stats"' in message, message
    assert "duplicate" in message, message


@pytest.mark.parametrize("slug", ["Sample", "sample_agency", "-sample", "sample-", "sa mple", "é", "a" * 65, ""])
def test_bad_slug_is_refused(tmp_path, slug):
    data = mutated(("trackers", 0, "id"), slug)
    message = load_error(tmp_path, data)
    assert f"field trackers[0].id = {json.dumps(slug)}" in message, message


@pytest.mark.parametrize("slug", ["Sample", "sample_agency", "-sample"])
def test_bad_agency_id_is_refused(tmp_path, slug):
    path = write_agency(tmp_path, mutated(("id",), slug), name="sample.toml")
    with pytest.raises(AgencyConfigError, match=f"sample.toml: field id = {json.dumps(slug)}"):
        load_agency_file(path)


def test_id_must_match_file_name(tmp_path):
    path = write_agency(tmp_path, valid_agency(), name="other.toml")
    with pytest.raises(AgencyConfigError) as caught:
        load_agency_file(path)
    message = str(caught.value)
    assert message.startswith("other.toml: field id = \"sample\""), message
    assert "file name" in message and "\n" not in message


@pytest.mark.parametrize("text", ['id = "sample"\nname = ', 'id = "sample"\nid = "again"\n', "[[trackers]\n",
                                  'name = "unterminated\n'])
def test_toml_syntax_error_names_the_file(tmp_path, text):
    path = tmp_path / "sample.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AgencyConfigError) as caught:
        load_agency_file(path)
    message = str(caught.value)
    assert message.startswith("sample.toml: TOML syntax error: "), message
    assert "\n" not in message


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "sample.toml"
    path.write_bytes('name = "Caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(AgencyConfigError, match="sample.toml: not valid UTF-8"):
        load_agency_file(path)


@pytest.mark.parametrize("cookie, value", [
    ({"persistent": True, "expiry_days": DELETE}, "(missing)"),
    ({"persistent": True, "expiry_days": 0}, "0"),
    ({"persistent": True, "expiry_days": 731}, "731"),
    ({"persistent": True, "expiry_days": 100000}, "100000"),
    ({"persistent": False, "expiry_days": -1}, "-1"),
], ids=["no-expiry", "zero", "731-days", "huge", "negative"])
def test_persistent_cookie_needs_expiry_within_two_years(tmp_path, cookie, value):
    data = valid_agency()
    target = data["trackers"][0]["cookies"][0]
    for key, item in cookie.items():
        if item is DELETE:
            target.pop(key, None)
        else:
            target[key] = item
    message = load_error(tmp_path, data)
    assert f"field trackers[0].cookies[0].expiry_days = {value}" in message, message


def test_two_year_expiry_is_the_limit_allowed(tmp_path):
    agency = load_agency_file(write_agency(tmp_path, mutated(("trackers", 0, "cookies", 0, "expiry_days"), 730)))
    assert agency.trackers[0].cookies[0].expiry_days == 730


@pytest.mark.parametrize("field, value", [
    (("mode",), "opt_out"), (("origins",), []), (("commonwealth_domains",), []),
    (("commonwealth_domains", 0), "not a domain"), (("trackers", 0, "requests", 0), "//evil.example/x"),
    (("trackers", 0, "requests", 0), "javascript:alert(1)"), (("name",), ""), (("name",), "Bell\x07"),
    (("texts",), {"english": {"intro": "x"}}),
])
def test_other_invalid_values_are_named(tmp_path, field, value):
    message = load_error(tmp_path, mutated(field, value))
    assert f"field {dotted(field)}" in message, message


def test_valid_file_becomes_an_immutable_agency(tmp_path):
    agency = load_agency_file(write_agency(tmp_path, valid_agency()))
    assert agency.id == "sample"
    assert agency.origins == ("https://www.sample.mass.gov",)
    assert agency.commonwealth_domains == ("mass.gov",)
    tracker = agency.trackers[0]
    assert (tracker.id, tracker.contracted, tracker.requests) == (
        "stats", True, ("https://stats.example/collect", "/local/stats"))
    assert [(c.name, c.persistent, c.expiry_days) for c in tracker.cookies] == [
        ("_st", True, 365), ("_st_session", False, 0)]
    assert agency.texts == {"es": {"intro": "Usamos cookies."}}
    assert agency.equal_access_ignore == ("#clock",)
    with pytest.raises(AttributeError):
        agency.name = "changed"


def test_the_shipped_agency_file_and_the_built_in_demo_load(repo_root):
    registry = Registry.from_directory(repo_root / "agencies", built_in=[demo_agency("http://127.0.0.1:8030")])
    assert {"demo", "dor"} <= set(registry.agencies)
    demo = registry.get("demo")
    assert demo.mode == "opt-out"
    assert [tracker.id for tracker in demo.trackers] == ["demo-analytics", "demo-video"]
    assert [tracker.embed for tracker in demo.trackers] == [None, "video"]
    dor = registry.get("dor")
    assert all(origin.startswith("https://") for origin in dor.origins)
    assert len(dor.trackers) >= 2
    assert registry.get("nobody") is None


def test_registry_refuses_a_missing_folder(tmp_path):
    with pytest.raises(AgencyConfigError, match="agencies folder not found"):
        Registry.from_directory(tmp_path / "absent")
