"""What discover lists besides cookies (issue 22): storage keys, embedded frames and fingerprinting it saw."""

from urllib.parse import urlsplit

from extension.tracking.facts import fingerprint_facts
from extension.tracking.facts import storage_facts
from extension.tracking.facts import unexplained_keys

SHOWN = 30


def embeds(events: list) -> list:
    """Frames the pages loaded (the add-on's sub_frame requests): their address and host, first seen first."""
    found = {}
    for event in events:
        if event.get("kind") == "request" and event.get("type") == "sub_frame":
            host = urlsplit(event.get("url", "")).hostname
            if host and event["url"] not in found:
                found[event["url"]] = {"src": event["url"], "host": host}
    return list(found.values())[:SHOWN]


def seen_beyond_cookies(record: dict, stored: dict, start: str) -> dict:
    """Storage keys (with the script that wrote each, when a setItem call showed it), embeds, fingerprinting."""
    events = record.get("events", [])
    observed = {"origins": [f"{urlsplit(start).scheme}://{urlsplit(start).netloc}"], "trackers": []}
    written = storage_facts(events, start, observed)
    storage = [{"area": f["area"], "origin": f["origin"], "key": f["key"], "script": f["url"]} for f in written]
    storage += [{**key, "script": None} for key in unexplained_keys(stored, None, written)]
    prints = [{"script": f["url"], "surfaces": f["surfaces"], "apis": f["apis"]}
              for f in fingerprint_facts(events, start, observed)]
    return {"storage": storage[:SHOWN], "embeds": embeds(events), "fingerprinting": prints}


def listing(visits: list) -> list:
    """Comment lines for the draft agency file: what a person should know about when declaring trackers."""
    out = []
    for seen in visits:
        beyond = seen.get("beyond_cookies") or {}
        for item in beyond.get("storage", []):
            who = f", written by {item['script']}" if item.get("script") else ""
            out.append(f"#   storage: {item['area']} {item['key'] or '(a value rewritten)'} on {item['origin']}{who}")
        for item in beyond.get("embeds", []):
            out.append(f"#   embed: a frame from {item['host']} ({item['src'][:120]})")
        for item in beyond.get("fingerprinting", []):
            script = item["script"] or "an inline script"
            out.append(f"#   fingerprinting: {'/'.join(item['surfaces'])} read by {script}")
    if not out:
        return []
    return ["", "# Seen besides cookies (issue 22): a tracker behind any of these must be declared and named in the",
            "# notice, and must stop after opt-out (1.3.2, 1.3.3):", *dict.fromkeys(out)]
