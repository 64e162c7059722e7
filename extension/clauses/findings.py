"""The shape of one verdict, shared by every clause module (DESIGN.md's report entries)."""


def finding(url: str, clause: str, ok: bool, reason: str, evidence: dict) -> dict:
    """One verdict: pass or fail, with the reason a webmaster reads and the evidence behind it."""
    return {"url": url, "clause": clause, "verdict": "pass" if ok else "fail", "reason": reason,
            "evidence": evidence}


def label(cookie: dict) -> str:
    """How a cookie is named in a reason: name (domain)."""
    return f"{cookie['name']} ({cookie['domain']})"


def brief(cookie: dict) -> dict:
    """The facts about a cookie that evidence needs."""
    keep = ("name", "domain", "persistent", "lifetime_days", "requested_days", "stored_days", "setters", "raw")
    return {key: cookie.get(key) for key in keep}


def all_of(items: list, noun: str, singular: str, plural: str) -> str:
    """A passing reason about every one of some cookies, worded for none, one and several (never "All 0")."""
    if not items:
        return f"No {noun} was set."
    if len(items) == 1:
        return f"The one {noun} {singular}."
    return f"All {len(items)} {noun}s {plural}."
