"""Clause 1.3.3 and its GPC variant (extension/clauses/opt_out.py) on hand-made records (no browser)."""

import pytest
from clause_records import NOTICE
from clause_records import NOW
from clause_records import URL
from clause_records import control
from clause_records import facts
from clause_records import journey
from clause_records import request
from clause_records import verdict

from extension.clauses.opt_out import clause_1_3_3
from extension.clauses.opt_out import clause_gpc


def test_1_3_3_passes_an_effective_opt_out():
    finding = clause_1_3_3(URL, journey(), NOTICE)
    assert verdict(finding) == "pass", finding.reason


@pytest.mark.parametrize("changes, words", [
    ({"opt_out": {"found": False}}, "No opt-out control"),
    ({"keyboard": {"reached": False}}, "Tab key"),
    ({"before": {"facts": facts(controls=[control("opt-out", "Opt out", width=40, height=20),
                                          control("accept", "Accept")])}}, "smaller than “Accept”"),
    ({"before": {"facts": facts(controls=[control("opt-out", "Reject", size=11), control(None, "OK")])}},
     "text is smaller"),
    ({"opt_out": {"found": True, "clicked": False, "error": "not interactable"}}, "could not be used"),
    ({"after_record": {"events": [request("https://www.mass.gov/stats/hit.gif")]}}, "trackers still load"),
    ({"after_record": {"events": [request("https://acme.example/collect?x=1")]}}, "acme.example/collect"),
    ({"after_record": {"events": [{"kind": "cookie-write", "time": NOW, "url": URL,
                                   "value": "_acme=2; max-age=99; domain=mass.gov"}]}},
     "cookies are still set after opt-out: _acme"),
    ({"after_record": {"events": [{"kind": "set-cookie", "time": NOW, "url": URL,
                                   "headers": ["consent_optout=t; Max-Age=3600; Path=/"]}]}}, "is persistent"),
    ({"next": {"url": URL + "/more", "facts": facts()}}, "asks again"),
])
def test_1_3_3_fails(changes, words):
    finding = clause_1_3_3(URL, journey(**changes), NOTICE)
    assert verdict(finding) == "fail"
    assert words in finding.reason


def test_path_prefixes_apply_on_the_agencys_other_origins_too():
    page = journey(after_record={"events": [request("https://dor.mass.gov:443/stats/x")]})
    assert verdict(clause_1_3_3(URL, page, NOTICE)) == "pass"
    assert verdict(clause_1_3_3(URL, page, {**NOTICE, "origins": ["https://dor.mass.gov"]})) == "fail"


def test_1_3_3_ignores_deletions_and_other_requests_after_opt_out():
    events = [request("https://www.mass.gov/page.css"), request("https://other.example/collect"),
              {"kind": "cookie-write", "time": NOW, "url": URL, "value": "_acme=; Max-Age=0; path=/"},
              {"kind": "set-cookie", "time": NOW, "url": URL, "headers": ["consent_optout=t; Path=/; SameSite=Lax"]}]
    assert verdict(clause_1_3_3(URL, journey(after_record={"events": events}), NOTICE)) == "pass"


def test_1_3_3_finds_an_opt_out_outside_the_notice_by_name():
    page_facts = {"viewport": {"width": 1280, "height": 900}, "notice": None,
                  "pageControls": [control(None, "Opt out of tracking")]}
    assert verdict(clause_1_3_3(URL, journey(before={"facts": page_facts}), NOTICE)) == "pass"


def test_gpc_clause():
    quiet = {"record": {"events": [request("https://www.mass.gov/page.css")]}, "facts": facts()}
    leaky = {"record": {"events": [request("https://acme.example/collect")]}, "facts": facts()}
    assert verdict(clause_gpc(URL, quiet, NOTICE)) == "pass"
    failed = clause_gpc(URL, leaky, NOTICE)
    assert verdict(failed) == "fail" and "Global Privacy Control" in failed.reason


def test_an_ungated_script_setting_a_wildcard_declared_cookie_after_opt_out_fails():
    # Issue 10: `_ga_*` is declared; a script that sets _ga_ABC123 after opt-out is a leak, not an unknown cookie.
    notice = {**NOTICE, "trackers": [*NOTICE["trackers"], {
        "id": "ga", "vendor": "Google Analytics", "requests": [],
        "cookies": [{"name": "_ga_*", "domain": "mass.gov", "persistent": True, "expiry_days": 395}]}]}
    write = {"kind": "cookie-write", "time": NOW, "url": URL,
             "value": "_ga_ABC123=GS1.1; max-age=34128000; path=/; domain=mass.gov"}
    finding = clause_1_3_3(URL, journey(after_record={"events": [write]}), notice)
    assert verdict(finding) == "fail"
    assert "cookies are still set after opt-out: _ga_ABC123" in finding.reason
