"""A console database behind the code closes the staff half (503 naming the command), never the visitors."""

import pytest
from databases import new_sqlite_url

from server import create_app
from server.db.migrate import upgrade_url
from server.db.migrate import head_revision
from server.staff import schema_gate

KEYS = ["schema-behind-tests-0123456789abcdef"]
COMMAND = "consent-service db upgrade"
BEHIND = "0002"


@pytest.fixture(params=["sqlite", "postgresql"])
def behind_url(request, tmp_path):
    """A database of each kind left at revision 0002, behind the code's head."""
    if request.param == "sqlite":
        url = new_sqlite_url(tmp_path)
    else:
        url = request.getfixturevalue("postgres_cluster").create_database(f"behind_{tmp_path.name[-12:]}")
    upgrade_url(url, BEHIND)
    assert head_revision() != BEHIND
    return url


@pytest.fixture
def behind_app(behind_url, agencies_dir):
    """The service (demo on) started on that database."""
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True,
                      "DATABASE_URL": behind_url})
    yield app
    app.extensions["database"].kw["bind"].dispose()


def visitor_answers(client):
    """Status of banner.js, the notice, an opt-out and the status, as a visitor's browser asks them."""
    opted = client.post("/v1/demo/opt-out", json={}, headers={"Origin": "http://127.0.0.1:8000"})
    return [client.get("/v1/dor/banner.js").status_code, client.get("/v1/dor/notice").status_code,
            opted.status_code, client.get("/v1/demo/status").status_code]


def test_visitors_are_served_and_the_console_answers_503_until_upgraded(behind_app, behind_url):
    client = behind_app.test_client()
    assert visitor_answers(client) == [200, 200, 200, 200]

    page = client.get("/console/login")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert COMMAND in page.get_data(as_text=True) and f"schema {BEHIND}" in page.get_data(as_text=True)
    for response in (client.get("/console/api/waivers"), client.post("/v1/demo/equal-access", json={}),
                     client.get("/v1/demo/waivers")):
        assert response.status_code == 503 and response.mimetype == "application/json"
        error = response.get_json()["error"]
        assert error["code"] == schema_gate.CODE and COMMAND in error["message"]

    upgrade_url(behind_url)  # what `consent-service db upgrade` does, beside the running service
    assert client.get("/console/login").status_code == 200
    assert client.get("/console/api/waivers").status_code == 401
    assert client.get("/v1/demo/waivers").get_json()["waivers"] == []
    assert visitor_answers(client) == [200, 200, 200, 200]


def test_an_empty_database_closes_the_console_and_names_the_command(tmp_path, agencies_dir):
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True,
                      "DATABASE_URL": new_sqlite_url(tmp_path)})
    client = app.test_client()
    assert client.get("/v1/dor/banner.js").status_code == 200
    message = client.get("/console/api/waivers").get_json()["error"]["message"]
    assert message == f"The staff console is closed: the console database is empty (schema {head_revision()} " \
                      f"expected): run `{COMMAND}`."


def test_a_database_ahead_of_the_code_says_to_run_the_newer_code(behind_url, agencies_dir, caplog):
    upgrade_url(behind_url)
    from sqlalchemy import create_engine

    from server.db.session import normalise_url

    engine = create_engine(normalise_url(behind_url))
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    engine.dispose()
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True,
                      "DATABASE_URL": behind_url})
    assert "which this code does not know" in caplog.text
    client = app.test_client()
    assert client.get("/v1/dor/notice").status_code == 200
    page = client.get("/console/")
    assert page.status_code == 503 and "run the newer code" in page.get_data(as_text=True)
    app.extensions["database"].kw["bind"].dispose()
