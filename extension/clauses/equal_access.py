"""Equal access (1.3.3): visitors who opt out get the same content, judged by the service's own checker."""

from server.core.equal_access.compare import compare_documents
from server.core.equal_access.rules import Rules

from extension.clauses.findings import Finding
from extension.clauses.findings import finding
from extension.trackers import tracker_prefixes

MAX_DIFFERENCES = 20


def compare_content(before_html: str, after_html: str, url: str, notice_data: dict) -> dict:
    """{"equal", "differences": [{"message", ...}], "method"} from the service's equal-access comparison."""
    rules = Rules(tracker_prefixes=tracker_prefixes(url, notice_data),
                  ignore_selectors=tuple(notice_data.get("equal_access_ignore", [])))
    result = compare_documents(before_html, after_html, url=url, rules=rules).to_dict()
    return {"equal": result["equal"], "differences": result["differences"][:MAX_DIFFERENCES],
            "method": "server.equal_access"}


def clause_equal_access(url: str, page: dict, notice_data: dict) -> Finding:
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
