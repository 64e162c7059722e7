"""Clause verdicts over one page's record: plain functions, so every rule is unit-tested without a browser."""

import re
from urllib.parse import urlsplit

from extension.content import compare_content
from extension.contrast import contrast_ratio
from extension.cookie_clauses import clause_1_3_1
from extension.cookie_clauses import clause_2_1
from extension.cookie_clauses import clause_2_2
from extension.cookie_clauses import clause_2_5
from extension.cookie_clauses import finding
from extension.cookie_clauses import is_tracker_cookie
from extension.cookie_clauses import page_cookies
from extension.cookies import requested_cookies

CLAUSES = ("1.3.2", "1.3.3", "equal-access", "1.3.1", "2.1", "2.2", "2.5")
MIN_FONT_PX = 12
MIN_CONTRAST = 4.5
MIN_AREA_SHARE = 0.015
MIN_SHOWN_SHARE = 0.5
BIG_SHARE = 0.3
PROMINENCE_SLACK = 0.9
TOKEN_COOKIE = "consent_optout"
ACCEPT_NAME = re.compile(r"\b(accept|agree|allow|ok|okay|got it|continue|i understand)\b", re.I)
OPT_OUT_NAME = re.compile(r"opt.?out|reject|decline|refuse|do not (track|sell)|no,? thanks", re.I)
TRACKING_WORDS = re.compile(r"cookie|tracking|tracker|analytics", re.I)


def normal_url(url: str) -> str:
    """A URL without fragment and trailing slash, for comparing links."""
    parts = urlsplit(url or "")
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def shown_share(rect: dict, viewport: dict) -> float:
    """The share of an element's area inside the first viewport (page not scrolled)."""
    top = rect["y"] + viewport.get("scrollY", 0)
    left = rect["x"] + viewport.get("scrollX", 0)
    width = max(0.0, min(left + rect["width"], viewport["width"]) - max(left, 0))
    height = max(0.0, min(top + rect["height"], viewport["height"]) - max(top, 0))
    area = rect["width"] * rect["height"]
    if area <= 0:
        return 0.0
    inside = width * height
    # A notice larger than the screen counts as shown when it fills a good part of the first screen.
    if inside >= BIG_SHARE * viewport["width"] * viewport["height"]:
        return 1.0
    return inside / area


def text_size(texts: list) -> float | None:
    """The font size that carries at least half of the notice's characters."""
    weighted = sorted((t["fontSize"], t["chars"]) for t in texts if t.get("chars"))
    total = sum(chars for _, chars in weighted)
    seen = 0
    for size, chars in weighted:
        seen += chars
        if seen * 2 >= total:
            return size
    return None


def low_contrast(texts: list) -> list:
    """Text of the notice below 4.5:1 against what is behind it (issue 4 asks this of all notice text, large or not)."""
    found = []
    for text in texts:
        ratio = contrast_ratio(text.get("color"), text.get("background", {}).get("layers", []))
        if ratio is None:
            continue
        if ratio < MIN_CONTRAST:
            found.append({"text": text.get("text", ""), "ratio": ratio, "needs": MIN_CONTRAST})
    return found


