"""Audit without an agency file: every outside party seen on the first visit counts as an undeclared tracker."""

from dataclasses import replace
from urllib.parse import urlsplit

from extension.clauses import evaluate
from extension.clauses.disclosure import is_third_party
from extension.clauses.findings import Finding
from extension.clauses.findings import finding
from extension.clauses.findings import label
from extension.clauses.notice import clause_1_3_2
from extension.clauses.persistent import clause_2_5
from extension.cookies import host_of
from extension.cookies import page_cookies
from extension.cookies import site_of

DEFAULT_COMMONWEALTH_DOMAINS = ("mass.gov", "state.ma.us")
NO_DECLARATION = "No declaration was available (no agency file): judged from observation alone. "


def base_notice(url: str, commonwealth_domains) -> dict:
    """A notice with nothing declared: the page's origin and the Commonwealth domains to judge 2.1 by."""
    parts = urlsplit(url)
    return {"trackers": [], "origins": [f"{parts.scheme}://{parts.netloc}"],
            "commonwealth_domains": list(commonwealth_domains or DEFAULT_COMMONWEALTH_DOMAINS), "observed": True}


def outside_parties(page: dict) -> list:
    """One undeclared "tracker" per outside site seen on the visit (before or after opting out): origins, cookies."""
    url = page["url"]
    own = site_of(host_of(url))
    parties: dict = {}
    events = page.get("before", {}).get("record", {}).get("events", []) + page.get("after_record", {}).get("events", [])
    for event in events:
        host = host_of(event.get("url", "")) if event.get("kind") == "request" else ""
        if host and site_of(host) != own:
            parts = urlsplit(event["url"])
            party = parties.setdefault(site_of(host), {"requests": [], "cookies": []})
            prefix = f"{parts.scheme}://{parts.netloc}/"
            if prefix not in party["requests"]:
                party["requests"].append(prefix)
    for cookie in page_cookies(page):
        if is_third_party(cookie, url):
            party = parties.setdefault(site_of(cookie["domain"]), {"requests": [], "cookies": []})
            party["cookies"].append({"name": cookie["name"], "domain": cookie["domain"]})
    return [{"id": site, "vendor": site, "contracted": False, **seen} for site, seen in sorted(parties.items())]


def clause_1_3_1_observed(url: str, cookies: list) -> Finding:
    """Without a declaration no third-party cookie can be declared with its license and privacy links."""
    third = [c for c in cookies if is_third_party(c, url)]
    evidence = {"undeclared": [label(c) for c in third]}
    if third:
        return finding(url, "1.3.1", False, "Third-party cookies that no declaration names: "
                       + ", ".join(label(c) for c in third[:5]) + ".", evidence)
    return finding(url, "1.3.1", True, "No third-party cookie was set.", evidence)


def evaluate_observed(page: dict, commonwealth_domains=None) -> list:
    """The contract's clauses from observation: outside parties must stop after opt-out; none is contracted."""
    url = page["url"]
    cookies = page_cookies(page)
    nothing = base_notice(url, commonwealth_domains)
    discovered = {**nothing, "trackers": outside_parties(page)}
    # Opt-out, equal access, 2.1, 2.2 and GPC are judged against the outside parties seen; the notice, 1.3.1 and
    # 2.5 against nothing declared (no vendor to name, no link, no contract).
    without = {judged.clause: judged for judged in (clause_1_3_2(url, page.get("before", {}).get("facts"), nothing),
                                                       clause_1_3_1_observed(url, cookies),
                                                       clause_2_5(url, cookies, nothing))}
    findings = [f if f.variant else without.get(f.clause, f) for f in evaluate(page, discovered)]
    return [replace(item, reason=NO_DECLARATION + item.reason,
                    evidence={**item.evidence, "declaration": None,
                              "outside_parties": [t["id"] for t in discovered["trackers"]]})
            for item in findings]
