"""clauses/beyond_cookies.py on plain records: which finding changes, how its reason reads, what stays as it was."""

from extension.clauses.beyond_cookies import with_beyond_cookies
from extension.clauses.findings import Finding
from extension.clauses.findings import finding

URL = "https://www.agency.mass.gov/"
NOTICE = {"origins": ["https://www.agency.mass.gov"], "trackers": [
    {"id": "metrics", "vendor": "Metrics", "requests": ["https://cdn.metrics.example/"]}]}
TRACKER_JS = "https://cdn.metrics.example/m.js"
OTHER_JS = "https://widgets.other.example/w.js"


def write(key, script, time=5):
    """A setItem write the add-on recorded."""
    return {"kind": "storage-write", "area": "localStorage", "origin": "https://www.agency.mass.gov", "key": key,
            "writer": script, "stack": [script], "time": time}


def page(before=(), after=(), gpc=None):
    """A journey's page with these events before and after opt-out."""
    return {"url": URL, "before": {"record": {"events": list(before)}}, "after_record": {"events": list(after)},
            "gpc": {"record": {"events": list(gpc)}} if gpc is not None else None}


def judged(journey):
    """The 1.3.2, 1.3.3 and GPC findings after the beyond-cookies judgement, starting from passes."""
    findings = [finding(URL, "1.3.2", True, "ok", {}), finding(URL, "1.3.3", True, "ok", {}),
                Finding(URL, "1.3.3", "pass", "ok", {}, variant="gpc"), finding(URL, "2.1", True, "ok", {})]
    return {(f.clause, f.variant): f for f in with_beyond_cookies(findings, journey, NOTICE)}


def test_a_tracker_writing_storage_after_opt_out_fails_1_3_3_naming_key_and_script():
    found = judged(page(after=[write("_m_id", TRACKER_JS)]))
    assert found[("1.3.3", None)].verdict == "fail"
    assert found[("1.3.3", None)].reason == (
        "Opt-out not effective: after opting out, scripts of trackers or third parties wrote browser storage: "
        f"localStorage _m_id by {TRACKER_JS} (tracker metrics).")
    assert found[("2.1", None)].reason == "ok" and found[("1.3.2", None)].verdict == "pass"


def test_the_agencys_own_storage_is_a_fact_not_a_failure():
    found = judged(page(before=[write("prefs", "https://www.agency.mass.gov/site.js")],
                        after=[write("prefs", "https://www.agency.mass.gov/site.js")]))
    assert found[("1.3.3", None)].verdict == "pass" and found[("1.3.2", None)].verdict == "pass"
    assert found[("1.3.2", None)].evidence["tracking_before"]["storage"][0]["party"] == "first-party"


def test_an_undeclared_third_party_before_opt_out_fails_1_3_2_and_gpc_is_judged_on_its_own_visit():
    found = judged(page(before=[write("w", OTHER_JS)], gpc=[write("w", OTHER_JS)]))
    assert found[("1.3.2", None)].reason == (
        f"Notice not clear and conspicuous: it does not name the tracker behind {OTHER_JS}.")
    gpc = found[("1.3.3", "gpc")]
    assert gpc.verdict == "fail" and gpc.reason.startswith("With Global Privacy Control on, tracking went on: ")
    assert found[("1.3.3", None)].verdict == "pass"


def test_a_failed_finding_keeps_its_reason_and_adds_the_new_one():
    findings = [finding(URL, "1.3.3", False, "Opt-out not effective: declared trackers still load.", {})]
    item = with_beyond_cookies(findings, page(after=[write("_m_id", TRACKER_JS)]), NOTICE)[0]
    assert item.reason.startswith("Opt-out not effective: declared trackers still load. Also after opting out, scripts")
