"""The waiver workflow through the JSON API on SQLite and PostgreSQL: every rule of DESIGN.md "Waivers"."""

import datetime

import pytest
from console_support import waiver_body
from waiver_desk import STAFF
from waiver_desk import Desk
from waiver_desk import on_day

from server.waivers.requests import REQUIRED

FILED_ON = datetime.date(2027, 3, 1)


@pytest.fixture
def desk(console, staff):
    """Every role present, each as its own account with a token."""
    for name, roles in STAFF.items():
        staff.add(name, *roles)
    return Desk(console, staff)


@pytest.fixture
def filed(desk):
    """A complete request filed on FILED_ON, starting 14 days later, for 90 days."""
    with on_day(FILED_ON):
        response = desk.file(waiver_body(FILED_ON))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_complete_request_is_filed_and_reads_back_submitted_with_its_trail(desk, filed):
    assert filed["state"] == "submitted" and filed["agency"] == "demo" and filed["requester"] == "rita"
    assert filed["starts"] == "2027-03-15" and filed["ends"] == "2027-06-13" and filed["extends"] is None
    assert [(entry["actor"], entry["action"]) for entry in filed["trail"]] == [("rita", "file")]
    with on_day(FILED_ON):
        assert desk.show(filed["id"]).get_json() == filed


@pytest.mark.parametrize("field", [*REQUIRED, "ends"])
@pytest.mark.parametrize("blank", [..., "", None], ids=["absent", "empty", "null"])
def test_each_missing_field_is_named(desk, field, blank):
    response = desk.file(waiver_body(**{field: blank}))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "incomplete" and error["field"] == field and field in error["message"]


def test_an_empty_request_names_every_missing_field(desk):
    error = desk.file({}).get_json()["error"]
    assert error["field"].split(", ") == [*REQUIRED, "ends"]


def test_a_permanent_waiver_needs_no_end_and_may_not_have_one(desk):
    assert desk.file(waiver_body(kind="permanent", ends=...)).status_code == 201
    refused = desk.file(waiver_body(kind="permanent"))
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "ends"


@pytest.mark.parametrize(("days_ahead", "status"), [(13, 422), (14, 201), (15, 201), (0, 422), (-1, 422)])
def test_the_lead_time_is_14_days(desk, days_ahead, status):
    with on_day(FILED_ON):
        response = desk.file(waiver_body(FILED_ON, lead_days=days_ahead))
    assert response.status_code == status, response.get_json()
    if status == 422:
        error = response.get_json()["error"]
        assert error["code"] == "lead_time" and error["field"] == "starts"
        assert "2027-03-15 at the earliest" in error["message"]


def test_the_lead_time_follows_consent_waiver_lead_days(agencies_dir, database_url, monkeypatch):
    from console_support import CONSOLE_KEYS
    from console_support import Staff

    from server import create_app

    monkeypatch.setenv("CONSENT_WAIVER_LEAD_DAYS", "30")
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": CONSOLE_KEYS, "DEMO": True,
                      "DATABASE_URL": database_url})
    desk = Desk(app.test_client(), Staff(app))
    desk.staff.add("rita", "requester")
    with on_day(FILED_ON):
        assert desk.file(waiver_body(FILED_ON, lead_days=29)).status_code == 422
        assert desk.file(waiver_body(FILED_ON, lead_days=30)).status_code == 201
    app.extensions["database"].kw["bind"].dispose()


@pytest.mark.parametrize(("field", "code"), [("no_sensitive_information", "attestation_required"),
                                             ("iso_copied", "iso_not_copied")])
def test_the_attestation_and_the_iso_copy_must_be_true(desk, field, code):
    error = desk.file(waiver_body(**{field: False})).get_json()["error"]
    assert (error["code"], error["field"]) == (code, field)


@pytest.mark.parametrize(("change", "field"), [
    ({"clauses": ["1.3.2"]}, "clauses[0]"), ({"scope": {"tracker": "x", "cookies": ["y"]}}, "scope"),
    ({"scope": {"cookies": ["a*b"]}}, "scope.cookies[0]"),
    ({"scope": {"tracker": "nothing-declared"}}, "scope.tracker"),
    ({"agency": "nobody"}, "agency"), ({"starts": "next week"}, "starts"), ({"kind": "forever"}, "kind"),
    ({"iso_copied": "yes"}, "iso_copied"), ({"surprise": 1}, "surprise"), ({"extends": 999}, "extends"),
])
def test_malformed_fields_are_422_naming_the_field(desk, change, field):
    response = desk.file(waiver_body(**change))
    assert response.status_code == 422 and response.get_json()["error"]["field"] == field, response.get_json()


