"""Every finding for one checked page: the contract's clauses (declared, or observed without an agency file),
clause 1.1 when the privacy policy was read, and the consent platform named where one was recognised."""

from extension.clauses import evaluate
from extension.clauses.privacy_readability import clause_1_1
from extension.discover.observed import NO_DECLARATION
from extension.discover.observed import evaluate_observed
from server.core.clauses import BANNER_CLAUSES


def name_platform(findings: list, platform: dict | None, asked_again: str | None = None) -> list:
    """Say in the notice and opt-out findings which platform's banner was judged and operated (and whether the
    platform asked again after the reject choice: then the opt-out did not hold)."""
    if not platform:
        return findings
    for item in findings:
        item["evidence"]["platform"] = {"name": platform["name"], "by": platform["by"]}
        if item["clause"] == "1.3.3" and not item.get("variant") and asked_again and item["verdict"] == "pass":
            prefix = NO_DECLARATION if item["reason"].startswith(NO_DECLARATION) else ""
            item["verdict"] = "fail"
            item["reason"] = (f"{prefix}Opt-out not effective: the choice does not hold, {asked_again} shows its "
                              "banner again when the page is reloaded.")
            item["evidence"]["asked_again"] = asked_again
        if item["clause"] in BANNER_CLAUSES and not item.get("variant"):
            item["reason"] += f" Consent platform: {platform['name']} (recognised by {platform['by']})."
    return findings


def judge(page: dict, notice_data: dict) -> list:
    """The findings consent-qa reports for a page."""
    if notice_data.get("observed"):
        findings = evaluate_observed(page, notice_data.get("commonwealth_domains"))
    else:
        findings = evaluate(page, notice_data)
    if page.get("privacy") is not None:
        findings.append(clause_1_1(page["url"], page["privacy"], notice_data))
    return name_platform(findings, page.get("platform"), page.get("after", {}).get("platform_asks"))
