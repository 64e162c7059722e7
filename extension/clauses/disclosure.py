"""Clause 1.3.1: every third-party cookie belongs to a declared tracker with license and privacy links."""

from extension.clauses.findings import Finding
from extension.clauses.findings import all_of
from extension.clauses.findings import brief
from extension.clauses.findings import finding
from extension.clauses.findings import label
from extension.cookies import host_of
from extension.cookies import site_of
from extension.trackers import declared_tracker

SHOWN = 5


def is_third_party(cookie: dict, page_url: str) -> bool:
    """A cookie whose domain is another site than the page's."""
    return site_of(cookie["domain"]) != site_of(host_of(page_url))


def clause_1_3_1(url: str, cookies: list, notice_data: dict) -> Finding:
    """Every third-party cookie belongs to a declared tracker that has license and privacy links."""
    third = [c for c in cookies if is_third_party(c, url)]
    undeclared, unlinked = [], []
    for cookie in third:
        tracker = declared_tracker(cookie["name"], cookie["domain"], notice_data)
        if tracker is None:
            undeclared.append(cookie)
        elif not (tracker.get("license_url") and tracker.get("privacy_url")):
            unlinked.append(cookie)
    evidence = {"third_party": [brief(c) for c in third[:20]], "undeclared": [label(c) for c in undeclared],
                "without_links": [label(c) for c in unlinked]}
    if undeclared:
        return finding(url, "1.3.1", False, "Third-party cookies not declared for any tracker: "
                       + ", ".join(label(c) for c in undeclared[:SHOWN]) + ".", evidence)
    if unlinked:
        return finding(url, "1.3.1", False, "Third-party cookies of trackers without license or privacy links: "
                       + ", ".join(label(c) for c in unlinked[:SHOWN]) + ".", evidence)
    return finding(url, "1.3.1", True, all_of(third, "third-party cookie",
                                              "belongs to a declared tracker with license and privacy links",
                                              "belong to declared trackers with license and privacy links"), evidence)