def test_ends_before_starts_is_refused(desk):
    body = waiver_body()
    body["ends"] = (datetime.date.fromisoformat(body["starts"]) - datetime.timedelta(days=1)).isoformat()
    assert desk.file(body).get_json()["error"]["field"] == "ends"


def test_the_steps_go_in_order_recommend_review_decide(desk, filed):
    waiver = filed["id"]
    assert desk.step(waiver, "decide").status_code == 409
    assert desk.step(waiver, "legal-review").status_code == 409
    assert desk.step(waiver, "recommend").status_code == 200
    assert desk.step(waiver, "recommend").status_code == 409
    assert desk.step(waiver, "decide").status_code == 409
    assert desk.step(waiver, "legal-review").status_code == 200
    decided = desk.step(waiver, "decide")
    assert decided.status_code == 200
    assert [entry["action"] for entry in decided.get_json()["trail"]] == ["file", "recommend", "legal-review",
                                                                          "decide"]
    assert desk.step(waiver, "decide").get_json()["error"]["code"] == "wrong_order"


def test_the_requester_can_never_decide(desk, filed):
    desk.step(filed["id"], "recommend")
    desk.step(filed["id"], "legal-review")
    assert desk.step(filed["id"], "decide", who="rita").status_code == 403


def test_an_approver_cannot_approve_a_waiver_they_requested(desk, staff, filed):
    staff.add("cio", "requester", "approver")
    with on_day(FILED_ON):
        own = desk.file(waiver_body(FILED_ON), who="cio").get_json()
    desk.step(own["id"], "recommend")
    desk.step(own["id"], "legal-review")
    refused = desk.step(own["id"], "decide", who="cio")
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "separation_of_duties"
    # Another approver may; and the requester-approver may decide someone else's.
    assert desk.step(own["id"], "decide").status_code == 200
    desk.step(filed["id"], "recommend")
    desk.step(filed["id"], "legal-review")
    assert desk.step(filed["id"], "decide", who="cio").status_code == 200


@pytest.mark.parametrize(("action", "who"), [
    ("recommend", "cora"), ("recommend", "abe"), ("legal-review", "rex"), ("decide", "rex"), ("decide", "cora"),
    ("recommend", "audrey"), ("decide", "ada"), ("withdraw", "rex"), ("recommend", "quinn"), ("decide", "ivy"),
])
def test_a_step_by_the_wrong_role_is_403(desk, filed, action, who):
    response = desk.step(filed["id"], action, who=who)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("who", ["rex", "cora", "abe", "audrey", "ivy", "quinn", "ada"])
def test_only_a_requester_files(desk, who):
    assert desk.file(waiver_body(), who=who).status_code == 403


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/console/api/waivers"), ("POST", "/console/api/waivers"), ("GET", "/console/api/waivers/1"),
    *(("POST", f"/console/api/waivers/1/{action}") for action in ("recommend", "legal-review", "decide", "withdraw")),
])
def test_no_credentials_is_401_everywhere(console, method, path):
    response = console.open(path, method=method, json={})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_a_user_limited_to_one_agency_cannot_see_another_agencys_waiver(desk, staff, filed):
    staff.add("dora", "auditor", agencies=["dor"])
    staff.add("dorev", "reviewer", agencies=["dor"])
    staff.add("dorreq", "requester", agencies=["dor"])
    assert desk.show(filed["id"], who="dora").status_code == 404
    assert desk.show(filed["id"], who="audrey").status_code == 200
    assert desk.step(filed["id"], "recommend", who="dorev").status_code == 404
    listed = desk.client.get("/console/api/waivers", headers=staff.headers("dora")).get_json()
    assert listed == {"waivers": []}
    assert desk.file(waiver_body(), who="dorreq").status_code == 403


def test_a_missing_waiver_is_404(desk):
    assert desk.show(424242).status_code == 404
    assert desk.show("not-a-number").status_code == 404


