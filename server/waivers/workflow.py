"""The waiver workflow as plain functions: the JSON API and the console pages both call these."""

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.auth.decorators import require_agency
from server.errors import ApiError
from server.db.clock import today as commonwealth_today
from server.waivers.models import Waiver
from server.waivers.models import WaiverStep
from server.registry import get_registry
from server.waivers.requests import read_request
from server.waivers.requests import read_step
from server.waivers.rules import DECIDE
from server.waivers.rules import FILE
from server.waivers.rules import GRANT
from server.waivers.rules import LARGEST_ID
from server.waivers.rules import LEGAL_REVIEW
from server.waivers.rules import RECOMMEND
from server.waivers.rules import STATES
from server.waivers.rules import WITHDRAW
from server.waivers.rules import earliest_start
from server.waivers.rules import next_step_allowed
from server.waivers.rules import state_of

LEAD_DAYS_KEY = "WAIVER_LEAD_DAYS"
# Who may take each step (the policy's 3.4 roles); a withdrawal is the requester's own, or MassIT's.
STEP_ROLES = {RECOMMEND: ("reviewer",), LEGAL_REVIEW: ("counsel",), DECIDE: ("approver",),
              WITHDRAW: ("requester", "admin")}
# The three steps of separation of duties, and what each asks of its person.
DUTIES = {RECOMMEND: "recommend", LEGAL_REVIEW: "review", DECIDE: "decide"}
STEP_FIELDS = {RECOMMEND: ("recommendation", "notes"), LEGAL_REVIEW: (None, "analysis"),
               DECIDE: ("decision", "notes"), WITHDRAW: (None, "notes")}


def _today(today):
    return commonwealth_today() if today is None else today


def state(waiver, today=None):
    """The waiver's state on `today` (default: today in Massachusetts)."""
    return state_of([(step.action, step.outcome) for step in waiver.steps], waiver.starts, waiver.ends,
                    _today(today))


def file_waiver(db, actor, body, today=None):
    """File a request as `actor` (a requester): complete, attested, at least the lead time ahead."""
    if not actor.has_role("requester"):
        raise ApiError(403, "forbidden", "Only a requester (Secretariat CIO) may file a waiver request.")
    data = read_request(body)
    agency = get_registry().get(data["agency"])
    if agency is None:
        raise ApiError(422, "unknown_agency", f"agency: no agency is registered as {data['agency']!r}.", "agency")
    if not actor.sees_agency(agency.id):
        allowed = ", ".join(sorted(actor.agency_ids))
        raise ApiError(403, "forbidden", f"agency: you may file requests only for {allowed}.", "agency")
    tracker = data["scope"].get("tracker")
    if tracker is not None and tracker not in {item.id for item in agency.trackers}:
        raise ApiError(422, "unknown_tracker", f"scope.tracker: {agency.id} declares no tracker {tracker!r}.",
                       "scope.tracker")
    filed_on = _today(today)
    lead_days = current_app.config[LEAD_DAYS_KEY]
    first_day = earliest_start(filed_on, lead_days)
    if data["starts"] < first_day:
        raise ApiError(422, "lead_time", f"starts: a request must be filed at least {lead_days} days before it "
                       f"starts; filed on {filed_on.isoformat()}, it may start on {first_day.isoformat()} "
                       f"at the earliest.", "starts")
    if data["extends"] is not None:
        _check_extended(db, actor, data, filed_on)
    waiver = Waiver(agency_id=agency.id, clauses=sorted(data["clauses"]), scope=data["scope"],
                    purpose=data["purpose"], why_not_comply=data["why_not_comply"],
                    privacy_review=data["privacy_review"], pab_representative=data["pab_representative"],
                    iso_copied=True, no_sensitive_information=True, kind=data["kind"], starts=data["starts"],
                    ends=data["ends"], extends_id=data["extends"], requester=actor)
    db.add(waiver)
    db.flush()
    db.add(WaiverStep(waiver=waiver, actor=actor, action=FILE))
    db.commit()
    return waiver


def _check_extended(db, actor, data, today):
    """An extension names a granted waiver of the same agency (the memo's supplemental request)."""
    extended = db.get(Waiver, data["extends"])
    if extended is None or not actor.sees_agency(extended.agency_id):
        raise ApiError(422, "unknown_waiver", f"extends: there is no waiver {data['extends']}.", "extends")
    if extended.agency_id != data["agency"]:
        raise ApiError(422, "other_agency", f"extends: waiver {extended.id} is for {extended.agency_id}, "
                       f"not {data['agency']}.", "extends")
    if state(extended, today) not in ("granted", "in-force"):
        raise ApiError(422, "not_extendable", f"extends: waiver {extended.id} is {state(extended, today)}; only a "
                       f"granted or in-force waiver can be extended (file a new request instead).", "extends")


