"""`CONSENT_BIND=127.0.0.1:PORT make run` gives a fully working demo on that port: the printed URL, the demo
agency's links, equal-access with a staff token, consent-qa passing on the demo's own pages, and the monitoring
worker's first run of the demo checked and passing, with a log a newcomer can read."""

import json
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from gunicorn_server import free_port
from sqlalchemy import select

from server.db.session import make_engine
from server.db.session import normalise_url
from server.monitoring.models import MonitoringRun

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    """`make run` on a free port (its own console database), its output so far, stopped with its process group."""
    folder = tmp_path_factory.mktemp("make-run")
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CONSENT_")}
    env.update(CONSENT_BIND=f"127.0.0.1:{port}", CONSENT_DATABASE_URL=f"sqlite:///{folder / 'console.sqlite'}")
    log_path = folder / "make-run.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/healthz", process, log_path)
        yield url, env, log_path, folder
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(url, process, log_path, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"make run never answered at {url}:\n{log_path.read_text(errors='replace')[-3000:]}")


def get_json(url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def test_it_prints_the_real_url_and_the_demo_follows_the_port(make_run):
    url, _, log_path, _ = make_run
    output = log_path.read_text(errors="replace")
    assert f"on {url}/demo/" in output
    assert "127.0.0.1:8000" not in output
    with urllib.request.urlopen(f"{url}/demo/", timeout=10) as response:
        assert response.status == 200
    notice = get_json(f"{url}/v1/demo/notice")
    assert f"{url}/demo/privacy" in json.dumps(notice)
    assert not re.search(r"127\.0\.0\.1:8000", json.dumps(notice))


def test_equal_access_works_on_its_own_pages_with_a_staff_token(make_run):
    url, env, _, _ = make_run
    created = subprocess.run([str(VENV_BIN / "consent-service"), "tokens", "create", "demo-admin"], cwd=ROOT,
                             env={**env, "CONSENT_DEMO": "1"}, capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stdout + created.stderr
    token = created.stdout.strip().splitlines()[-1]
    body = get_json(f"{url}/v1/demo/equal-access", json.dumps({"url": f"{url}/demo/"}).encode(),
                    {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    assert body["equal"] is True, body


@pytest.mark.browser
def test_consent_qa_passes_on_its_own_pages(make_run):
    url, env, _, folder = make_run
    done = subprocess.run([str(VENV_BIN / "consent-qa"), "check", f"{url}/demo/", "--agency", "demo", "--service", url,
                           "--report-dir", str(folder / "qa")], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    report = json.loads((folder / "qa" / "report.json").read_text())
    failed = [(f["clause"], f["reason"]) for f in report["findings"] if f["verdict"] == "fail"]
    assert failed == [] and done.returncode == 0, (failed, done.stdout[-2000:], done.stderr[-2000:])


def first_run(database_url, log_path, timeout=240):
    """The demo's first monitoring run once it has finished (the worker starts it as soon as the service answers)."""
    engine = make_engine(normalise_url(database_url))
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                run = connection.execute(select(MonitoringRun.state, MonitoringRun.pages_total,
                                                MonitoringRun.pages_failed, MonitoringRun.verdicts)
                                         .where(MonitoringRun.agency_id == "demo")).first()
            if run is not None and run.state == "done":
                return run
            time.sleep(1)
    finally:
        engine.dispose()
    raise AssertionError(f"no finished run of the demo:\n{log_path.read_text(errors='replace')[-3000:]}")


@pytest.mark.browser
def test_the_first_run_of_the_demo_is_checked_and_passing(make_run):
    """Every demo page checked (not "not checked") and every clause passing, from the package's own autoconsent."""
    _, env, log_path, _ = make_run
    run = first_run(env["CONSENT_DATABASE_URL"], log_path)
    output = log_path.read_text(errors="replace")
    assert run.pages_total >= 1 and run.pages_failed == 0, output[-3000:]
    assert run.verdicts and set(run.verdicts.values()) == {"pass"}, run.verdicts
    assert "not checked" not in output and "Traceback" not in output, output[-3000:]


def test_the_log_says_each_thing_once(make_run):
    """One demo-key line (the service's start), none of Alembic's chatter, and where gunicorn listens, unmasked."""
    url, _, log_path, _ = make_run
    output = log_path.read_text(errors="replace")
    assert output.count("generated a random signing key") == 1, output[-3000:]
    assert "] alembic." not in output, [line for line in output.splitlines() if "] alembic." in line][:3]
    assert "weasyprint.progress" not in output
    assert f"Listening at: {url} (" in output
