"""The waiver API's answers are its schema's dump: the keys /openapi.json documents, in the order they always had."""

import datetime
import json

import pytest
from console_support import waiver_body
from waiver_desk import STAFF
from waiver_desk import Desk
from waiver_desk import on_day

from server.waivers.schemas import TrailEntrySchema
from server.waivers.schemas import WaiverSchema

FILED_ON = datetime.date(2027, 3, 1)
WAIVER_KEYS = ["id", "agency", "clauses", "scope", "purpose", "why_not_comply", "privacy_review",
               "pab_representative", "iso_copied", "no_sensitive_information", "kind", "starts", "ends", "extends",
               "requester", "filed_at", "state", "trail"]
TRAIL_KEYS = ["at", "actor", "action", "outcome", "notes"]


@pytest.fixture
def desk(console, staff):
    """Every role present, each as its own account with a token."""
    for name, roles in STAFF.items():
        staff.add(name, *roles)
    return Desk(console, staff)


def keys_in_order(response):
    """The answer's keys as the bytes give them (get_json's dict would hide a change of order)."""
    return json.loads(response.data, object_pairs_hook=lambda pairs: [key for key, _ in pairs])


def test_a_waiver_answer_has_the_documented_keys_in_their_order(desk):
    with on_day(FILED_ON):
        filed = desk.file(waiver_body(FILED_ON))
        recommended = desk.step(filed.get_json()["id"], "recommend", body={"recommendation": "grant"})
    for response in (filed, recommended):
        body = response.get_json()
        assert list(body) == WAIVER_KEYS == [key for key in WAIVER_KEYS if key in WaiverSchema().fields]
        assert [list(entry) for entry in body["trail"]] == [TRAIL_KEYS] * len(body["trail"])
        assert set(TRAIL_KEYS) == set(TrailEntrySchema().fields)
    assert keys_in_order(filed)[:len(WAIVER_KEYS)] == WAIVER_KEYS
    body = recommended.get_json()
    assert body["filed_at"].endswith("Z") and body["trail"][1]["at"].endswith("Z")
    assert body["state"] == "recommended" and body["trail"][1]["actor"] == "rex"
    listed = desk.client.get("/console/api/waivers", headers=desk.staff.headers("audrey")).get_json()
    assert listed == {"waivers": [body]}
