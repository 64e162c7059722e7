"""Every `consent-service` command fails with one line and exit 1, never a traceback; `db upgrade`, `users`,
`tokens` and `export` need no signing key (and the console commands no agency file). Run as the installed console
script, on SQLite and PostgreSQL, from a folder that is not the checkout."""

import itertools
import os
import subprocess
from pathlib import Path

import pytest

CONSENT_SERVICE = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "consent-service"
_names = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path):
    """A console database never upgraded, of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'console.sqlite3'}"
    return request.getfixturevalue("postgres_cluster").create_database(f"consent_keyless_{next(_names)}")


@pytest.fixture
def run(tmp_path, empty_database_url):
    """Run one command with no CONSENT_ setting but the database (no key, no agencies folder, no demo)."""
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CONSENT_")}
    env["CONSENT_DATABASE_URL"] = empty_database_url

    def invoke(*args, **settings):
        return subprocess.run([str(CONSENT_SERVICE), *args], cwd=workdir, env={**env, **settings},
                              capture_output=True, text=True, timeout=120)

    return invoke


def one_line_failure(done):
    """The failure's single line (asserting exit 1, nothing on stdout, no traceback)."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and done.stdout == "", done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: "), lines
    return lines[0]


def test_db_upgrade_users_and_tokens_need_no_key_and_no_agency_file(run):
    upgraded = run("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "upgraded from schema none (empty)" in upgraded.stdout
    added = run("users", "add", "ada", "--role", "admin")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("added ada: roles admin")
    created = run("tokens", "create", "ada")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().splitlines()[-1].startswith("cst_")


@pytest.mark.parametrize("args", [("users", "add", "ada", "--role", "admin"), ("tokens", "create", "ada"),
                                  ("tokens", "list", "ada"), ("users", "demo-admin")])
def test_a_console_command_on_a_database_never_upgraded_names_the_upgrade(run, args):
    line = one_line_failure(run(*args, CONSENT_DEMO="1"))
    assert "run `consent-service db upgrade`" in line


def test_an_agency_named_without_an_agencies_folder_is_one_line(run):
    assert run("db", "upgrade").returncode == 0
    line = one_line_failure(run("users", "add", "ada", "--role", "qa", "--agency", "dor"))
    assert "agencies folder not found" in line


def test_export_without_a_key_or_an_agencies_folder_is_one_line(run, tmp_path):
    line = one_line_failure(run("export", str(tmp_path / "out")))
    assert "agencies folder not found (CONSENT_AGENCIES_DIR)" in line


def test_export_needs_no_signing_key(run, tmp_path, repo_root):
    done = run("export", str(tmp_path / "out"), CONSENT_AGENCIES_DIR=str(repo_root / "agencies"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("exported 1 agency to ")
    assert (tmp_path / "out" / "current" / "public" / "v1" / "dor" / "banner.js").is_file()


@pytest.mark.parametrize("args", [("db", "upgrade"), ("users", "add", "ada", "--role", "qa"),
                                  ("tokens", "list", "ada")])
def test_a_database_that_cannot_be_reached_is_one_line(run, args):
    line = one_line_failure(run(*args, CONSENT_DATABASE_URL="postgresql://nobody:secret@127.0.0.1:9/none"))
    assert "the console database postgresql+psycopg://nobody:***@127.0.0.1:9/none cannot be reached" in line
    assert "secret" not in line


def test_check_config_without_an_argument_checks_the_agencies_folder_here(run, tmp_path, repo_root):
    """In a checkout (or any folder holding agencies/), as `make run` serves it, not an absent instance folder."""
    folder = tmp_path / "elsewhere" / "agencies"
    folder.mkdir()
    (folder / "dor.toml").write_text((repo_root / "agencies" / "dor.toml").read_text())
    done = run("check-config")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines() == [f"{folder}: 1 agency file, no problems"]


def test_demo_commands_do_not_announce_a_generated_key(run):
    """Only the service's start says it made a demo key; `db upgrade` and `users demo-admin` sign nothing."""
    upgraded = run("db", "upgrade", CONSENT_DEMO="1")
    admin = run("users", "demo-admin", CONSENT_DEMO="1")
    assert admin.returncode == 0, admin.stderr
    assert "generated a random signing key" not in upgraded.stderr + admin.stderr