def test_the_state_follows_the_calendar_around_starts_and_ends(desk, filed):
    desk.grant(filed["id"])
    starts = datetime.date.fromisoformat(filed["starts"])
    ends = datetime.date.fromisoformat(filed["ends"])
    expected = [(starts - datetime.timedelta(days=1), "granted", []), (starts, "in-force", [filed["id"]]),
                (ends, "in-force", [filed["id"]]), (ends + datetime.timedelta(days=1), "expired", [])]
    for day, state, public_ids in expected:
        with on_day(day):
            assert desk.show(filed["id"]).get_json()["state"] == state, day
            public = desk.public().get_json()
        assert public["date"] == day.isoformat()
        assert [waiver["id"] for waiver in public["waivers"]] == public_ids, day


def test_the_public_list_gives_scope_and_dates_only(desk, filed):
    desk.grant(filed["id"])
    with on_day(datetime.date.fromisoformat(filed["starts"])):
        public = desk.public().get_json()
    assert public["waivers"] == [{"id": filed["id"], "clauses": ["2.2"], "scope": {"cookies": ["demo_analytics_id"]},
                                  "kind": "limited", "starts": filed["starts"], "ends": filed["ends"]}]
    assert desk.public("nobody").status_code == 404


def test_a_permanent_waiver_stays_in_force(desk):
    with on_day(FILED_ON):
        waiver = desk.file(waiver_body(FILED_ON, kind="permanent", ends=...)).get_json()
    desk.grant(waiver["id"])
    with on_day(FILED_ON + datetime.timedelta(days=3650)):
        assert desk.show(waiver["id"]).get_json()["state"] == "in-force"


def test_a_denied_waiver_never_comes_into_force(desk, filed):
    desk.step(filed["id"], "recommend", body={"recommendation": "deny", "notes": "Avoidable."})
    desk.step(filed["id"], "legal-review")
    denied = desk.step(filed["id"], "decide", body={"decision": "deny", "notes": "Comply instead."}).get_json()
    assert denied["state"] == "denied"
    with on_day(datetime.date.fromisoformat(filed["starts"])):
        assert desk.public().get_json()["waivers"] == []
    assert desk.step(filed["id"], "withdraw").status_code == 409


def test_a_withdrawn_waiver_leaves_the_public_list(desk, staff, filed):
    desk.grant(filed["id"])
    staff.add("other", "requester")
    assert desk.step(filed["id"], "withdraw", who="other").status_code == 403
    starts = datetime.date.fromisoformat(filed["starts"])
    with on_day(starts):
        assert len(desk.public().get_json()["waivers"]) == 1
        withdrawn = desk.step(filed["id"], "withdraw").get_json()
        assert withdrawn["state"] == "withdrawn"
        assert desk.public().get_json()["waivers"] == []


def test_an_extension_is_a_new_request_naming_the_one_it_extends(desk, filed):
    with on_day(FILED_ON):
        refused = desk.file(waiver_body(FILED_ON, extends=filed["id"]))
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "not_extendable"
    desk.grant(filed["id"])
    ends = datetime.date.fromisoformat(filed["ends"])
    with on_day(ends - datetime.timedelta(days=20)):
        body = waiver_body(ends - datetime.timedelta(days=20), extends=filed["id"])
        body["starts"] = (ends + datetime.timedelta(days=1)).isoformat()
        body["ends"] = (ends + datetime.timedelta(days=60)).isoformat()
        extension = desk.file(body).get_json()
        assert extension["extends"] == filed["id"] and extension["state"] == "submitted"
        # The original is untouched: its end date is still its own.
        assert desk.show(filed["id"]).get_json()["ends"] == filed["ends"]


def test_the_list_filters_by_agency_and_state(desk, filed):
    with on_day(FILED_ON):
        second = desk.file(waiver_body(FILED_ON)).get_json()
    desk.step(second["id"], "recommend")
    headers = desk.staff.headers("audrey")
    listing = desk.client.get("/console/api/waivers?state=recommended", headers=headers).get_json()
    assert [waiver["id"] for waiver in listing["waivers"]] == [second["id"]]
    both = desk.client.get("/console/api/waivers?agency=demo", headers=headers).get_json()
    assert [waiver["id"] for waiver in both["waivers"]] == [second["id"], filed["id"]]
    assert desk.client.get("/console/api/waivers?agency=dor", headers=headers).get_json() == {"waivers": []}
    bad = desk.client.get("/console/api/waivers?state=lost", headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "state"
