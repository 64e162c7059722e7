"""`make run`'s way in, for real: db upgrade and demo-admin from the command line, then gunicorn with two workers."""

import re
import subprocess

import pytest
import requests
from gunicorn_server import ROOT
from gunicorn_server import Gunicorn

CONSENT_SERVICE = ROOT / ".venv" / "bin" / "consent-service"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def command(env, *args):
    """Run `consent-service ARGS` as the README says; its standard output."""
    result = subprocess.run([str(CONSENT_SERVICE), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def demo_service(database_url, tmp_path):
    """A fresh empty database made by `db upgrade`, the demo administrator's password, the service on it."""
    server = Gunicorn(workers=2, log_dir=tmp_path, CONSENT_DEMO="1", CONSENT_DATABASE_URL=database_url)
    assert "already at schema" in command(server.env, "db", "upgrade")  # the fixture's database is upgraded
    printed = command(server.env, "users", "demo-admin")
    password = re.search(r"as demo-admin with the password (\S+)$", printed.strip()).group(1)
    server.start()
    yield server, password
    server.stop()


def test_a_newcomer_signs_in_with_the_printed_password_on_every_worker(demo_service):
    server, password = demo_service
    browser = requests.Session()
    page = browser.get(server.url + "/console/", headers={"Accept": "text/html"})
    assert page.url == server.url + "/console/login?next=/console/"
    token = CSRF_FIELD.search(page.text).group(1)
    signed_in = browser.post(server.url + "/console/login", headers={"Accept": "text/html"},
                             data={"name": "demo-admin", "password": password, "csrf_token": token,
                                   "next": "/console/"})
    assert signed_in.url == server.url + "/console/"
    assert "Signed in as <strong>demo-admin</strong> (admin)" in signed_in.text
    cookie = next(c for c in browser.cookies if c.name == "consent_console")
    assert cookie.expires is None and cookie.path == "/console"
    # Sync workers close every connection: these land on both workers, which share the signing key.
    assert all(browser.get(server.url + "/console/", headers={"Accept": "text/html"}).status_code == 200
               for _ in range(6))
