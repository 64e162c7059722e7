"""Every finding for one checked page: the contract's clauses (declared, or observed without an agency file),
clause 1.1 when the privacy policy was read, and the consent platform named where one was recognised."""

from dataclasses import replace

from extension.clauses import evaluate
from extension.clauses.findings import Finding
from extension.clauses.privacy_readability import clause_1_1
from extension.discover.observed import NO_DECLARATION
from extension.discover.observed import evaluate_observed
from server.core.clauses import BANNER_CLAUSES


def name_platform(findings: list, platform: dict | None, asked_again: str | None = None) -> list:
    """Say in the notice and opt-out findings which platform's banner was judged and operated (and whether the
    platform asked again after the reject choice: then the opt-out did not hold)."""
    if not platform:
        return findings
    return [_with_platform(item, platform, asked_again) for item in findings]


def _with_platform(item: Finding, platform: dict, asked_again: str | None) -> Finding:
    """One finding naming the platform in its evidence (and in its reason when the banner was judged)."""
    evidence = {**item.evidence, "platform": {"name": platform["name"], "by": platform["by"]}}
    verdict, reason = item.verdict, item.reason
    if item.clause == "1.3.3" and not item.variant and asked_again and verdict == "pass":
        prefix = NO_DECLARATION if reason.startswith(NO_DECLARATION) else ""
        verdict = "fail"
        reason = (f"{prefix}Opt-out not effective: the choice does not hold, {asked_again} shows its "
                  "banner again when the page is reloaded.")
        evidence = {**evidence, "asked_again": asked_again}
    if item.clause in BANNER_CLAUSES and not item.variant:
        reason += f" Consent platform: {platform['name']} (recognised by {platform['by']})."
    return replace(item, verdict=verdict, reason=reason, evidence=evidence)


def judge(page: dict, notice_data: dict) -> list:
    """The findings consent-qa reports for a page."""
    if notice_data.get("observed"):
        findings = evaluate_observed(page, notice_data.get("commonwealth_domains"))
    else:
        findings = evaluate(page, notice_data)
    if page.get("privacy") is not None:
        findings.append(clause_1_1(page["url"], page["privacy"], notice_data))
    return name_platform(findings, page.get("platform"), page.get("after", {}).get("platform_asks"))
