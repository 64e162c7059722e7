"""The dashboard's JSON twins are their schemas' dumps: the keys /openapi.json documents, in their declared order."""

import json

from dashboard_world import world  # noqa: F401  (the seeded dashboard, on SQLite and PostgreSQL)

from server.dashboard.schemas import AgencyMatrixSchema
from server.dashboard.schemas import AgencyRowSchema
from server.dashboard.schemas import AgencyRunsSchema
from server.dashboard.schemas import PageReportSchema
from server.dashboard.schemas import RunReportSchema
from server.dashboard.schemas import RunSummarySchema


def parsed(response):
    """The answer parsed from its bytes, each object's keys in the order they were sent."""
    return json.loads(response.data)


def declared(schema):
    """The schema's fields in their declared order."""
    return list(schema().fields)


def test_each_answer_has_its_schema_keys_in_order(world):
    matrix = parsed(world.get("/console/api/agencies"))
    assert list(matrix) == declared(AgencyMatrixSchema)
    rows = [row for row in matrix["agencies"] if row["latest_run"]]
    assert rows and all(list(row) == declared(AgencyRowSchema) for row in matrix["agencies"])
    assert all(list(row["latest_run"]) == declared(RunSummarySchema) for row in rows)
    assert all(row["latest_run"]["started_at"].endswith("Z") for row in rows)
    runs = parsed(world.get("/console/api/agencies/hhs-a/runs"))
    assert list(runs) == declared(AgencyRunsSchema) and runs["runs"]
    assert all(list(run) == declared(RunSummarySchema) for run in runs["runs"])
    report = parsed(world.get(f"/console/api/runs/{world.runs['hhs-a']}"))
    assert list(report) == declared(RunReportSchema)
    assert report["pages"] and all(list(page) == declared(PageReportSchema) for page in report["pages"])
    assert report["href"] == f"/console/runs/{world.runs['hhs-a']}"
