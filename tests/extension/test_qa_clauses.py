"""Every clause function on hand-made records shaped like the extension's (no browser)."""

import pytest

from extension.clauses import CLAUSES
from extension.clauses import clause_1_3_2
from extension.clauses import clause_1_3_3
from extension.clauses import clause_equal_access
from extension.clauses import clause_gpc
from extension.clauses import evaluate
from extension.cookie_clauses import clause_1_3_1
from extension.cookie_clauses import clause_2_1
from extension.cookie_clauses import clause_2_2
from extension.cookie_clauses import clause_2_5

URL = "https://www.mass.gov/service"
NOW = 1_800_000_000_000
NOTICE = {
    "privacy_policy_url": "https://www.mass.gov/privacy",
    "commonwealth_domains": ["mass.gov"],
    "trackers": [
        {"id": "acme", "vendor": "Acme Analytics", "license_url": "https://acme.example/license",
         "privacy_url": "https://acme.example/privacy", "contracted": True,
         "requests": ["/stats/", "https://acme.example/collect"],
         "cookies": [{"name": "_acme", "domain": "mass.gov", "persistent": True, "expiry_days": 365},
                     {"name": "_acme_uid", "domain": "acme.example", "persistent": True, "expiry_days": 30}]},
        {"id": "adco", "vendor": "Ad Co", "license_url": "https://adco.example/license",
         "privacy_url": "https://adco.example/privacy", "contracted": False, "requests": [],
         "cookies": [{"name": "_ad", "domain": "adco.example", "persistent": True, "expiry_days": 90}]},
    ],
}


def text(size=16, color="rgb(17, 17, 17)", layers=("rgb(255, 255, 255)",), chars=120):
    """A text element of the notice as facts.js measures it."""
    return {"chars": chars, "text": "x" * 20, "fontSize": size, "fontWeight": 400, "color": color,
            "background": {"layers": list(layers), "image": False}}


def control(action, name, width=120, height=44, size=16, visible=True):
    """A choice control as facts.js measures it."""
    return {"action": action, "name": name, "tag": "button", "visible": visible, "tabbable": True,
            "rect": {"x": 0, "y": 800, "width": width, "height": height}, "fontSize": size}


def facts(**changes):
    """A clear notice at the bottom of the first screen, with changes."""
    notice = {
        "hook": "data-consent-notice", "visible": True, "rect": {"x": 0, "y": 700, "width": 1280, "height": 200},
        "text": "We use cookies from Acme Analytics and Ad Co.", "fullText": "We use cookies from Acme Analytics "
        "and Ad Co. Privacy policy", "texts": [text()],
        "links": [{"href": "https://www.mass.gov/privacy/", "text": "Privacy policy", "visible": True}],
        "controls": [control("opt-out", "Opt out"), control("accept", "Accept")],
    }
    notice.update(changes)
    return {"viewport": {"width": 1280, "height": 900, "scrollX": 0, "scrollY": 0}, "notice": notice,
            "pageControls": [], "tabbable": 10}


def verdict(finding):
    return finding["verdict"]


def test_1_3_2_passes_a_clear_notice():
    finding = clause_1_3_2(URL, facts(), NOTICE)
    assert verdict(finding) == "pass", finding["reason"]
    assert set(finding) == {"url", "clause", "verdict", "reason", "evidence"}


@pytest.mark.parametrize("page_facts, words", [
    ({"viewport": {"width": 1280, "height": 900}, "notice": None}, "No cookie notice"),
    (facts(visible=False), "not visible"),
    (facts(rect={"x": 0, "y": 2400, "width": 1280, "height": 200}), "not in the first screen"),
    (facts(rect={"x": 0, "y": 880, "width": 120, "height": 20}), "too small to be noticed"),
    (facts(texts=[text(size=9)]), "too small to read"),
    (facts(texts=[text(color="rgb(170, 170, 170)")]), "contrast is too low"),
    (facts(text="Welcome!", fullText="Welcome! Acme Analytics Ad Co"), "cookies or tracking"),
    (facts(fullText="We use cookies from Acme Analytics."), "does not name the tracker(s) Ad Co"),
    (facts(links=[]), "does not link the privacy policy"),
])
def test_1_3_2_fails(page_facts, words):
    finding = clause_1_3_2(URL, page_facts, NOTICE)
    assert verdict(finding) == "fail"
    assert words in finding["reason"]


