"""Clauses 2.1, 2.2 and 2.5: persistent cookies only on Commonwealth domains, at most 2 years, not from outsiders."""

from extension.clauses.disclosure import is_third_party
from extension.clauses.findings import Finding
from extension.clauses.findings import all_of
from extension.clauses.findings import brief
from extension.clauses.findings import finding
from extension.clauses.findings import label
from extension.cookies import domain_within
from extension.trackers import declared_tracker

MAX_PERSISTENT_DAYS = 731  # "a reasonable expiration date (for example, 2 years)", a leap day allowed
SHOWN = 5


def on_commonwealth_domain(domain: str, notice_data: dict) -> bool:
    """Whether a cookie domain lies within one of the agency's Commonwealth domains."""
    return any(domain_within(domain, cw) for cw in notice_data.get("commonwealth_domains", []))


def clause_2_1(url: str, cookies: list, notice_data: dict) -> Finding:
    """Persistent cookies are issued only on the agency's Commonwealth domains."""
    persistent = [c for c in cookies if c["persistent"]]
    outside = [c for c in persistent if not on_commonwealth_domain(c["domain"], notice_data)]
    evidence = {"commonwealth_domains": notice_data.get("commonwealth_domains", []),
                "persistent": [brief(c) for c in persistent[:20]], "outside": [label(c) for c in outside]}
    if outside:
        return finding(url, "2.1", False, "Persistent cookies set outside the Commonwealth domains: "
                       + ", ".join(label(c) for c in outside[:SHOWN]) + ".", evidence)
    return finding(url, "2.1", True, all_of(persistent, "persistent cookie", "is on a Commonwealth domain",
                                            "are on Commonwealth domains"), evidence)


def clause_2_2(url: str, cookies: list) -> Finding:
    """Persistent cookies expire within about two years (judged from what was asked, not Chromium's 400-day cap)."""
    persistent = [c for c in cookies if c["persistent"]]
    too_long = [c for c in persistent if (c.get("lifetime_days") or 0) > MAX_PERSISTENT_DAYS]
    evidence = {"persistent": [brief(c) for c in persistent[:20]], "too_long": [brief(c) for c in too_long]}
    if too_long:
        shown = ", ".join(f"{c['name']} ({c['lifetime_days']:.0f} days)" for c in too_long[:SHOWN])
        return finding(url, "2.2", False, f"Persistent cookies expire after more than 2 years: {shown}.", evidence)
    return finding(url, "2.2", True, all_of(persistent, "persistent cookie", "expires within 2 years",
                                            "expire within 2 years"), evidence)


def clause_2_5(url: str, cookies: list, notice_data: dict) -> Finding:
    """No persistent cookie from an outside party unless its tracker is a contracted publisher."""
    offending = []
    for cookie in (c for c in cookies if c["persistent"]):
        tracker = declared_tracker(cookie["name"], cookie["domain"], notice_data)
        outside = is_third_party(cookie, url) and not on_commonwealth_domain(cookie["domain"], notice_data)
        if tracker is not None and not tracker.get("contracted"):
            offending.append((cookie, f"tracker {tracker['id']} is not contracted"))
        elif tracker is None and outside:
            offending.append((cookie, "set by an undeclared outside party"))
    evidence = {"offending": [{"cookie": label(c), "why": why} for c, why in offending]}
    if offending:
        return finding(url, "2.5", False, "Permanent cookies from outside parties without a contract: "
                       + ", ".join(f"{label(c)}: {why}" for c, why in offending[:SHOWN]) + ".", evidence)
    return finding(url, "2.5", True, "No permanent cookie comes from an outside party without a contract.", evidence)