def get_waiver(db, actor, waiver_id):
    """One waiver the actor may see, else 404 (another agency's waiver does not exist for them)."""
    shown = str(waiver_id)[:40]
    if isinstance(waiver_id, str):
        # Ids come from URLs: anything but a plain number names no waiver.
        waiver_id = int(waiver_id) if waiver_id.isascii() and waiver_id.isdigit() and len(waiver_id) < 40 else 0
    # A number the database cannot hold is no waiver either (PostgreSQL would refuse the query).
    waiver = db.get(Waiver, waiver_id) if 1 <= waiver_id <= LARGEST_ID else None
    if waiver is None:
        raise ApiError(404, "not_found", f"There is no waiver {shown}.")
    require_agency(actor, waiver.agency_id)
    return waiver


def separation_refusal(waiver, actor, action):
    """Why `actor` may not take `action` on this waiver under separation of duties, or None when they may.

    Recommend, legal review and decide are taken by three different people, none of them the requester.
    """
    if action not in DUTIES:
        return None
    if waiver.requester_id == actor.id:
        return f"You requested this waiver: someone else must {DUTIES[action]} it."
    taken = next((step.action for step in waiver.steps if step.action in DUTIES and step.action != action
                  and step.actor_id == actor.id), None)
    if taken is not None:
        return (f"You already took the {taken} step of this waiver: someone else must {DUTIES[action]} it "
                "(recommend, legal review and decide are taken by three different people).")
    return None


def take_step(db, actor, waiver_id, action, body, today=None):
    """Add one step to the trail, in order, by the right role, with separation of duties."""
    if not actor.has_role(*STEP_ROLES[action]):
        raise ApiError(403, "forbidden", f"{action}: needs the role " + " or ".join(STEP_ROLES[action]) + ".")
    data = read_step(action, body)
    waiver = get_waiver(db, actor, waiver_id)
    refusal = separation_refusal(waiver, actor, action)
    if refusal is not None:
        raise ApiError(403, "separation_of_duties", refusal)
    if action == WITHDRAW and waiver.requester_id != actor.id and not actor.has_role("admin"):
        raise ApiError(403, "forbidden", "Only the requester who filed it (or an administrator) may withdraw it.")
    current = state(waiver, today)
    if not next_step_allowed(current, action):
        raise ApiError(409, "wrong_order", f"{action}: not possible while the waiver is {current} "
                       "(the order is recommend, legal review, decide).")
    outcome_field, notes_field = STEP_FIELDS[action]
    db.add(WaiverStep(waiver=waiver, actor=actor, action=action,
                      outcome=data.get(outcome_field) if outcome_field else None, notes=data.get(notes_field)))
    try:
        db.commit()
    except IntegrityError:
        # Someone took the same step a moment ago (one step of each kind per waiver, enforced by the database).
        db.rollback()
        raise ApiError(409, "wrong_order", f"{action}: this step was just taken by someone else.") from None
    db.refresh(waiver)
    return waiver


def list_waivers(db, actor, agency=None, state_filter=None, today=None):
    """The waivers the actor may see, newest first, optionally of one agency and in one state."""
    if state_filter is not None and state_filter not in STATES:
        raise ApiError(422, "invalid", f"state: {state_filter!r} is not one of " + ", ".join(STATES) + ".", "state")
    query = select(Waiver).order_by(Waiver.id.desc())
    if agency is not None:
        query = query.where(Waiver.agency_id == agency)
    if actor.agency_ids:
        query = query.where(Waiver.agency_id.in_(sorted(actor.agency_ids)))
    waivers = db.scalars(query).all()
    if state_filter is not None:
        waivers = [waiver for waiver in waivers if state(waiver, today) == state_filter]
    return waivers


def in_force(db, agency_id, today=None):
    """The agency's waivers in force on `today` (granted, started, not ended, not withdrawn)."""
    day = _today(today)
    waivers = db.scalars(select(Waiver).where(Waiver.agency_id == agency_id, Waiver.starts <= day)
                         .order_by(Waiver.id)).all()
    return [waiver for waiver in waivers if state(waiver, day) == "in-force"]


def granted_by_rules(waiver):
    """True when the trail shows a recommendation, a legal review and a grant by someone not the requester."""
    actions = {step.action: step for step in waiver.steps}
    decision = actions.get(DECIDE)
    return (RECOMMEND in actions and LEGAL_REVIEW in actions and decision is not None and decision.outcome == GRANT
            and decision.actor_id != waiver.requester_id and decision.actor.has_role("approver")
            and actions[RECOMMEND].id < actions[LEGAL_REVIEW].id < decision.id
            and len({waiver.requester_id, *(actions[duty].actor_id for duty in DUTIES)}) == 1 + len(DUTIES))
