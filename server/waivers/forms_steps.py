"""The workflow step forms of a waiver page: recommend, legal review, decide, withdraw."""

from wtforms import RadioField
from wtforms import TextAreaField
from wtforms.validators import InputRequired

from server.console.forms_base import ConsoleForm

GRANT_OR_DENY = [("grant", "Grant"), ("deny", "Deny")]


class RecommendForm(ConsoleForm):
    """The Joint Privacy Policy Review Committee's recommendation (3.4)."""

    recommendation = RadioField("Recommendation", choices=GRANT_OR_DENY,
                                validators=[InputRequired("Choose grant or deny.")])
    notes = TextAreaField("Notes")

    def body(self) -> dict:
        """The body of POST …/recommend."""
        return {"recommendation": self.recommendation.data, "notes": self.notes.data}


class LegalReviewForm(ConsoleForm):
    """General Counsel's legal review (3.4)."""

    analysis = TextAreaField("Legal analysis", validators=[InputRequired("Write the legal analysis.")])

    def body(self) -> dict:
        """The body of POST …/legal-review."""
        return {"analysis": self.analysis.data}


class DecideForm(ConsoleForm):
    """The Assistant Secretary for IT's signed decision (3.4)."""

    decision = RadioField("Decision", choices=GRANT_OR_DENY, validators=[InputRequired("Choose grant or deny.")])
    notes = TextAreaField("Notes")

    def body(self) -> dict:
        """The body of POST …/decide."""
        return {"decision": self.decision.data, "notes": self.notes.data}


class WithdrawForm(ConsoleForm):
    """Withdrawing a request: only the CSRF token; the button says what it does."""

    def body(self) -> dict:
        """The body of POST …/withdraw."""
        return {}
