"""Waivers as JSON: everything for staff, scope and dates only for the public."""

from server.db.clock import iso_instant
from server.waivers.workflow import state


def _date(value):
    return value.isoformat() if value is not None else None


def trail(waiver):
    """The append-only trail: who did what, when, with what outcome and notes."""
    return [{"at": iso_instant(step.at), "actor": step.actor.name, "action": step.action,
             "outcome": step.outcome, "notes": step.notes} for step in waiver.steps]


def staff_view(waiver, today=None):
    """Every field as filed, the state on `today` and the trail."""
    return {
        "id": waiver.id, "agency": waiver.agency_id, "clauses": list(waiver.clauses), "scope": dict(waiver.scope),
        "purpose": waiver.purpose, "why_not_comply": waiver.why_not_comply,
        "privacy_review": waiver.privacy_review, "pab_representative": waiver.pab_representative,
        "iso_copied": waiver.iso_copied, "no_sensitive_information": waiver.no_sensitive_information,
        "kind": waiver.kind, "starts": _date(waiver.starts), "ends": _date(waiver.ends),
        "extends": waiver.extends_id, "requester": waiver.requester.name, "filed_at": iso_instant(waiver.filed_at),
        "state": state(waiver, today), "trail": trail(waiver),
    }


def public_view(waiver):
    """What anyone may know of a waiver in force: which cookies, which clauses, from when to when."""
    return {"id": waiver.id, "clauses": list(waiver.clauses), "scope": dict(waiver.scope), "kind": waiver.kind,
            "starts": _date(waiver.starts), "ends": _date(waiver.ends)}