def test_1_3_2_counts_a_large_modal_that_fills_the_screen_as_shown():
    modal = facts(rect={"x": 0, "y": 0, "width": 1280, "height": 2000})
    assert verdict(clause_1_3_2(URL, modal, NOTICE)) == "pass"


def journey(**changes):
    """A page record where opting out worked, with changes."""
    page = {
        "url": URL,
        "before": {"facts": facts(), "record": {"events": [], "cookies": [], "now": NOW}},
        "keyboard": {"reached": True},
        "opt_out": {"found": True, "clicked": True, "error": None, "where": "notice", "by": "data-consent-action"},
        "after_record": {"events": [], "cookies": [], "now": NOW},
        "after": {"facts": {"notice": None}, "dom": "<main>x</main>"},
        "next": {"url": URL + "/more", "facts": {"notice": None}},
    }
    page.update(changes)
    return page


def request(url):
    """A recorded request event."""
    return {"kind": "request", "url": url, "type": "script", "time": NOW}


def test_1_3_3_passes_an_effective_opt_out():
    finding = clause_1_3_3(URL, journey(), NOTICE)
    assert verdict(finding) == "pass", finding["reason"]


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
    assert words in finding["reason"]


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
    assert verdict(failed) == "fail" and "Global Privacy Control" in failed["reason"]


def test_equal_access_compares_before_and_after():
    same = journey(before={"dom": "<main><h1>Hi</h1><p>Text here.</p></main>"},
                   after={"dom": "<main><h1>Hi</h1><p>Text here.</p></main>"})
    walled = journey(before={"dom": "<main><h1>Hi</h1><p>Text here.</p></main>"},
                     after={"dom": "<main hidden><h1>Hi</h1><p>Text here.</p></main><p>Accept cookies</p>"})
    assert verdict(clause_equal_access(URL, same, NOTICE)) == "pass"
    assert verdict(clause_equal_access(URL, walled, NOTICE)) == "fail"
    assert verdict(clause_equal_access(URL, journey(after={}), NOTICE)) == "fail"


def cookie(name, domain, persistent=True, days=30.0):
    """A merged cookie fact as cookies.collect() gives it."""
    return {"name": name, "domain": domain, "persistent": persistent, "lifetime_days": days if persistent else None}


def test_1_3_1():
    declared = [cookie("_acme_uid", "acme.example"), cookie("own", "www.mass.gov")]
    assert verdict(clause_1_3_1(URL, declared, NOTICE)) == "pass"
    undeclared = clause_1_3_1(URL, [cookie("_x", "tracker.example", persistent=False)], NOTICE)
    assert verdict(undeclared) == "fail" and "_x (tracker.example)" in undeclared["reason"]
    unlinked = {**NOTICE, "trackers": [{**NOTICE["trackers"][0], "license_url": ""}]}
    assert verdict(clause_1_3_1(URL, [cookie("_acme_uid", "acme.example")], unlinked)) == "fail"


def test_2_1():
    assert verdict(clause_2_1(URL, [cookie("a", "www.mass.gov"), cookie("s", "x.example", False)], NOTICE)) == "pass"
    finding = clause_2_1(URL, [cookie("_acme_uid", "acme.example")], NOTICE)
    assert verdict(finding) == "fail" and "acme.example" in finding["reason"]


@pytest.mark.parametrize("days, result", [(30, "pass"), (730, "pass"), (731, "pass"), (732, "fail"), (1095, "fail")])
def test_2_2(days, result):
    assert verdict(clause_2_2(URL, [cookie("a", "mass.gov", days=days)])) == result


def test_2_5():
    contracted = [cookie("_acme_uid", "acme.example"), cookie("own", "mass.gov"), cookie("s", "x.example", False)]
    assert verdict(clause_2_5(URL, contracted, NOTICE)) == "pass"
    assert "not contracted" in clause_2_5(URL, [cookie("_ad", "adco.example")], NOTICE)["reason"]
    assert "undeclared outside party" in clause_2_5(URL, [cookie("u", "x.example")], NOTICE)["reason"]


def test_evaluate_gives_every_clause_in_order_and_gpc_last():
    page = journey(before={"facts": facts(), "record": {"events": [], "cookies": [], "now": NOW}, "dom": "<p>a</p>"},
                   after={"facts": {"notice": None}, "dom": "<p>a</p>"}, gpc={"record": {"events": []}})
    findings = evaluate(page, NOTICE)
    assert [f["clause"] for f in findings] == [*CLAUSES, "1.3.3"]
    assert findings[-1]["variant"] == "gpc"
    assert {f["verdict"] for f in findings} == {"pass"}
