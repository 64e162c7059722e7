"""Clause 1.3.3: the opt-out is easy to use and effective, by a click and by Global Privacy Control."""

from extension.clauses.findings import Finding
from extension.clauses.findings import finding
from extension.clauses.prominence import prominence
from extension.cookies import requested_cookies
from extension.rules import ACCEPT_NAME
from extension.rules import OPT_OUT_COOKIE
from extension.rules import OPT_OUT_NAME
from extension.trackers import is_tracker_cookie
from extension.trackers import tracker_of_request

# What the evidence keeps of the judged control (what prominence read).
JUDGED = ("name", "id", "tag", "rect", "fontSize", "fontWeight", "color", "background", "boxed", "tabbable")


def tracker_activity(record: dict, page_url: str, notice_data: dict) -> dict:
    """Declared trackers' requests and cookie sets in a record (what must not happen after opt-out)."""
    events = record.get("events", [])
    requests = [{"url": e["url"], "tracker": t} for e in events if e.get("kind") == "request"
                for t in [tracker_of_request(e["url"], page_url, notice_data)] if t]
    sets = [{"name": e["cookie"]["name"], "domain": e["cookie"]["domain"], "how": "stored"}
            for e in events if e.get("kind") == "cookie-change" and not e.get("removed")]
    sets += [{"name": c["name"], "domain": c["domain"], "how": c["source"]}
             for c in requested_cookies(events) if not c["deletion"]]
    cookies = [c for c in sets if is_tracker_cookie(c["name"], c["domain"], notice_data)]
    unique = {(c["name"], c["domain"].lstrip(".")): c for c in cookies}
    return {"requests": requests[:20], "cookies": list(unique.values())}


def plain(name: str | None) -> str:
    """A name with its spaces folded and in lower case, for comparing what two worlds read."""
    return " ".join((name or "").split()).lower()


def clicked_control(click: dict, controls: list) -> dict | None:
    """The measured control a recorded click (the bridge's id, tag and text) hit: same id, same name, else a
    control of the same tag whose name holds the click's text or is held in it."""
    clicked = plain(click.get("name"))
    tests = (lambda c: bool(click.get("id")) and click["id"] == c.get("id"),
             lambda c: bool(clicked) and clicked == plain(c.get("name")),
             lambda c: bool(clicked and plain(c.get("name"))) and click.get("tag") == c.get("tag") and (
                 clicked in plain(c.get("name")) or plain(c.get("name")) in clicked))
    for test in tests:
        found = next((c for c in controls if test(c)), None)
        if found:
            return found
    return None


def opt_out_candidates(controls: list) -> list:
    """Controls that are an opt-out by the contract's hook or by name; a shown one, then the largest, first."""
    hooked = [c for c in controls if c.get("action") == "opt-out"]
    named = [c for c in controls if c not in hooked and OPT_OUT_NAME.search(c.get("name", ""))]
    def rank(c):
        return (not c.get("visible", True), -(c["rect"]["width"] * c["rect"]["height"]))
    return sorted(hooked, key=rank) + sorted(named, key=rank)


def used_control(controls: list, opt_out: dict | None) -> tuple:
    """The control the visitor's reject path used, and how it was known.

    The one the platform's reject path (autoconsent's record) or the driver clicked first, when it was shown on
    the first layer; else, as where a platform declines through its API, the shown control that does the same: the
    contract's hook, then an opt-out name, the most prominent such control first.
    """
    clicks = (opt_out or {}).get("clicks") or []
    if not clicks and (opt_out or {}).get("name"):
        clicks = [{"name": opt_out["name"]}]  # the driver's own click (no platform, or its path failed)
    if clicks:
        clicked = clicked_control(clicks[0], controls)
        if clicked and clicked.get("visible", True):
            return clicked, "the control the reject path clicked"
    candidates = opt_out_candidates(controls)
    if candidates:
        return candidates[0], "by name" if candidates[0].get("action") != "opt-out" else "by data-consent-action"
    return None, None


def choice_controls(facts: dict | None, opt_out: dict | None = None) -> tuple:
    """The notice's opt-out control (the one the journey used) and its other choices (accept, OK...)."""
    notice = (facts or {}).get("notice") or {}
    controls = notice.get("controls", []) + (facts or {}).get("pageControls", [])
    control, _ = used_control(controls, opt_out)
    others = [c for c in notice.get("controls", []) if c is not control and not OPT_OUT_NAME.search(
        c.get("name", "")) and c.get("action") != "opt-out" and (c.get("action") == "accept" or (
            c.get("tag") != "a" and ACCEPT_NAME.search(c.get("name", ""))))]
    return control, others


