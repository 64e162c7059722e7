"""The public half alone: no console database configured, or the console not installed."""

import pytest
from click.testing import CliRunner

from server import create_app
from server.core import parts
from server.commands.group import cli
from server.core.parts import PartNotInstalled

KEYS = ["public-half-tests-0123456789abcdef"]


@pytest.fixture
def no_database(monkeypatch):
    """No CONSENT_DATABASE_URL (the suite sets one for every other app)."""
    monkeypatch.delenv("CONSENT_DATABASE_URL", raising=False)


@pytest.fixture
def console_missing(monkeypatch):
    """As if installed without the [console] extra."""
    installed = parts.installed
    monkeypatch.setattr(parts, "installed", lambda extra: extra != "console" and installed(extra))


def test_without_a_console_database_the_console_is_not_there(no_database, agencies_dir):
    app = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS})
    client = app.test_client()
    assert client.get("/v1/dor/banner.js").status_code == 200
    assert client.get("/console/").status_code == 404
    assert client.get("/console/api/waivers").status_code == 404
    assert client.post("/v1/dor/equal-access", json={"url": "https://www.mass.gov/"}).status_code == 404
    paths = set(client.get("/openapi.json").get_json()["paths"])
    assert "/v1/{agency_id}/waivers" in paths
    assert not [path for path in paths if path.startswith("/console") or path.endswith("/equal-access")]
    assert "database" not in app.extensions


def test_without_a_console_database_no_waiver_is_in_force(no_database, agencies_dir):
    client = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS}).test_client()
    response = client.get("/v1/dor/waivers")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["agency", "date", "waivers"] and body["agency"] == "dor" and body["waivers"] == []
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_demo_mode_without_the_console_installed_serves_the_public_half(no_database, console_missing,
                                                                          agencies_dir):
    client = create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS, "DEMO": True}).test_client()
    assert client.get("/demo/").status_code == 200
    assert client.get("/console/").status_code == 404


def test_a_named_database_without_the_console_installed_is_refused_in_one_line(console_missing, agencies_dir,
                                                                               tmp_path):
    with pytest.raises(PartNotInstalled) as refused:
        create_app({"AGENCIES_DIR": str(agencies_dir), "SECRET_KEYS": KEYS,
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'console.sqlite3'}"})
    assert str(refused.value) == "the staff console is not installed: pip install 'ma-consent[console]'"


@pytest.mark.parametrize(("arguments", "extra"), [
    (["users", "add", "ada", "--role", "qa"], "console"), (["db", "upgrade"], "console"),
    (["tokens", "list"], "console"), (["monitor", "run", "--agency", "dor"], "monitor"),
])
def test_a_command_of_a_part_not_installed_fails_with_one_line(monkeypatch, arguments, extra):
    monkeypatch.setattr(parts, "installed", lambda name: name != extra)
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 1
    name = {"console": "the staff console", "monitor": "the monitoring worker"}[extra]
    assert result.output == f"Error: {name} is not installed: pip install 'ma-consent[{extra}]'\n"


# That the public half imports nothing of the staff half is one of tests/test_architecture.py's rules.


def test_monitoring_without_a_console_database_says_so_in_one_line(no_database, agencies_dir, monkeypatch):
    monkeypatch.setenv("CONSENT_AGENCIES_DIR", str(agencies_dir))
    monkeypatch.setenv("CONSENT_SECRET_KEYS", KEYS[0])
    monkeypatch.delenv("CONSENT_DEMO", raising=False)
    result = CliRunner().invoke(cli, ["monitor", "run", "--agency", "dor"])
    assert result.exit_code == 1
    # (A warning about running as root may come first: Chromium's sandbox.)
    assert result.output.splitlines()[-1] == ("Error: monitoring stores its runs in the console database: set "
                                              "CONSENT_DATABASE_URL (or CONSENT_DEMO=1 for the embedded one)")
