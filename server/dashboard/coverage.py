"""What a finished run really checked: a clause is never shown passing for a page the run could not check.

A run's stored `verdicts` are the worst finding of each clause over the pages that were checked. When a page
could not be checked, a "pass" there vouches only for the other pages, so it is shown as "not-checked"; when no
page was checked, every clause of the policy is "not-checked". A failure (or a waiver) found on a checked page
stands as found.
"""

from server.core.clauses import CLAUSE_ORDER
from server.core.clauses import ordered_clauses

NOT_CHECKED = "not-checked"


def pages_checked(run):
    """How many of the run's pages were checked (a run still going counts what it has)."""
    return max((run.pages_total or 0) - (run.pages_failed or 0), 0)


def coverage(run):
    """"all", "partly" or "none": how much of a finished run's pages were checked ("all" while running)."""
    if run.state != "done":
        return "all"
    if not run.pages_total or pages_checked(run) == 0:
        return "none"
    return "partly" if run.pages_failed else "all"


def shown_verdicts(run):
    """The run's verdict of each clause as a reader must see it (see the module's docstring)."""
    stored = dict(run.verdicts or {})
    checked = coverage(run)
    if checked == "none":
        return {clause: NOT_CHECKED for clause in ordered_clauses({*CLAUSE_ORDER, *stored})}
    if checked == "partly":
        return {clause: NOT_CHECKED if verdict == "pass" else verdict for clause, verdict in stored.items()}
    return stored
