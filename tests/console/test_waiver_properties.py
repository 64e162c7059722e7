"""Property: whatever staff do, in whatever order, no waiver is granted without the whole chain of section 3.4."""

import datetime

from console_support import waiver_body
from hypothesis import HealthCheck
from hypothesis import event
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from waiver_desk import Desk
from waiver_desk import on_day

# Staff with one role or several (the separation-of-duties cases need a requester who may also approve).
POOL = {"req": ("requester",), "rev": ("reviewer",), "cou": ("counsel",), "app": ("approver",),
        "req-app": ("requester", "approver"), "rev-cou-app": ("reviewer", "counsel", "approver"),
        "adm": ("admin",), "aud": ("auditor",)}
REQUESTERS = sorted(name for name, roles in POOL.items() if "requester" in roles)
ACTIONS = ("recommend", "legal-review", "decide", "withdraw")
GRANTED_STATES = {"granted", "in-force", "expired"}
FILED_ON = datetime.date(2027, 5, 3)

step = st.tuples(st.sampled_from(sorted(POOL)), st.sampled_from(ACTIONS), st.sampled_from(("grant", "deny")))
# The chain in order, each step by anyone, with random steps between: grants happen, by the right people or not.
chain = st.tuples(*(st.tuples(st.sampled_from(sorted(POOL)), st.just(action), st.sampled_from(("grant", "deny")))
                    for action in ("recommend", "legal-review", "decide")))
with_noise = st.tuples(chain, st.lists(step, max_size=4), st.randoms(use_true_random=False)).map(
    lambda drawn: sorted([*drawn[0], *drawn[1]], key=lambda item: drawn[2].random() if item not in drawn[0]
                         else drawn[0].index(item) / 3))
steps = st.one_of(st.lists(step, max_size=10), with_noise)


def _body(action, outcome):
    return {"recommend": {"recommendation": outcome}, "legal-review": {"analysis": "Reviewed."},
            "decide": {"decision": outcome}, "withdraw": {}}[action]


def check_chain(waiver):
    """A granted waiver's trail: recommend, then legal review, then a grant by an approver not its requester."""
    actions = [entry["action"] for entry in waiver["trail"]]
    assert actions[:4] == ["file", "recommend", "legal-review", "decide"], actions
    decision = waiver["trail"][3]
    assert decision["outcome"] == "grant"
    assert decision["actor"] != waiver["requester"]
    assert "approver" in POOL[decision["actor"]]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requester=st.sampled_from(REQUESTERS), sequence=steps,
       day_offset=st.integers(min_value=0, max_value=200))
def test_random_actions_never_grant_without_the_whole_chain(console, staff, requester, sequence, day_offset):
    if not staff.tokens:
        for name, roles in POOL.items():
            staff.add(name, *roles)
    desk = Desk(console, staff)
    with on_day(FILED_ON):
        waiver = desk.file(waiver_body(FILED_ON), who=requester).get_json()
    trail = waiver["trail"]
    with on_day(FILED_ON + datetime.timedelta(days=day_offset)):
        for who, action, outcome in sequence:
            response = desk.step(waiver["id"], action, who=who, body=_body(action, outcome))
            assert response.status_code in (200, 403, 409), response.get_json()
            current = desk.show(waiver["id"], who="aud").get_json()
            # Append-only: every earlier entry is still there, unchanged.
            assert current["trail"][:len(trail)] == trail
            trail = current["trail"]
            if current["state"] in GRANTED_STATES:
                check_chain(current)
    event(f"ended {current['state'] if sequence else 'submitted'}")
