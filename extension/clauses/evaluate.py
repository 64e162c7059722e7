"""Every clause's finding for one checked page, in the contract's order."""

from dataclasses import replace

from extension.clauses.beyond_cookies import with_beyond_cookies
from extension.clauses.disclosure import clause_1_3_1
from extension.clauses.equal_access import clause_equal_access
from extension.clauses.notice import clause_1_3_2
from extension.clauses.opt_out import clause_1_3_3
from extension.clauses.opt_out import clause_gpc
from extension.clauses.persistent import clause_2_1
from extension.clauses.persistent import clause_2_2
from extension.clauses.persistent import clause_2_5
from extension.cookies import page_cookies
from extension.trackers import PLATFORM_KEY
from server.core.clauses import GPC_VARIANT
from server.core.clauses import QA_ORDER
from server.core.clauses import THROUGH_OPT_OUT

# The contract's order, as the catalogue numbers each clause's step.
CLAUSES = QA_ORDER


def evaluate(page: dict, notice_data: dict) -> list:
    """Every clause's finding for one checked page, in the contract's order (GPC last when checked)."""
    url = page["url"]
    cookies = page_cookies(page)
    if page.get("platform"):
        # Its own requests are the opt-out mechanism, not tracking; its consent cookie is judged like any other.
        notice_data = {**notice_data, PLATFORM_KEY: page["platform"]["name"]}
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
        findings.append(replace(clause_gpc(url, page["gpc"], notice_data), variant=GPC_VARIANT))
    # Storage, fingerprints, session replay, typed text and beacons count too (issue 22).
    return unseen_notice(with_beyond_cookies(findings, page, notice_data), page)


def unseen_notice(findings: list, page: dict) -> list:
    """A notice the tool could neither see nor operate leaves its opt-out and what opting out changes unknown too."""
    notice = next((f for f in findings if f.clause == "1.3.2"), None)
    if notice is None or notice.verdict != "unknown" or (page.get("opt_out") or {}).get("clicked"):
        return findings
    reason = "Not judged: the opt-out could not be used, since " + notice.reason[0].lower() + notice.reason[1:]
    return [replace(f, verdict="unknown", reason=reason, evidence={**f.evidence, "opaque": notice.evidence["opaque"]})
            if f.clause in THROUGH_OPT_OUT and not f.variant else f for f in findings]
