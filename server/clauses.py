"""The policy's clauses by number and what each asks, in one place for the console, the statement and consent-qa."""

# The clauses in the order a reader meets them; clauses a newer consent-qa adds come after, sorted.
CLAUSE_ORDER = ("1.1", "1.3.1", "1.3.2", "1.3.3", "1.3.3-gpc", "equal-access", "2.1", "2.2", "2.5")
CLAUSE_NAMES = {
    "1.1": "Privacy policy readable",
    "1.3.1": "Third-party cookies declared",
    "1.3.2": "Notice visible",
    "1.3.3": "Opt-out works",
    "1.3.3-gpc": "Global Privacy Control honoured",
    "equal-access": "Same content after opting out",
    "2.1": "No persistent cookies on Commonwealth domains",
    "2.2": "Cookie lifetime at most 2 years",
    "2.5": "No permanent outside cookies",
}


def ordered_clauses(seen):
    """The clauses to show as columns: the known ones present, in policy order, then any others."""
    seen = set(seen)
    return [clause for clause in CLAUSE_ORDER if clause in seen] + sorted(seen - set(CLAUSE_ORDER))


def clause_title(clause):
    """A clause's number with what it asks, e.g. "2.2 Cookie lifetime at most 2 years"."""
    return f"{clause} {CLAUSE_NAMES[clause]}" if clause in CLAUSE_NAMES else clause
