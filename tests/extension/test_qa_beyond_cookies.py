"""Tracking beyond cookies (issue 22): storage, fingerprints, session replay, typed text and beacons, judged live.

Two audits in real Chromium with the add-on: a leaky page (its vendor scripts run ungated, also after opt-out and
with GPC) and a compliant one (the same scripts behind the banner). Plain-record tests cover the rules' edges.
"""

import json
import urllib.request

import pytest

from beyond_cookies_site import AGENCY_FILE
from beyond_cookies_site import RESOLVER_ARG
from beyond_cookies_site import bp as beyond_bp
from qa_fixture_site import bp as fixture_bp
from serving import AppServer
from server import create_app

from extension.clauses import evaluate
from extension.discover.beyond import listing
from extension.discover.ocd import lookup
from extension.discover.visit import explore
from extension.driver import check_page
from extension.tracking.facts import beacon_facts
from extension.tracking.facts import party_of
from extension.tracking.facts import typed_facts
from extension.tracking.facts import unexplained_keys
from extension.tracking.vendors import recorder_of

pytestmark = pytest.mark.browser

KEYS = ["consent-qa-beyond-key-0123456789abcdef"]
GPC_ARG = "--enable-features=GlobalPrivacyControl,GlobalPrivacyControlForce"
PAGE = "http://127.0.0.1:8000/bc/leaky/"
NOTICE = {"origins": ["http://127.0.0.1:8000"], "trackers": [
    {"id": "bc-metrics", "vendor": "Permit Metrics", "requests": ["http://localhost:8000/bc/vendor/"]}]}


@pytest.fixture(scope="module")
def bc_server(tmp_path_factory):
    """The real service with the bc agency, the beyond-cookies pages and the fixture banner, on loopback."""
    server = AppServer(None, quiet=True)
    agencies = tmp_path_factory.mktemp("bc-agencies")
    (agencies / "bc.toml").write_text(AGENCY_FILE.read_text().replace("__PORT__", str(server.port)))
    app = create_app({"AGENCIES_DIR": str(agencies), "SECRET_KEYS": KEYS, "DEMO": True})
    app.register_blueprint(fixture_bp)  # /fx/banner.js, the stand-in banner
    app.register_blueprint(beyond_bp)
    server.app = app
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def audits(bc_server, browser_pool):
    """One journey per page (the leaky one also with GPC) and its findings by clause."""
    with urllib.request.urlopen(f"{bc_server}/v1/bc/notice", timeout=10) as response:
        notice = json.load(response)
    browser = browser_pool.lend(extension=True, extra_args=(RESOLVER_ARG,))
    gpc_browser = browser_pool.lend(extension=True, extra_args=(RESOLVER_ARG, GPC_ARG))
    try:
        found = {}
        for case, side in (("leaky", gpc_browser), ("compliant", None)):
            page = check_page(browser, f"{bc_server}/bc/{case}/", notice, side)
            findings = evaluate(page, notice)
            found[case] = {"page": page, "by": {(f.clause, f.variant): f for f in findings}}
        found["discover"] = explore(browser, f"{bc_server}/bc/leaky/", 0)
        yield found
    finally:
        browser_pool.give_back(gpc_browser)
        browser_pool.give_back(browser)


def test_after_opt_out_each_kind_of_tracking_fails_1_3_3_with_its_evidence(audits):
    opt_out = audits["leaky"]["by"][("1.3.3", None)]
    assert opt_out.verdict == "fail"
    reason = opt_out.reason
    assert "localStorage _bc_uid by http://localhost:" in reason and "/bc/vendor/all.js" in reason
    assert "read a browser fingerprint: canvas/audio" in reason or "canvas/webgl/audio" in reason
    assert "session-recording scripts loaded: Hotjar (http://static.hotjar.com:" in reason
    assert "text typed into the page left it: http://localhost:" in reason and "/bc/vendor/keys" in reason
    assert "beacon http://localhost:" in reason and "pixel http://localhost:" in reason
    assert "sent without cookies" in reason
    facts = opt_out.evidence["beyond_cookies"]
    assert {(f["area"], f["key"]) for f in facts["storage"]} >= {("localStorage", "_bc_uid"),
                                                               ("sessionStorage", "_bc_visit")}
    assert any(f["area"] == "indexedDB" and f["tracker"] == "bc-metrics" for f in facts["storage"])
    # Inside the vendor's cross-site frame (a process of its own), watched as the page is.
    assert any(f["key"] == "_map_seen" and f["origin"].startswith("http://localhost:") for f in facts["storage"])
    assert "bc-store" in facts["stored"][audits["leaky"]["page"]["url"].rsplit("/bc/", 1)[0]]["indexedDB"]


def test_with_gpc_the_same_tracking_fails_the_gpc_variant(audits):
    gpc = audits["leaky"]["by"][("1.3.3", "gpc")]
    assert gpc.verdict == "fail"
    # It already failed for the declared tracker's requests; the new problems are added to its reason.
    assert ("Also with Global Privacy Control on, scripts of trackers or third parties wrote browser storage"
            in gpc.reason)
    assert "Hotjar" in gpc.reason and "fingerprint" in gpc.reason


def test_before_opt_out_the_facts_are_reported_and_an_undeclared_party_fails_1_3_2(audits):
    notice = audits["leaky"]["by"][("1.3.2", None)]
    assert notice.verdict == "fail" and "/bc/other/other.js" in notice.reason and "Hotjar" in notice.reason
    before = notice.evidence["tracking_before"]
    assert any(f["key"] == "_other_id" and f["tracker"] is None for f in before["storage"])
    assert before["session_recorders"][0]["vendor"] == "Hotjar"
    # A key written through a fresh frame's built-ins escapes the breakpoints, not the browser's own list.
    assert any(f["key"] == "_other_evasive" for f in before["storage_unattributed"])
    assert before["typed"]["field"] == "q" and before["typed_text"]


