"""Compare what a page shows before and after opt-out: the single place that picks the comparison."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin
from urllib.parse import urlsplit

# Left out on both sides: the notice itself and what agencies or trackers mark as not content.
SKIP_ATTRS = ("data-consent-notice", "data-equal-access-ignore", "data-tracker")
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
MAX_DIFFERENCES = 20


def tracker_prefixes(url: str, notice_data: dict) -> tuple:
    """Absolute request prefixes of the declared trackers ("/path": on the page's and the agency's origins)."""
    parts = urlsplit(url)
    origins = list(dict.fromkeys([f"{parts.scheme}://{parts.netloc}", *notice_data.get("origins", [])]))
    return tuple(prefix for t in notice_data.get("trackers", []) for p in t.get("requests", [])
                 for prefix in ([o.rstrip("/") + p for o in origins] if p.startswith("/") else [p]))


def compare_content(before_html: str, after_html: str, url: str, notice_data: dict) -> dict:
    """{"equal", "differences": [{"message", ...}], "method"}: the service's checker when it is importable."""
    try:
        from server.equal_access.compare import compare_documents
        from server.equal_access.rules import Rules
    except ImportError:
        return simple_compare(before_html, after_html, url)
    rules = Rules(tracker_prefixes=tracker_prefixes(url, notice_data),
                  ignore_selectors=tuple(notice_data.get("equal_access_ignore", [])))
    result = compare_documents(before_html, after_html, url=url, rules=rules).to_dict()
    return {"equal": result["equal"], "differences": result["differences"][:MAX_DIFFERENCES],
            "method": "server.equal_access"}


class _Summary(HTMLParser):
    """Visible text words, link targets and form fields of a DOM snapshot, skipping ignored subtrees."""

    def __init__(self, base: str):
        super().__init__(convert_charrefs=True)
        self.base = base
        self.words: list = []
        self.links: set = set()
        self.forms: set = set()
        self.stack: list = []
        self.skip_depth = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if self.skip_depth is not None:
            return
        if tag in ("script", "style", "template", "noscript") or "hidden" in attrs \
                or any(a in attrs for a in SKIP_ATTRS):
            if tag not in VOID:
                self.skip_depth = len(self.stack)
            return
        if tag == "a" and attrs.get("href"):
            self.links.add(urljoin(self.base, attrs["href"]).split("#")[0])
        if tag == "form":
            self.forms.add(("form", attrs.get("action") or "", (attrs.get("method") or "get").lower()))
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.forms.add(("field", attrs.get("name") or "", attrs.get("type") or tag))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            top = self.stack.pop()
            if self.skip_depth is not None and len(self.stack) < self.skip_depth:
                self.skip_depth = None
            if top == tag:
                break

    def handle_data(self, data):
        if self.skip_depth is None:
            self.words.extend(re.findall(r"\w+", data.lower()))


def summarise(html: str, base: str) -> _Summary:
    """Parse a snapshot into its comparable parts."""
    summary = _Summary(base)
    summary.feed(html)
    summary.close()
    return summary


def simple_compare(before_html: str, after_html: str, url: str) -> dict:
    """A text, links and forms comparison, used when the service's checker is not installed."""
    before, after = summarise(before_html, url), summarise(after_html, url)
    differences = []
    for link in sorted(before.links - after.links):
        differences.append({"what": "link", "before": link, "after": None,
                            "message": f"The link {link} is missing for visitors who opted out."})
    for item in sorted(before.forms - after.forms):
        differences.append({"what": "form", "before": " ".join(item), "after": None,
                            "message": f"A form part ({' '.join(item)}) is missing for visitors who opted out."})
    missing = len(set(before.words) - set(after.words))
    if before.words and missing / len(set(before.words)) > 0.05:
        differences.append({"what": "text", "before": str(len(before.words)), "after": str(len(after.words)),
                            "message": f"{missing} words of the page's text are missing for visitors who opted out."})
    return {"equal": not differences, "differences": differences[:MAX_DIFFERENCES], "method": "text-links-forms"}
