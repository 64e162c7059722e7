"""Clause 1.3.2: the notice is clear and conspicuous (seen on the first screen, readable, complete)."""

from urllib.parse import urlsplit

from extension.clauses.findings import Finding
from extension.clauses.findings import finding
from extension.clauses.findings import unknown
from extension.contrast import contrast_ratio
from extension.rules import NOTICE_WORDS

MIN_FONT_PX = 12
MIN_CONTRAST = 4.5
MIN_AREA_SHARE = 0.015
MIN_SHOWN_SHARE = 0.5
BIG_SHARE = 0.3


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


def where_hidden(region: dict) -> str:
    """A region the tool cannot see into, as a reason names it."""
    if region["kind"] == "frame":
        title = f" titled \"{region['title']}\"" if region.get("title") else ""
        return f"a frame from {region.get('origin') or 'an unknown address'}{title} that no consent platform's rule knows"
    return f"a closed shadow root on <{region.get('element')}>"


def clause_1_3_2(url: str, facts: dict, notice_data: dict) -> Finding:
    """Notice visible in the first viewport, readable, naming the tracking technologies, linking the policy."""
    notice = (facts or {}).get("notice")
    opaque = (facts or {}).get("opaque") or []
    if not notice and opaque:
        # Something speaks of cookies where the tool can neither see nor operate: not a pass, not a fail.
        return unknown(url, "1.3.2", "The notice could not be judged: it seems to be in "
                       + "; ".join(where_hidden(region) for region in opaque[:3])
                       + ", which the tool can neither see nor operate. Check it by hand.", {"opaque": opaque})
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
    if notice.get("frame"):
        evidence["frame"] = notice["frame"]
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
    if not NOTICE_WORDS.search(notice.get("text", "")):
        problems.append("it does not say that the site uses cookies or tracking technologies")
    if unnamed:
        problems.append("it does not name the tracker(s) " + ", ".join(unnamed))
    if notice_data.get("privacy_policy_url") and normal_url(notice_data["privacy_policy_url"]) not in links:
        problems.append("it does not link the privacy policy")
    if problems:
        return finding(url, "1.3.2", False, "Notice not clear and conspicuous: " + "; ".join(problems) + ".", evidence)
    return finding(url, "1.3.2", True, "The notice is visible on the first screen, readable, names the "
                   "tracking technologies and links the privacy policy.", evidence)
