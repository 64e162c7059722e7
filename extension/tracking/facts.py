"""Tracking beyond cookies in one record, as facts: who stored what, read a fingerprint, recorded, sent what.

Each fact names the script or request it rests on and its party: a declared tracker's id, "third-party" (another
site than the page's and the agency's origins), or "first-party". A fact of a tracker or a third party is what
must stop after opt-out (1.3.3); before opt-out, one of a third party no declared tracker covers is what the
notice fails to name (1.3.2). Plain functions over the record; extension/tracking/probe.py and the add-on's
devtools_watch.js collect it.
"""

from urllib.parse import unquote_plus
from urllib.parse import urlsplit

from extension.cookies import host_of
from extension.cookies import site_of
from extension.trackers import PLATFORM_KEY
from extension.trackers import page_origins
from extension.trackers import platform_request
from extension.trackers import tracker_of_request
from extension.tracking.vendors import recorder_of

SHOWN = 20
# Requests that are tracking by their kind: sendBeacon and <a ping> ("Ping"), script-made image pixels.
BEACON_TYPES = frozenset({"Ping"})


def party_of(url: str | None, page_url: str, notice_data: dict) -> dict:
    """{"url", "party", "tracker"} of a script or request: a declared tracker, a third party, or the page's own."""
    if not url:
        return {"url": None, "party": "unknown", "tracker": None}
    tracker = tracker_of_request(url, page_url, notice_data)
    if url.startswith("chrome-extension:"):
        # consent-qa's own add-on acting for the visitor (autoconsent taking the reject path): the visitor's act.
        return {"url": url, "party": "consent-qa", "tracker": None}
    if platform_request(url, notice_data.get(PLATFORM_KEY)):
        # The page's consent platform storing its choice is the opt-out mechanism, not tracking (issue 21).
        return {"url": url, "party": "consent-platform", "tracker": None}
    own = {site_of(host_of(origin)) for origin in page_origins(page_url, notice_data)}
    party = "first-party" if site_of(host_of(url)) in own else "third-party"
    return {"url": url, "party": party, "tracker": tracker}


def counts(actor: dict) -> bool:
    """Whether a script or request is a tracker's or a third party's (what opting out must stop)."""
    return bool(actor.get("tracker")) or actor.get("party") == "third-party"


def _actor(stack: list, page_url: str, notice_data: dict) -> dict:
    """The writer (innermost script) and whether any script on its stack is a tracker's or a third party's."""
    actors = [party_of(url, page_url, notice_data) for url in stack or []]
    offender = next((a for a in actors if counts(a)), None)
    writer = actors[0] if actors else party_of(None, page_url, notice_data)
    return {**writer, "by": offender["url"] if offender else writer["url"], "counts": offender is not None,
            "tracker": (offender or writer).get("tracker"), "party": (offender or writer)["party"]}


def storage_facts(events: list, page_url: str, notice_data: dict) -> list:
    """Keys written by setItem and IndexedDB opens, each with its writer."""
    found = {}
    for event in events:
        if event.get("kind") == "storage-write":
            what = (event.get("area"), event.get("origin"), event.get("key"))
        elif event.get("kind") == "indexeddb-open":
            what = ("indexedDB", event.get("origin"), None)
        else:
            continue
        actor = _actor(event.get("stack") or [event.get("writer")], page_url, notice_data)
        found.setdefault((*what, actor["by"]), {"area": what[0], "origin": what[1], "key": what[2], **actor})
    return list(found.values())[:SHOWN]


def fingerprint_facts(events: list, page_url: str, notice_data: dict) -> list:
    """Canvas, WebGL and audio readouts, one entry per script with the surfaces and built-ins it used."""
    scripts: dict = {}
    for event in events:
        if event.get("kind") != "fingerprint-call":
            continue
        actor = _actor(event.get("stack") or [event.get("writer")], page_url, notice_data)
        entry = scripts.setdefault(actor["by"], {**actor, "surfaces": [], "apis": []})
        for key, value in (("surfaces", event.get("surface")), ("apis", event.get("api"))):
            if value and value not in entry[key]:
                entry[key].append(value)
    return list(scripts.values())[:SHOWN]


