"""Visitors never depend on the console database: its outage leaves banner, notice, opt-out, status and choices."""

import pytest
from databases import PostgresCluster

from server import create_app
from server.db.migrate import upgrade_url

VISITOR_REQUESTS = [("GET", "/v1/demo/banner.js"), ("GET", "/v1/demo/notice"), ("POST", "/v1/demo/opt-out"),
                    ("DELETE", "/v1/demo/opt-out"), ("GET", "/v1/demo/status"), ("GET", "/v1/demo/choices"),
                    ("GET", "/healthz"), ("GET", "/openapi.json"), ("GET", "/.well-known/gpc.json")]
KEYS = ["outage-tests-0123456789abcdef"]


@pytest.fixture(scope="module")
def stopped_database(agencies_dir):
    """An app started on its own PostgreSQL, whose server is then stopped under it."""
    cluster = PostgresCluster().start()
    try:
        url = cluster.create_database("outage")
        upgrade_url(url)
        app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True, "DATABASE_URL": url})
        # The database was there at start (so the schema check passed); now it goes away.
        assert app.test_client().get("/v1/demo/waivers").status_code == 200
    finally:
        cluster.stop()
    return app


@pytest.mark.parametrize(("method", "path"), VISITOR_REQUESTS)
def test_visitor_endpoints_answer_while_the_database_is_down(stopped_database, method, path):
    response = stopped_database.test_client().open(path, method=method)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


def test_staff_and_the_public_waiver_list_get_503_while_it_is_down(stopped_database):
    client = stopped_database.test_client()
    for path in ("/v1/demo/waivers", "/console/api/waivers"):
        response = client.get(path, headers={"Authorization": "Bearer cst_anything"})
        assert response.status_code == 503, path
        assert response.get_json()["error"]["code"] == "database_unavailable"


def test_the_service_starts_with_its_database_unreachable(agencies_dir):
    # Nothing listens on port 9 of loopback: the console waits for its database, visitors do not.
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True,
                      "DATABASE_URL": "postgresql://postgres@127.0.0.1:9/consent"})
    assert app.test_client().get("/v1/demo/notice").status_code == 200
    assert app.test_client().get("/console/api/waivers", headers={"Authorization": "Bearer cst_x"}).status_code == 503
