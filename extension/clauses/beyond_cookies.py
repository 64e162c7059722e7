"""Tracking beyond cookies (issue 22) in clauses 1.3.3 (and its GPC variant) and 1.3.2.

After opt-out, or with Global Privacy Control, 1.3.3 also fails when a tracker's or a third party's script writes
Web Storage or IndexedDB, reads a canvas, WebGL or audio fingerprint, a session-replay or keystroke-recording
vendor loads, typed text leaves the page, or a beacon or pixel goes out (cookies or none). Before opt-out these
are facts of the page; 1.3.2 fails when one is a third party's that no declared tracker covers (the notice cannot
name it). The facts come from extension/tracking/facts.py.
"""

from dataclasses import replace

from extension.clauses.findings import Finding
from extension.tracking.facts import tracking_facts

SHOWN = 3


def _who(fact: dict) -> str:
    """The script or request a fact rests on, as a reason names it."""
    script = fact.get("by") or fact.get("url") or "an inline script"
    return f"{script} (tracker {fact['tracker']})" if fact.get("tracker") else script


def problems(facts: dict) -> list:
    """What a tracker or third party still did, one phrase per kind, each naming its evidence."""
    found = []
    storage = [f for f in facts["storage"] if f["counts"]]
    if storage:
        found.append("scripts of trackers or third parties wrote browser storage: " + ", ".join(
            f"{f['area']} {f['key'] or ''} by {_who(f)}".replace("  ", " ") for f in storage[:SHOWN]))
    prints = [f for f in facts["fingerprinting"] if f["counts"]]
    if prints:
        found.append("scripts read a browser fingerprint: " + ", ".join(
            f"{'/'.join(f['surfaces'])} by {_who(f)}" for f in prints[:SHOWN]))
    if facts["session_recorders"]:
        found.append("session-recording scripts loaded: " + ", ".join(
            f"{f['vendor']} ({f['url']})" for f in facts["session_recorders"][:SHOWN]))
    typed = [f for f in facts["typed_text"] if f["counts"]]
    if typed:
        found.append("text typed into the page left it: " + ", ".join(
            f"{f['url']} (sent by {f['initiator'] or 'the page'})" for f in typed[:SHOWN]))
    beacons = [f for f in facts["beacons"] if f["counts"]]
    if beacons:
        found.append("tracking requests were sent" + (" without cookies" if not any(
            f["cookies"] for f in beacons) else "") + ": " + ", ".join(
            f"{f['type']} {f['url']} ({f['cookies']} cookies)" for f in beacons[:SHOWN]))
    return found


def unnamed(facts: dict) -> list:
    """Third parties no declared tracker covers that stored, fingerprinted, recorded, read typing or beaconed."""
    names = []
    for kind in ("storage", "fingerprinting", "session_recorders", "typed_text", "beacons"):
        for fact in facts[kind]:
            if fact.get("party") == "third-party" and not fact.get("tracker"):
                name = fact.get("vendor") or fact.get("by") or fact.get("url")
                if name and name not in names:
                    names.append(name)
    return names


def _failed(item: Finding, extra: list, key: str, evidence: dict, lead: str, also: str) -> Finding:
    """The finding failed (or failing further) for extra problems, with their facts in its evidence."""
    evidence = {**item.evidence, key: evidence}
    if not extra:
        return replace(item, evidence=evidence)
    text = "; ".join(extra)
    if item.verdict == "pass":
        return replace(item, verdict="fail", reason=f"{lead}{text}.", evidence=evidence)
    return replace(item, reason=f"{item.reason} {also}{text}.", evidence=evidence)


def page_facts(page: dict, notice_data: dict) -> dict:
    """The tracking facts before opt-out, after it (this page's reload and the next page), and with GPC."""
    url = page["url"]
    before = page.get("before") or {}
    after = page.get("after") or {}
    facts = {"before": tracking_facts(before.get("record"), url, notice_data, stored=before.get("stored"),
                                      typed=before.get("typed")),
             "after": tracking_facts(page.get("after_record"), url, notice_data, stored=after.get("stored"),
                                     stored_before=before.get("stored"), typed=after.get("typed"))}
    if page.get("gpc"):
        facts["gpc"] = tracking_facts(page["gpc"].get("record"), url, notice_data, stored=page["gpc"].get("stored"))
    return facts


def with_beyond_cookies(findings: list, page: dict, notice_data: dict) -> list:
    """1.3.2, 1.3.3 and the GPC variant, judged on tracking beyond cookies too (other findings unchanged)."""
    facts = page_facts(page, notice_data)
    judged = []
    for item in findings:
        if item.clause == "1.3.3" and item.variant and "gpc" in facts:
            item = _failed(item, problems(facts["gpc"]), "beyond_cookies", facts["gpc"],
                           "With Global Privacy Control on, tracking went on: ",
                           "Also with Global Privacy Control on, ")
        elif item.clause == "1.3.3" and not item.variant:
            item = _failed(item, problems(facts["after"]), "beyond_cookies", facts["after"],
                           "Opt-out not effective: after opting out, ", "Also after opting out, ")
        elif item.clause == "1.3.2":
            names = unnamed(facts["before"])
            extra = ["it does not name the tracker behind " + ", ".join(names[:SHOWN])] if names else []
            item = _failed(item, extra, "tracking_before", facts["before"], "Notice not clear and conspicuous: ",
                           "Also: ")
        judged.append(item)
    return judged