def recorder_facts(events: list, page_url: str, notice_data: dict) -> list:
    """Session-replay and keystroke-recording vendors whose scripts or endpoints were requested."""
    found: dict = {}
    for event in events:
        if event.get("kind") != "request":
            continue
        row = recorder_of(event.get("url", ""))
        if row and row["vendor"] not in found:
            found[row["vendor"]] = {"vendor": row["vendor"], "records": row["records"], "source": row["source"],
                                    **party_of(event["url"], page_url, notice_data), "counts": True}
    return list(found.values())


def _carries(event: dict, word: str) -> bool:
    """Whether a request's URL or body holds the typed word (as typed, or URL-encoded)."""
    text = f"{event.get('url', '')}\n{event.get('body') or ''}"
    return word in text or word in unquote_plus(text)


def typed_facts(events: list, typed: dict | None, page_url: str, notice_data: dict) -> list:
    """Requests that carried the word typed into the page's text field (none was submitted)."""
    word = (typed or {}).get("word")
    if not word:
        return []
    found = []
    for event in events:
        if event.get("kind") == "net" and _carries(event, word):
            sent_to = party_of(event["url"], page_url, notice_data)
            sender = _actor(event.get("stack") or [], page_url, notice_data)
            found.append({"url": event["url"], "field": typed.get("field"), "initiator": sender["by"],
                          "party": sent_to["party"], "tracker": sent_to["tracker"] or sender["tracker"],
                          "counts": counts(sent_to) or sender["counts"]})
    return found[:SHOWN]


def beacon_facts(events: list, page_url: str, notice_data: dict) -> list:
    """Beacons and script-made pixels to trackers or third parties, with how many cookies went with each."""
    cookies = {e.get("requestId"): e.get("cookies", 0) for e in events if e.get("kind") == "net-cookies"}
    found = []
    for event in events:
        if event.get("kind") != "net":
            continue
        pixel = event.get("type") == "Image" and urlsplit(event["url"]).query and event.get("stack")
        if event.get("type") not in BEACON_TYPES and not pixel:
            continue
        sent_to = party_of(event["url"], page_url, notice_data)
        if counts(sent_to):
            found.append({"url": event["url"], "type": "beacon" if event["type"] in BEACON_TYPES else "pixel",
                          "initiator": event.get("initiator"),
                          "cookies": cookies.get(event.get("requestId"), event.get("cookies") or 0),
                          **{k: sent_to[k] for k in ("party", "tracker")}, "counts": True})
    return found[:SHOWN]


def unexplained_keys(stored: dict | None, before: dict | None, facts: list) -> list:
    """Keys the browser holds that no recorded setItem wrote (written another way), new since `before`."""
    named = {(f["area"], f["origin"], f["key"]) for f in facts}
    found = []
    for origin, areas in (stored or {}).items():
        for area in ("localStorage", "sessionStorage", "indexedDB"):
            old = set(((before or {}).get(origin) or {}).get(area, []))
            for key in areas.get(area, []):
                if key not in old and (area, origin, key) not in named and not (
                        area == "indexedDB" and (area, origin, None) in named):
                    found.append({"area": area, "origin": origin, "key": key})
    return found[:SHOWN]


def tracking_facts(record: dict, page_url: str, notice_data: dict, *, stored: dict | None = None,
                   stored_before: dict | None = None, typed: dict | None = None) -> dict:
    """Every fact of one record (a page before opt-out, after it, or the GPC visit)."""
    events = (record or {}).get("events", [])
    storage = storage_facts(events, page_url, notice_data)
    return {
        "storage": storage,
        "storage_unattributed": unexplained_keys(stored, stored_before, storage),
        "stored": stored or {},
        "fingerprinting": fingerprint_facts(events, page_url, notice_data),
        "session_recorders": recorder_facts(events, page_url, notice_data),
        "typed_text": typed_facts(events, typed, page_url, notice_data),
        "typed": typed or {},
        "beacons": beacon_facts(events, page_url, notice_data),
    }
