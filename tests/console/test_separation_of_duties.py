"""Issue 19.7: recommend, legal review and decide by three different people, none the requester (API and pages)."""

import datetime

import pytest
from console_support import waiver_body
from test_pages_waivers import PASSWORD
from test_pages_waivers import SignedIn
from test_pages_waivers import action_buttons
from test_pages_waivers import request_form
from waiver_desk import STAFF
from waiver_desk import Desk
from waiver_desk import on_day

FILED_ON = datetime.date(2027, 3, 1)
DUTIES = ("reviewer", "counsel", "approver")


@pytest.fixture
def desk(console, staff):
    """Every role as its own account, and `tri` who holds the three roles of the review."""
    for name, roles in STAFF.items():
        staff.add(name, *roles)
    staff.add("tri", *DUTIES)
    return Desk(console, staff)


def filed_by(desk, who="rita"):
    with on_day(FILED_ON):
        response = desk.file(waiver_body(FILED_ON), who=who)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def refusal(response):
    assert response.status_code == 403, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "separation_of_duties"
    return error["message"]


def test_one_person_with_three_roles_takes_only_one_step(desk):
    waiver = filed_by(desk)
    assert desk.step(waiver, "recommend", who="tri").status_code == 200
    assert "already took the recommend step" in refusal(desk.step(waiver, "legal-review", who="tri"))
    assert desk.step(waiver, "legal-review").status_code == 200
    assert "someone else must decide it" in refusal(desk.step(waiver, "decide", who="tri"))
    decided = desk.step(waiver, "decide")
    assert decided.status_code == 200 and decided.get_json()["state"] == "granted"
    assert [(entry["actor"], entry["action"]) for entry in decided.get_json()["trail"]] == [
        ("rita", "file"), ("tri", "recommend"), ("cora", "legal-review"), ("abe", "decide")]


def test_a_reviewer_of_the_legal_step_may_not_decide(desk):
    waiver = filed_by(desk)
    desk.step(waiver, "recommend")
    assert desk.step(waiver, "legal-review", who="tri").status_code == 200
    assert "already took the legal-review step" in refusal(desk.step(waiver, "decide", who="tri"))


@pytest.mark.parametrize("action", ["recommend", "legal-review", "decide"])
def test_the_requester_takes_no_step_of_their_own_waiver(desk, staff, action):
    staff.add("cio", "requester", *DUTIES)
    own = filed_by(desk, who="cio")
    for earlier in ("recommend", "legal-review", "decide")[:("recommend", "legal-review", "decide").index(action)]:
        assert desk.step(own, earlier).status_code == 200
    assert "You requested this waiver" in refusal(desk.step(own, action, who="cio"))
    # The same person takes that step on someone else's waiver.
    other = filed_by(desk)
    for earlier in ("recommend", "legal-review", "decide")[:("recommend", "legal-review", "decide").index(action)]:
        assert desk.step(other, earlier).status_code == 200
    assert desk.step(other, action, who="cio").status_code == 200


def test_the_page_offers_one_step_per_person_and_refuses_a_second(console_app, staff):
    staff.add("rita", "requester", password=PASSWORD)
    staff.add("tri", *DUTIES, password=PASSWORD)
    staff.add("cole", "counsel", password=PASSWORD)
    rita, tri, cole = (SignedIn(console_app, name) for name in ("rita", "tri", "cole"))
    page = rita.post("/console/waivers/new", request_form()).headers["Location"]
    assert action_buttons(tri.get(page).text) == ["recommend"]
    assert tri.post(f"{page}/recommend", {"recommend-recommendation": "grant"}, page).status_code == 303
    assert action_buttons(tri.get(page).text) == []
    refused = tri.post(f"{page}/legal-review", {"legal-review-analysis": "My own review."}, page)
    assert refused.status_code == 403 and "already took the recommend step" in refused.text
    assert cole.post(f"{page}/legal-review", {"legal-review-analysis": "Fine."}, page).status_code == 303
    assert action_buttons(tri.get(page).text) == []
    refused = tri.post(f"{page}/decide", {"decide-decision": "grant"}, page)
    assert refused.status_code == 403 and "someone else must decide it" in refused.text


def test_the_requester_page_offers_no_review_step(console_app, staff):
    staff.add("cio", "requester", *DUTIES, password=PASSWORD)
    cio = SignedIn(console_app, "cio")
    page = cio.post("/console/waivers/new", request_form()).headers["Location"]
    assert action_buttons(cio.get(page).text) == ["withdraw"]
    refused = cio.post(f"{page}/recommend", {"recommend-recommendation": "grant"}, page)
    assert refused.status_code == 403 and "You requested this waiver" in refused.text
