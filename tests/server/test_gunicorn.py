"""The service under real gunicorn: tokens verify on every worker, and keys rotate without logging anyone out."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
KEY_A = "gunicorn-test-key-a-0123456789abcdef"
KEY_B = "gunicorn-test-key-b-0123456789abcdef"
START_TIMEOUT = 30
STATUS_REQUESTS = 60
# The access log is off in gunicorn.conf.py (it would hold visitors' addresses); here it records only the
# pid of the worker that answered and the path, which is how the test sees that every worker took part.
ACCESS_LOG = ["--access-logfile", "-", "--access-logformat", "served-by %(p)s %(U)s %(s)s"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn -c gunicorn.conf.py wsgi:app on a free loopback port, with its output kept in a file."""

    def __init__(self, tmp_path, workers, **settings):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {name: value for name, value in os.environ.items() if not name.startswith("CONSENT_")}
        env.update(settings, CONSENT_BIND=f"127.0.0.1:{self.port}", CONSENT_WORKERS=str(workers),
                   CONSENT_AGENCIES_DIR=str(REPO_ROOT / "agencies"))
        self.log_path = tmp_path / f"gunicorn-{self.port}.log"
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen([str(GUNICORN), "-c", "gunicorn.conf.py", *ACCESS_LOG, "wsgi:app"],
                                        cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_ready(self, workers):
        """Wait until /healthz answers and every worker has booted."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200 and len(self.booted_pids()) >= workers:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer /healthz within {START_TIMEOUT}s:\n{self.log()}")

    def log(self):
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def booted_pids(self):
        return set(re.findall(r"Booting worker with pid: (\d+)", self.log()))

    def served_pids(self, path):
        return set(re.findall(rf"served-by <(\d+)> {re.escape(path)} 200", self.log()))

    def children(self):
        """The worker processes, as the system lists the master's children."""
        listing = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True,
                                 text=True, check=False).stdout
        return set(listing.split())

    def stop(self):
        if self.process.poll() is None:
            # SIGINT is gunicorn's quick shutdown: nothing is in flight when a test stops it.
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


@pytest.fixture
def start_gunicorn(tmp_path):
    """Start gunicorn instances; every one is terminated at teardown, whatever the test did."""
    started = []

    def start(workers=1, **settings):
        server = Gunicorn(tmp_path, workers, **settings)
        started.append(server)
        return server.wait_ready(workers)

    yield start
    for server in started:
        server.stop()


def request(method, url, headers=None):
    """One request on a new connection; returns (status, body as JSON)."""
    req = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def opt_out(server, agency="demo"):
    status, body = request("POST", f"{server.url}/v1/{agency}/opt-out")
    assert status == 200, body
    return body["token"]


def token_valid(server, token, agency="demo"):
    status, body = request("GET", f"{server.url}/v1/{agency}/status", {"X-Consent-Token": token})
    assert status == 200, body
    return body["token_valid"]


def test_demo_key_is_shared_by_every_worker(start_gunicorn):
    server = start_gunicorn(workers=2, CONSENT_DEMO="1")
    assert len(server.booted_pids()) == 2
    assert server.booted_pids() <= server.children()
    token = opt_out(server)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: request("GET", f"{server.url}/v1/demo/status",
                                                  {"X-Consent-Token": token}), range(STATUS_REQUESTS)))
    assert results == [(200, {"opted_out": True, "source": "token", "token_valid": True})] * STATUS_REQUESTS
    # Keep asking until both workers have answered (the kernel may favour one for a while).
    for _ in range(200):
        if len(server.served_pids("/v1/demo/status")) >= 2:
            break
        assert token_valid(server, token)
        time.sleep(0.01)
    served = server.served_pids("/v1/demo/status")
    assert len(served) >= 2, f"only worker(s) {served} answered:\n{server.log()}"
    assert served <= server.booted_pids()
    log = server.log()
    assert log.count("generated a random signing key") == 1, log
    assert "Traceback" not in log


def test_keys_rotate_without_logging_anyone_out(start_gunicorn):
    first = start_gunicorn(CONSENT_SECRET_KEYS=KEY_A)
    token = opt_out(first)
    assert token_valid(first, token)
    assert "generated a random signing key" not in first.log()
    first.stop()

    rotated = start_gunicorn(CONSENT_SECRET_KEYS=f"{KEY_B},{KEY_A}")
    assert token_valid(rotated, token)
    new_token = opt_out(rotated)
    rotated.stop()

    retired = start_gunicorn(CONSENT_SECRET_KEYS=KEY_B)
    assert not token_valid(retired, token)
    assert token_valid(retired, new_token)


def test_without_keys_or_demo_gunicorn_refuses_to_start(tmp_path):
    server = Gunicorn(tmp_path, 1)
    try:
        returncode = server.process.wait(timeout=START_TIMEOUT)
        assert returncode != 0
        assert "CONSENT_SECRET_KEYS is not set" in server.log()
    finally:
        server.stop()
