"""The cookie clauses (1.3.1, 2.1, 2.2, 2.5) over the merged cookie facts of one page."""

from extension.cookies import collect
from extension.cookies import domain_within
from extension.cookies import host_of
from extension.cookies import site_of

MAX_PERSISTENT_DAYS = 731  # "a reasonable expiration date (for example, 2 years)", a leap day allowed
SHOWN = 5


def finding(url: str, clause: str, ok: bool, reason: str, evidence: dict) -> dict:
    """One verdict, shaped as DESIGN.md's report entries."""
    return {"url": url, "clause": clause, "verdict": "pass" if ok else "fail", "reason": reason,
            "evidence": evidence}


def page_cookies(page: dict) -> list:
    """Every cookie seen during the whole journey (first visit, opt-out, reload, next page)."""
    phases = {"before": page.get("before", {}).get("record", {}), "after": page.get("after_record", {})}
    return [fact.to_dict() for fact in collect(phases)]


def declared_tracker(name: str, domain: str, notice_data: dict) -> dict | None:
    """The declared tracker whose cookie list has this cookie (same name, domain within the declared one)."""
    for tracker in notice_data.get("trackers", []):
        for cookie in tracker.get("cookies", []):
            declared = cookie.get("domain", "")
            if cookie.get("name") == name and (domain_within(domain, declared) or domain_within(declared, domain)):
                return tracker
    return None


def is_tracker_cookie(name: str, domain: str, notice_data: dict) -> bool:
    """Whether a cookie belongs to a declared tracker."""
    return declared_tracker(name, domain, notice_data) is not None


def is_third_party(cookie: dict, page_url: str) -> bool:
    """A cookie whose domain is another site than the page's."""
    return site_of(cookie["domain"]) != site_of(host_of(page_url))


def on_commonwealth_domain(domain: str, notice_data: dict) -> bool:
    """Whether a cookie domain lies within one of the agency's Commonwealth domains."""
    return any(domain_within(domain, cw) for cw in notice_data.get("commonwealth_domains", []))


def _label(cookie: dict) -> str:
    """How a cookie is named in a reason: name (domain)."""
    return f"{cookie['name']} ({cookie['domain']})"


def _brief(cookie: dict) -> dict:
    """The facts about a cookie that evidence needs."""
    keep = ("name", "domain", "persistent", "lifetime_days", "requested_days", "stored_days", "setters", "raw")
    return {key: cookie.get(key) for key in keep}


def clause_1_3_1(url: str, cookies: list, notice_data: dict) -> dict:
    """Every third-party cookie belongs to a declared tracker that has license and privacy links."""
    third = [c for c in cookies if is_third_party(c, url)]
    undeclared, unlinked = [], []
    for cookie in third:
        tracker = declared_tracker(cookie["name"], cookie["domain"], notice_data)
        if tracker is None:
            undeclared.append(cookie)
        elif not (tracker.get("license_url") and tracker.get("privacy_url")):
            unlinked.append(cookie)
    evidence = {"third_party": [_brief(c) for c in third[:20]], "undeclared": [_label(c) for c in undeclared],
                "without_links": [_label(c) for c in unlinked]}
    if undeclared:
        return finding(url, "1.3.1", False, "Third-party cookies not declared for any tracker: "
                       + ", ".join(_label(c) for c in undeclared[:SHOWN]) + ".", evidence)
    if unlinked:
        return finding(url, "1.3.1", False, "Third-party cookies of trackers without license or privacy links: "
                       + ", ".join(_label(c) for c in unlinked[:SHOWN]) + ".", evidence)
    return finding(url, "1.3.1", True, f"All {len(third)} third-party cookie(s) belong to declared trackers "
                   "with license and privacy links.", evidence)


def clause_2_1(url: str, cookies: list, notice_data: dict) -> dict:
    """Persistent cookies are issued only on the agency's Commonwealth domains."""
    persistent = [c for c in cookies if c["persistent"]]
    outside = [c for c in persistent if not on_commonwealth_domain(c["domain"], notice_data)]
    evidence = {"commonwealth_domains": notice_data.get("commonwealth_domains", []),
                "persistent": [_brief(c) for c in persistent[:20]], "outside": [_label(c) for c in outside]}
    if outside:
        return finding(url, "2.1", False, "Persistent cookies set outside the Commonwealth domains: "
                       + ", ".join(_label(c) for c in outside[:SHOWN]) + ".", evidence)
    return finding(url, "2.1", True, f"All {len(persistent)} persistent cookie(s) are on Commonwealth domains.",
                   evidence)


def clause_2_2(url: str, cookies: list) -> dict:
    """Persistent cookies expire within about two years (judged from what was asked, not Chromium's 400-day cap)."""
    persistent = [c for c in cookies if c["persistent"]]
    too_long = [c for c in persistent if (c.get("lifetime_days") or 0) > MAX_PERSISTENT_DAYS]
    evidence = {"persistent": [_brief(c) for c in persistent[:20]], "too_long": [_brief(c) for c in too_long]}
    if too_long:
        shown = ", ".join(f"{c['name']} ({c['lifetime_days']:.0f} days)" for c in too_long[:SHOWN])
        return finding(url, "2.2", False, f"Persistent cookies expire after more than 2 years: {shown}.", evidence)
    return finding(url, "2.2", True, f"All {len(persistent)} persistent cookie(s) expire within 2 years.", evidence)


def clause_2_5(url: str, cookies: list, notice_data: dict) -> dict:
    """No persistent cookie from an outside party unless its tracker is a contracted publisher."""
    offending = []
    for cookie in (c for c in cookies if c["persistent"]):
        tracker = declared_tracker(cookie["name"], cookie["domain"], notice_data)
        outside = is_third_party(cookie, url) and not on_commonwealth_domain(cookie["domain"], notice_data)
        if tracker is not None and not tracker.get("contracted"):
            offending.append((cookie, f"tracker {tracker['id']} is not contracted"))
        elif tracker is None and outside:
            offending.append((cookie, "set by an undeclared outside party"))
    evidence = {"offending": [{"cookie": _label(c), "why": why} for c, why in offending]}
    if offending:
        return finding(url, "2.5", False, "Permanent cookies from outside parties without a contract: "
                       + ", ".join(f"{_label(c)}: {why}" for c, why in offending[:SHOWN]) + ".", evidence)
    return finding(url, "2.5", True, "No permanent cookie comes from an outside party without a contract.", evidence)