def clause_1_3_2(url: str, facts: dict, notice_data: dict) -> dict:
    """Notice visible in the first viewport, readable, naming the tracking technologies, linking the policy."""
    notice = (facts or {}).get("notice")
    if not notice:
        return finding(url, "1.3.2", False, "No cookie notice was found on the page on a first visit.",
                       {"looked_for": "[data-consent-notice], or a banner-like element mentioning cookies"})
    viewport = facts["viewport"]
    share = shown_share(notice["rect"], viewport)
    size = text_size(notice.get("texts", []))
    poor = low_contrast(notice.get("texts", []))
    area_share = notice["rect"]["width"] * notice["rect"]["height"] / (viewport["width"] * viewport["height"])
    vendors = [t["vendor"] for t in notice_data.get("trackers", [])]
    unnamed = [v for v in vendors if v.lower() not in notice.get("fullText", "").lower()]
    links = {normal_url(link["href"]) for link in notice.get("links", [])}
    evidence = {
        "hook": notice.get("hook"), "rect": notice["rect"], "viewport": viewport, "shown_share": round(share, 2),
        "font_size_px": size, "low_contrast": poor[:5], "area_share": round(area_share, 4),
        "text": notice.get("text", "")[:300], "unnamed_trackers": unnamed,
        "privacy_policy_url": notice_data.get("privacy_policy_url"), "links": sorted(links)[:20],
    }
    problems = []
    if not notice.get("visible"):
        problems.append("the notice is on the page but not visible")
    elif share < MIN_SHOWN_SHARE:
        problems.append("the notice is not in the first screen without scrolling")
    if area_share < MIN_AREA_SHARE:
        problems.append(f"the notice is too small to be noticed ({area_share:.1%} of the screen)")
    if size is None or size < MIN_FONT_PX:
        problems.append(f"its text is too small to read ({size} px, needs at least {MIN_FONT_PX} px)")
    if poor:
        problems.append(f"its text contrast is too low ({poor[0]['ratio']}:1, needs {poor[0]['needs']}:1)")
    if not TRACKING_WORDS.search(notice.get("text", "")):
        problems.append("it does not say that the site uses cookies or tracking technologies")
    if unnamed:
        problems.append("it does not name the tracker(s) " + ", ".join(unnamed))
    if notice_data.get("privacy_policy_url") and normal_url(notice_data["privacy_policy_url"]) not in links:
        problems.append("it does not link the privacy policy")
    if problems:
        return finding(url, "1.3.2", False, "Notice not clear and conspicuous: " + "; ".join(problems) + ".", evidence)
    return finding(url, "1.3.2", True, "The notice is visible on the first screen, readable, names the "
                   "tracking technologies and links the privacy policy.", evidence)


def origin_key(url: str) -> tuple:
    """(scheme, host, port) with default ports filled in, for comparing origins."""
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def tracker_of_request(request_url: str, page_url: str, notice_data: dict) -> str | None:
    """The declared tracker a request belongs to ("/path" prefixes: the page's origin and the agency's)."""
    own = {origin_key(page_url)} | {origin_key(o) for o in notice_data.get("origins", [])}
    for tracker in notice_data.get("trackers", []):
        for prefix in tracker.get("requests", []):
            if prefix.startswith("/"):
                if origin_key(request_url) in own and urlsplit(request_url).path.startswith(prefix):
                    return tracker["id"]
            elif request_url.startswith(prefix):
                return tracker["id"]
    return None


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


def prominence(opt_out: dict, others: list) -> list:
    """Ways the opt-out control is less prominent than another choice."""
    problems = []
    area = opt_out["rect"]["width"] * opt_out["rect"]["height"]
    for other in others:
        if not other.get("visible"):
            continue
        if area < PROMINENCE_SLACK * other["rect"]["width"] * other["rect"]["height"]:
            problems.append(f"it is smaller than “{other['name']}”")
        if opt_out["fontSize"] < PROMINENCE_SLACK * other["fontSize"]:
            problems.append(f"its text is smaller than that of “{other['name']}”")
    return problems


def choice_controls(facts: dict | None) -> tuple:
    """The notice's opt-out control and its other choices (accept, OK...), from the measured facts."""
    notice = (facts or {}).get("notice") or {}
    controls = notice.get("controls", []) + (facts or {}).get("pageControls", [])
    opt_out = next((c for c in controls if c.get("action") == "opt-out"), None) or next(
        (c for c in controls if OPT_OUT_NAME.search(c.get("name", ""))), None)
    others = [c for c in notice.get("controls", []) if c is not opt_out and (
        c.get("action") == "accept" or (c.get("tag") != "a" and ACCEPT_NAME.search(c.get("name", ""))))]
    return opt_out, others


