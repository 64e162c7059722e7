"""The policy's clauses, in ONE list: the console, the waivers, the statement, consent-qa and monitoring read it."""

from dataclasses import dataclass

GPC_VARIANT = "gpc"


@dataclass(frozen=True)
class Clause:
    """One clause of the Enterprise Web Site Cookie Policy as every part of the project names it."""

    id: str
    # What the clause asks, as the console, the statement and the reports show it after the number.
    title: str
    # A waiver may cover a failure of it (policy section 3); `waiver_title` is the waiver form's wording.
    waivable: bool = False
    waiver_title: str | None = None
    # Where consent-qa judges it in a checked page's findings (None: judged elsewhere, or a variant).
    qa_step: int | None = None
    # Judged on the consent banner itself: a recognised consent platform is named in its reason.
    banner: bool = False
    # Judged by using the notice's opt-out: `unknown` when the notice could not be seen or operated.
    through_opt_out: bool = False
    # A variant of another clause, stored under an id of its own (the GPC check of 1.3.3).
    variant_of: str | None = None
    variant: str | None = None


# In the order a reader meets them; clauses a newer consent-qa adds are shown after these, sorted.
CATALOGUE = (
    Clause("1.1", "Privacy policy readable"),
    Clause("1.3.1", "Third-party cookies declared", qa_step=4),
    Clause("1.3.2", "Notice visible", qa_step=1, banner=True),
    Clause("1.3.3", "Opt-out works", qa_step=2, banner=True, through_opt_out=True),
    Clause("1.3.3-gpc", "Global Privacy Control honoured", variant_of="1.3.3", variant=GPC_VARIANT),
    Clause("equal-access", "Same content after opting out", qa_step=3, banner=True, through_opt_out=True),
    Clause("2.1", "No persistent cookies on Commonwealth domains", waivable=True, qa_step=5,
           waiver_title="Persistent cookies only on Commonwealth domains"),
    Clause("2.2", "Cookie lifetime at most 2 years", waivable=True, qa_step=6,
           waiver_title="Persistent cookies expire within about two years"),
    Clause("2.5", "No permanent outside cookies", waivable=True, qa_step=7,
           waiver_title="No permanent cookies from outside parties without a contract"),
)
BY_ID = {clause.id: clause for clause in CATALOGUE}
CLAUSE_ORDER = tuple(BY_ID)
CLAUSE_NAMES = {clause.id: clause.title for clause in CATALOGUE}
WAIVABLE = tuple(clause.id for clause in CATALOGUE if clause.waivable)
WAIVER_CHOICES = tuple((clause.id, f"{clause.id} {clause.waiver_title}") for clause in CATALOGUE if clause.waivable)
# The order consent-qa evaluates a page in (the contract's order), from each clause's qa_step.
QA_ORDER = tuple(clause.id for clause in sorted((c for c in CATALOGUE if c.qa_step), key=lambda c: c.qa_step))
BANNER_CLAUSES = tuple(clause.id for clause in CATALOGUE if clause.banner)
THROUGH_OPT_OUT = tuple(clause.id for clause in CATALOGUE if clause.through_opt_out)
VARIANTS = {(clause.variant_of, clause.variant): clause.id for clause in CATALOGUE if clause.variant}


def ordered_clauses(seen):
    """The clauses to show as columns: the known ones present, in policy order, then any others."""
    seen = set(seen)
    return [clause for clause in CLAUSE_ORDER if clause in seen] + sorted(seen - set(CLAUSE_ORDER))


def clause_title(clause):
    """A clause's number with what it asks, e.g. "2.2 Cookie lifetime at most 2 years"."""
    return f"{clause} {CLAUSE_NAMES[clause]}" if clause in CLAUSE_NAMES else clause


def stored_clause(clause, variant=None):
    """The clause a finding is stored and shown under: a variant (GPC's 1.3.3) is a clause of its own."""
    return VARIANTS.get((clause, variant), clause)
