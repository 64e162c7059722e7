"""The waiver request form and the list filters: WTForms that turn into the API's request body."""

from wtforms import BooleanField
from wtforms import DateField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms import widgets
from wtforms.validators import Optional

from server.console.forms_base import ConsoleForm
from server.core.clauses import WAIVER_CHOICES
from server.registry import get_registry

SCOPE_CHOICES = [("tracker", "A declared tracker (all its cookies)"), ("cookies", "Named cookies")]
KIND_CHOICES = [("limited", "Limited: from a start date to an end date"), ("permanent", "Permanent")]
STATE_CHOICES = [("", "Any state"), ("submitted", "Submitted"), ("recommended", "Recommended"),
                 ("reviewed", "Reviewed"), ("granted", "Granted (not yet started)"), ("in-force", "In force"),
                 ("expired", "Expired"), ("denied", "Denied"), ("withdrawn", "Withdrawn")]


class CheckboxesField(SelectMultipleField):
    """Several choices as a group of labelled checkboxes (keyboard- and screen-reader-friendly)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RadiosField(RadioField):
    """A radio group that stays empty until chosen, so a missing choice is reported as missing."""

    def pre_validate(self, form):
        """The API names a missing choice; only a value outside the choices is refused here."""
        if self.data is not None and self.data not in dict(self.choices):
            raise ValueError(self.gettext("Not a valid choice."))


class WaiverRequestForm(ConsoleForm):
    """Every field of a waiver request (policy 3.1-3.4); completeness is judged by the workflow, not here."""

    agency = SelectField("Agency", validate_choice=False)
    clauses = CheckboxesField("Clauses waived", choices=WAIVER_CHOICES, validate_choice=False)
    scope_kind = RadiosField("What the waiver covers", choices=SCOPE_CHOICES, validate_choice=False)
    tracker = StringField("Tracker id",
                          description="When it covers a tracker: its id in the agency's file, e.g. google-analytics.")
    cookies = StringField("Cookie names", description="When it covers named cookies: names separated by commas; a "
                          "name ending in * covers every cookie that begins with it, e.g. _ga_*.")
    purpose = TextAreaField("Intended use and purpose of the cookie (3.1)")
    why_not_comply = TextAreaField("Why the agency cannot comply (3.2)")
    privacy_review = TextAreaField("Privacy and security review: risks and mitigations (3.3)")
    pab_representative = StringField("Portal Advisory Board representative")
    iso_copied = BooleanField("The agency's Information Security Officer was copied on this request")
    no_sensitive_information = BooleanField("I attest that the cookie exposes no highly sensitive information")
    kind = RadiosField("Duration", choices=KIND_CHOICES, validate_choice=False)
    starts = DateField("Starts", validators=[Optional()])
    ends = DateField("Ends", validators=[Optional()], description="Only for a limited waiver.")
    extends = StringField("Extends waiver (optional)", description="The id of the waiver this request extends.")

    def body(self) -> dict:
        """The request body of POST /console/api/waivers; empty answers are left out so they count as missing."""
        body = {"agency": self.agency.data or None, "clauses": list(self.clauses.data or []) or None,
                "purpose": self.purpose.data, "why_not_comply": self.why_not_comply.data,
                "privacy_review": self.privacy_review.data, "pab_representative": self.pab_representative.data,
                "iso_copied": self.iso_copied.data or None,
                "no_sensitive_information": self.no_sensitive_information.data or None,
                "kind": self.kind.data, "starts": self.starts.data and self.starts.data.isoformat(),
                "ends": self.ends.data and self.ends.data.isoformat(), "extends": (self.extends.data or "").strip()}
        if body["extends"].isdigit():
            body["extends"] = int(body["extends"])
        tracker = (self.tracker.data or "").strip()
        if self.scope_kind.data == "tracker" and tracker:
            body["scope"] = {"tracker": tracker}
        elif self.scope_kind.data == "cookies":
            names = [name.strip() for name in (self.cookies.data or "").split(",") if name.strip()]
            body["scope"] = {"cookies": names} if names else None
        # An unticked box is left out: the workflow names it with the other missing answers, all at once.
        return {key: value for key, value in body.items() if value not in (None, "")}

    def scope_field(self):
        """The field where a scope error belongs: the one the requester chose, else the choice itself."""
        return {"tracker": self.tracker, "cookies": self.cookies}.get(self.scope_kind.data, self.scope_kind)


class WaiverFilterForm(ConsoleForm):
    """The list's filters: a GET form (nothing changes, so no CSRF token)."""

    agency = SelectField("Agency", validate_choice=False)
    state = SelectField("State", choices=STATE_CHOICES, validate_choice=False)


def agency_choices(user, blank=None):
    """(id, name) of every agency the user may see, by name; `blank` labels an empty first choice."""
    agencies = get_registry().agencies.values()
    choices = sorted(((a.id, a.name) for a in agencies if user.sees_agency(a.id)), key=lambda pair: pair[1])
    return ([("", blank)] if blank else []) + choices