def keyboard_reached(keyboard: dict, control: dict | None) -> bool:
    """Whether Tab brought the focus to the judged control (the driver's own answer when none is known)."""
    focused = keyboard.get("focused")
    if not control or not focused:
        return bool(keyboard.get("reached"))
    name = (control.get("name") or "")[:100]
    return any((name and entry.get("name") == name) or (control.get("action") == "opt-out" == entry.get("action"))
               for entry in focused)


def token_problems(record: dict) -> list:
    """The opt-out token cookie must be session-only (DESIGN: no Expires, no Max-Age)."""
    problems = []
    for cookie in requested_cookies(record.get("events", [])):
        if cookie["name"] == OPT_OUT_COOKIE and cookie["persistent"]:
            problems.append(f"the {OPT_OUT_COOKIE} cookie is persistent ({cookie['raw']})")
    for cookie in record.get("cookies", []):
        if cookie["name"] == OPT_OUT_COOKIE and not cookie.get("session", True) and not problems:
            problems.append(f"the {OPT_OUT_COOKIE} cookie is stored with an expiry")
    return problems


def notice_asks_again(facts: dict | None) -> bool:
    """Whether a page shows the notice with its opt-out choice again (the choice did not hold)."""
    notice = (facts or {}).get("notice")
    if not notice or not notice.get("visible"):
        return False
    return any(c.get("visible") and (c.get("action") == "opt-out" or OPT_OUT_NAME.search(c.get("name", "")))
               for c in notice.get("controls", []))


def clause_1_3_3(url: str, page: dict, notice_data: dict) -> Finding:
    """Opt-out present, keyboard reachable, as prominent as other choices, effective, session token, holds."""
    opt = page.get("opt_out", {})
    evidence = {"opt_out": opt, "focus_reached": page.get("keyboard", {}).get("reached")}
    if not opt.get("found"):
        return finding(url, "1.3.3", False, "No opt-out control was found (by data-consent-action or by a name "
                       "such as “Opt out” or “Reject”).", evidence)
    problems = []
    before = page.get("before", {}).get("facts")
    control, others = choice_controls(before, opt)
    if not keyboard_reached(page.get("keyboard", {}), control):
        problems.append("the opt-out control cannot be reached with the Tab key")
    if control:
        problems += prominence(control, others, (before or {}).get("viewport"))
    evidence["control"] = control and {k: control.get(k) for k in JUDGED}
    if not opt.get("clicked"):
        problems.append(f"the opt-out control could not be used ({opt.get('error')})")
    after = tracker_activity(page.get("after_record", {}), url, notice_data)
    evidence["after_opt_out"] = after
    if after["requests"]:
        problems.append("declared trackers still load after opt-out: " + after["requests"][0]["url"])
    if after["cookies"]:
        problems.append("tracker cookies are still set after opt-out: "
                        + ", ".join(sorted({c["name"] for c in after["cookies"]})))
    problems += token_problems(page.get("after_record", {}))
    if notice_asks_again(page.get("after", {}).get("facts")) or notice_asks_again(page.get("next", {}).get("facts")):
        problems.append("the choice does not hold: the notice asks again on the next page view")
    evidence["next_url"] = page.get("next", {}).get("url")
    if problems:
        return finding(url, "1.3.3", False, "Opt-out not effective or not easy to use: " + "; ".join(problems) + ".",
                       evidence)
    return finding(url, "1.3.3", True, "The opt-out control is easy to reach and use, and after opting out no "
                   "declared tracker ran on this or the next page.", evidence)


def clause_gpc(url: str, gpc: dict, notice_data: dict) -> Finding:
    """With Global Privacy Control on, no declared tracker may run without any click (DESIGN: GPC = opt-out)."""
    activity = tracker_activity(gpc.get("record", {}), url, notice_data)
    notice = (gpc.get("facts") or {}).get("notice") or {}
    evidence = {"gpc": True, "activity": activity, "notice_text": notice.get("text", "")[:300]}
    if activity["requests"] or activity["cookies"]:
        names = [r["url"] for r in activity["requests"][:1]] + [c["name"] for c in activity["cookies"][:3]]
        return finding(url, "1.3.3", False, "With Global Privacy Control on, declared trackers still ran: "
                       + ", ".join(names) + ".", evidence)
    return finding(url, "1.3.3", True, "With Global Privacy Control on, no declared tracker ran.", evidence)
