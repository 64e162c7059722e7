"""The shape of one verdict, shared by every clause module (DESIGN.md's report entries)."""

from dataclasses import dataclass

# DESIGN.md's QA verdicts: only `fail` fails the exit code or a statement.
VERDICTS = ("pass", "fail", "waived", "unknown")


@dataclass(frozen=True)
class Finding:
    """One verdict on one clause of one page; later steps (GPC variant, platform, waivers) make new ones."""

    url: str
    clause: str
    verdict: str
    reason: str
    evidence: dict
    # "gpc" for 1.3.3 judged with Global Privacy Control on; absent from report.json otherwise.
    variant: str | None = None
    # The waivers that turned a failure `waived`; absent from report.json when none did.
    waivers: tuple = ()

    def to_dict(self) -> dict:
        """The finding as report.json, JUnit and monitoring read it: the five keys, then variant and waivers if set."""
        data = {"url": self.url, "clause": self.clause, "verdict": self.verdict, "reason": self.reason,
                "evidence": self.evidence}
        if self.variant is not None:
            data["variant"] = self.variant
        if self.waivers:
            data["waivers"] = list(self.waivers)
        return data


def finding(url: str, clause: str, ok: bool, reason: str, evidence: dict) -> Finding:
    """One verdict: pass or fail, with the reason a webmaster reads and the evidence behind it."""
    return Finding(url=url, clause=clause, verdict="pass" if ok else "fail", reason=reason, evidence=evidence)


def unknown(url: str, clause: str, reason: str, evidence: dict) -> Finding:
    """The tool could neither see nor operate what it must judge: neither pass nor fail, the reason says why."""
    return Finding(url=url, clause=clause, verdict="unknown", reason=reason, evidence=evidence)


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