def test_a_compliant_page_stops_it_all_after_opt_out_and_passes(audits):
    compliant = audits["compliant"]["by"]
    assert compliant[("1.3.3", None)].verdict == "pass", compliant[("1.3.3", None)].reason
    assert compliant[("1.3.2", None)].verdict == "pass", compliant[("1.3.2", None)].reason
    before = compliant[("1.3.2", None)].evidence["tracking_before"]
    # Before opt-out the same tracking happened, by declared trackers: facts of the page, not failures.
    assert {f["tracker"] for f in before["storage"]} == {"bc-metrics"}
    assert before["fingerprinting"] and before["typed_text"][0]["tracker"] == "bc-metrics"
    assert {f["type"] for f in before["beacons"]} == {"beacon", "pixel"}
    after = compliant[("1.3.3", None)].evidence["beyond_cookies"]
    assert not any(after[kind] for kind in ("storage", "fingerprinting", "session_recorders", "typed_text",
                                            "beacons"))


def test_a_third_party_is_told_from_the_agency_and_a_declared_tracker():
    assert party_of("http://localhost:8000/bc/vendor/all.js", PAGE, NOTICE)["tracker"] == "bc-metrics"
    assert party_of("http://localhost:8000/bc/other/x.js", PAGE, NOTICE) == {
        "url": "http://localhost:8000/bc/other/x.js", "party": "third-party", "tracker": None}
    assert party_of("http://127.0.0.1:8000/site.js", PAGE, NOTICE)["party"] == "first-party"


def test_beacons_count_and_ordinary_images_do_not():
    events = [
        {"kind": "net", "requestId": "1", "url": "http://localhost:8000/bc/other/b", "type": "Ping", "stack": []},
        {"kind": "net-cookies", "requestId": "1", "cookies": 0},
        {"kind": "net", "requestId": "2", "url": "http://localhost:8000/logo.png?v=3", "type": "Image", "stack": []},
        {"kind": "net", "requestId": "3", "url": "http://127.0.0.1:8000/px?e=1", "type": "Image", "stack": ["x"]},
    ]
    found = beacon_facts(events, PAGE, NOTICE)
    assert [(f["type"], f["cookies"]) for f in found] == [("beacon", 0)]


def test_typed_text_is_found_encoded_and_first_party_search_is_only_a_fact():
    typed = {"word": "qaword1a2b", "field": "q"}
    events = [{"kind": "net", "url": "http://localhost:8000/k", "body": "v=qaword1a2b", "stack": []},
              {"kind": "net", "url": "http://127.0.0.1:8000/suggest?q=qaword1a2b", "body": "", "stack": []},
              {"kind": "net", "url": "http://localhost:8000/k2", "body": '{"v":"qaword1a2b"}', "stack": []}]
    found = typed_facts(events, typed, PAGE, NOTICE)
    assert [f["counts"] for f in found] == [True, False, True]
    assert typed_facts(events, {"word": None}, PAGE, NOTICE) == []


def test_keys_written_without_set_item_are_still_listed():
    stored = {"http://127.0.0.1:8000": {"localStorage": ["a", "b"], "sessionStorage": [], "indexedDB": ["db"]}}
    before = {"http://127.0.0.1:8000": {"localStorage": ["a"], "sessionStorage": [], "indexedDB": []}}
    named = [{"area": "indexedDB", "origin": "http://127.0.0.1:8000", "key": None}]
    assert unexplained_keys(stored, before, named) == [
        {"area": "localStorage", "origin": "http://127.0.0.1:8000", "key": "b"}]


def test_session_recorders_and_commonwealth_cookies_come_from_the_data_files():
    assert recorder_of("https://static.hotjar.com/c/hotjar-1.js")["vendor"] == "Hotjar"
    assert recorder_of("https://mc.yandex.ru/metrika/tag.js")["vendor"].startswith("Yandex")
    assert recorder_of("https://mc.yandex.ru/other") is None
    assert recorder_of("https://www.mass.gov/") is None
    for name, platform in (("NRBA_SESSION", "New Relic Browser"), ("googtrans", "Google Translate"),
                           ("_4c_", "Verint (ForeSee)"), ("SSESS0123abcd", "Drupal CMS")):
        entry = lookup(name, "www.mass.gov")
        assert entry["platform"] == platform and entry["source"].startswith("http")


def test_discover_lists_storage_keys_embeds_and_fingerprinting(audits):
    seen = audits["discover"]["beyond_cookies"]
    keys = {(s["area"], s["key"]) for s in seen["storage"]}
    assert keys >= {("localStorage", "_bc_uid"), ("localStorage", "_other_id"), ("sessionStorage", "_bc_visit")}
    assert any(s["script"] and s["script"].endswith("/bc/other/other.js") for s in seen["storage"])
    assert [e["host"] for e in seen["embeds"]] == ["localhost"]
    assert {tuple(f["surfaces"]) for f in seen["fingerprinting"]} >= {("canvas",)}
    lines = listing([audits["discover"]])
    assert any(line.startswith("#   storage: localStorage _bc_uid on http://127.0.0.1:") for line in lines)
    assert any(line.startswith("#   embed: a frame from localhost") for line in lines)