def token_problems(record: dict) -> list:
    """The opt-out token cookie must be session-only (DESIGN: no Expires, no Max-Age)."""
    problems = []
    for cookie in requested_cookies(record.get("events", [])):
        if cookie["name"] == TOKEN_COOKIE and cookie["persistent"]:
            problems.append(f"the {TOKEN_COOKIE} cookie is persistent ({cookie['raw']})")
    for cookie in record.get("cookies", []):
        if cookie["name"] == TOKEN_COOKIE and not cookie.get("session", True) and not problems:
            problems.append(f"the {TOKEN_COOKIE} cookie is stored with an expiry")
    return problems


def notice_asks_again(facts: dict | None) -> bool:
    """Whether a page shows the notice with its opt-out choice again (the choice did not hold)."""
    notice = (facts or {}).get("notice")
    if not notice or not notice.get("visible"):
        return False
    return any(c.get("visible") and (c.get("action") == "opt-out" or OPT_OUT_NAME.search(c.get("name", "")))
               for c in notice.get("controls", []))


def clause_1_3_3(url: str, page: dict, notice_data: dict) -> dict:
    """Opt-out present, keyboard reachable, as prominent as other choices, effective, session token, holds."""
    opt = page.get("opt_out", {})
    evidence = {"opt_out": opt, "focus_reached": page.get("keyboard", {}).get("reached")}
    if not opt.get("found"):
        return finding(url, "1.3.3", False, "No opt-out control was found (by data-consent-action or by a name "
                       "such as “Opt out” or “Reject”).", evidence)
    problems = []
    if not page.get("keyboard", {}).get("reached"):
        problems.append("the opt-out control cannot be reached with the Tab key")
    control, others = choice_controls(page.get("before", {}).get("facts"))
    if control:
        problems += prominence(control, others)
    evidence["control"] = control and {k: control.get(k) for k in ("name", "rect", "fontSize", "tabbable")}
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


def clause_gpc(url: str, gpc: dict, notice_data: dict) -> dict:
    """With Global Privacy Control on, no declared tracker may run without any click (DESIGN: GPC = opt-out)."""
    activity = tracker_activity(gpc.get("record", {}), url, notice_data)
    notice = (gpc.get("facts") or {}).get("notice") or {}
    evidence = {"gpc": True, "activity": activity, "notice_text": notice.get("text", "")[:300]}
    if activity["requests"] or activity["cookies"]:
        names = [r["url"] for r in activity["requests"][:1]] + [c["name"] for c in activity["cookies"][:3]]
        return finding(url, "1.3.3", False, "With Global Privacy Control on, declared trackers still ran: "
                       + ", ".join(names) + ".", evidence)
    return finding(url, "1.3.3", True, "With Global Privacy Control on, no declared tracker ran.", evidence)


def clause_equal_access(url: str, page: dict, notice_data: dict) -> dict:
    """Visitors who opted out get the same content (1.3.3: no discrimination in access to information)."""
    before = page.get("before", {}).get("dom")
    after = page.get("after", {}).get("dom")
    if not before or not after:
        return finding(url, "equal-access", False, "The page could not be captured before and after opt-out.", {})
    result = compare_content(before, after, url, notice_data)
    evidence = {"differences": result["differences"][:10], "method": result["method"]}
    if result["equal"]:
        return finding(url, "equal-access", True, "Visitors who opted out get the same content.", evidence)
    first = result["differences"][0]["message"] if result["differences"] else "the content differs"
    return finding(url, "equal-access", False, f"Visitors who opted out get less: {first}", evidence)


def evaluate(page: dict, notice_data: dict) -> list:
    """Every clause's finding for one checked page, in the contract's order (GPC last when checked)."""
    url = page["url"]
    cookies = page_cookies(page)
    findings = [
        clause_1_3_2(url, page.get("before", {}).get("facts"), notice_data),
        clause_1_3_3(url, page, notice_data),
        clause_equal_access(url, page, notice_data),
        clause_1_3_1(url, cookies, notice_data),
        clause_2_1(url, cookies, notice_data),
        clause_2_2(url, cookies),
        clause_2_5(url, cookies, notice_data),
    ]
    if page.get("gpc") is not None:
        gpc = clause_gpc(url, page["gpc"], notice_data)
        gpc["variant"] = "gpc"
        findings.append(gpc)
    return findings
