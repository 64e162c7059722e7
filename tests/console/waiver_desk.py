"""A small helper that acts as each member of staff on the waiver API (notifications-admin's client fixture)."""

import datetime

import time_machine

from server.db.clock import COMMONWEALTH

# One member of staff per role, as the policy's section 3 names them.
STAFF = {"rita": ("requester",), "rex": ("reviewer",), "cora": ("counsel",), "abe": ("approver",),
         "audrey": ("auditor",), "ivy": ("iso",), "quinn": ("qa",), "ada": ("admin",)}
STEP_BODIES = {"recommend": {"recommendation": "grant", "notes": "Low risk."},
               "legal-review": {"analysis": "Consistent with the policy's section 3."},
               "decide": {"decision": "grant", "notes": "Granted for the period requested."},
               "withdraw": {"notes": "No longer needed."}}
STEP_ACTORS = {"recommend": "rex", "legal-review": "cora", "decide": "abe", "withdraw": "rita"}


def on_day(day):
    """Freeze the clock at noon, Massachusetts time, on `day`."""
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=COMMONWEALTH)
    return time_machine.travel(noon, tick=False)


class Desk:
    """Files waivers and takes steps as named staff; every call goes through the real app."""

    def __init__(self, client, staff):
        self.client = client
        self.staff = staff

    def file(self, body, who="rita"):
        return self.client.post("/console/api/waivers", json=body, headers=self.staff.headers(who))

    def step(self, waiver_id, action, who=None, body=None):
        return self.client.post(f"/console/api/waivers/{waiver_id}/{action}",
                                json=STEP_BODIES[action] if body is None else body,
                                headers=self.staff.headers(who or STEP_ACTORS[action]))

    def show(self, waiver_id, who="audrey"):
        return self.client.get(f"/console/api/waivers/{waiver_id}", headers=self.staff.headers(who))

    def grant(self, waiver_id):
        """Recommend, review and decide: the whole chain, each step by its own role."""
        for action in ("recommend", "legal-review", "decide"):
            response = self.step(waiver_id, action)
            assert response.status_code == 200, response.get_json()
        return response.get_json()

    def public(self, agency="demo"):
        return self.client.get(f"/v1/{agency}/waivers")
