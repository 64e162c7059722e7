"""`consent-service users …` and `tokens …` as an administrator runs them, on SQLite and PostgreSQL."""

import pytest
from click.testing import CliRunner
from console_support import CONSOLE_KEYS
from flask.cli import ScriptInfo

from server import create_app
from server.commands.group import cli

PASSWORD = "a long enough passphrase"


@pytest.fixture
def run(database_url, agencies_dir, monkeypatch):
    """Run one command line against the test database; returns click's result."""
    monkeypatch.setenv("CONSENT_DATABASE_URL", database_url)
    monkeypatch.setenv("CONSENT_AGENCIES_DIR", str(agencies_dir))
    monkeypatch.setenv("CONSENT_SECRET_KEYS", ",".join(CONSOLE_KEYS))
    monkeypatch.delenv("CONSENT_DEMO", raising=False)

    def invoke(*args, stdin=None):
        return CliRunner().invoke(cli, list(args), input=stdin, obj=ScriptInfo(create_app=create_app))

    return invoke


@pytest.fixture
def service(run):
    """A client of the service on the same database (the commands' effects, seen from outside)."""
    return create_app().test_client()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_users_add_then_tokens_create_prints_a_working_token_on_the_last_line(run, service):
    added = run("users", "add", "rita", "--role", "requester", "--agency", "dor", "--password-stdin",
                stdin=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert added.output.strip() == "added rita: roles requester; agencies dor; password set"
    created = run("tokens", "create", "rita")
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    assert token.startswith("cst_") and len(token) > 40
    assert service.get("/console/api/waivers", headers=bearer(token)).status_code == 200
    listed = run("tokens", "list", "rita")
    token_id = listed.output.split("\t")[0]
    assert "live" in listed.output and token not in listed.output
    revoked = run("tokens", "revoke", token_id)
    assert revoked.exit_code == 0 and revoked.output.strip() == f"token {token_id} revoked"
    assert service.get("/console/api/waivers", headers=bearer(token)).status_code == 401
    assert run("tokens", "revoke", token_id).exit_code == 1


def test_several_roles_and_a_token_only_account(run):
    added = run("users", "add", "cio", "--role", "requester", "--role", "approver")
    assert added.exit_code == 0
    assert added.output.strip() == "added cio: roles approver, requester; agencies all; no password (token only)"


@pytest.mark.parametrize(("args", "stdin", "status", "message"), [
    (("users", "add", "x", "--role", "boss"), None, 2, "'boss' is not one of"),
    (("users", "add", "x", "--role", "qa", "--agency", "nobody"), None, 2, "--agency 'nobody': no such agency"),
    (("users", "add", "Bad Name", "--role", "qa"), None, 1, "name 'Bad Name'"),
    (("users", "add", "x", "--role", "qa", "--password-stdin"), "short\n", 1, "at least 12 characters"),
    (("users", "add", "x", "--role", "qa", "--password-stdin"), "\n", 2, "gave no password"),
    (("tokens", "create", "nobody"), None, 1, "name 'nobody': no such account"),
])
def test_bad_input_is_one_clear_line(run, args, stdin, status, message):
    result = run(*args, stdin=stdin)
    assert result.exit_code == status, result.output
    assert message in result.output


def test_a_taken_name_is_refused(run):
    assert run("users", "add", "rita", "--role", "requester").exit_code == 0
    again = run("users", "add", "rita", "--role", "qa")
    assert again.exit_code == 1 and "an account with this name exists" in again.output


def test_demo_admin_prints_a_password_that_signs_in(run, service, monkeypatch):
    assert run("users", "demo-admin").exit_code == 2  # not in demo mode
    monkeypatch.setenv("CONSENT_DEMO", "1")
    first = run("users", "demo-admin")
    assert first.exit_code == 0, first.output
    password = first.output.split("with the password ")[1].strip()
    login = service.get("/console/login").get_data(as_text=True)
    csrf = login.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = service.post("/console/login", data={"name": "demo-admin", "password": password, "csrf_token": csrf})
    assert signed_in.status_code == 303
    # Every run prints a fresh password; the old one stops working.
    second = run("users", "demo-admin").output.split("with the password ")[1].strip()
    assert second != password
