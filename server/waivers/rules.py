"""A waiver's state as a pure function of its trail and a calendar day: nothing flips it, it is read."""

from datetime import date
from datetime import timedelta

from server.core.clauses import WAIVABLE

# The clauses a waiver may cover, from the catalogue.
CLAUSES = WAIVABLE
KINDS = ("limited", "permanent")
FILE, RECOMMEND, LEGAL_REVIEW, DECIDE, WITHDRAW = "file", "recommend", "legal-review", "decide", "withdraw"
GRANT, DENY = "grant", "deny"
STATES = ("submitted", "recommended", "reviewed", "denied", "granted", "in-force", "expired", "withdrawn")
# Waiver ids are PostgreSQL integers: a larger number names no waiver (and must never reach a query).
LARGEST_ID = 2**31 - 1


def state_of(actions, starts: date, ends: date | None, today: date) -> str:
    """The state on `today`, from the trail's (action, outcome) pairs in order and the waiver's dates."""
    done = dict(actions)
    if WITHDRAW in done:
        return "withdrawn"
    if DECIDE in done:
        if done[DECIDE] != GRANT:
            return "denied"
        if today < starts:
            return "granted"
        # In force on `ends` itself; expired from the day after.
        if ends is not None and today > ends:
            return "expired"
        return "in-force"
    if LEGAL_REVIEW in done:
        return "reviewed"
    if RECOMMEND in done:
        return "recommended"
    return "submitted"


def next_step_allowed(state: str, action: str) -> bool:
    """The order recommend → legal review → decide; withdrawal while the waiver still matters."""
    if action == RECOMMEND:
        return state == "submitted"
    if action == LEGAL_REVIEW:
        return state == "recommended"
    if action == DECIDE:
        return state == "reviewed"
    if action == WITHDRAW:
        return state in ("submitted", "recommended", "reviewed", "granted", "in-force")
    return False


def earliest_start(filed_on: date, lead_days: int) -> date:
    """The first day a request filed on `filed_on` may start (the exception memo's 14 calendar days)."""
    return filed_on + timedelta(days=lead_days)
