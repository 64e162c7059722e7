"""The service under real gunicorn: the demo key is shared, so a token verifies on every worker.

Key rotation on a live gunicorn is walked through in tests/reliability/test_key_rotation_live.py.
"""

import json
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from gunicorn_server import Gunicorn
from live_service import consent_service

STATUS_REQUESTS = 60
# The access log is off in gunicorn.conf.py (it would hold visitors' addresses); here it records only the
# pid of the worker that answered and the path, which is how the test sees that every worker took part.
ACCESS_LOG = ["--access-logfile", "-", "--access-logformat", "served-by %(p)s %(U)s %(s)s"]


@pytest.fixture
def start_gunicorn(tmp_path):
    """Start gunicorn instances (the bench's driver); every one is stopped at teardown, whatever the test did."""
    started = []

    def start(workers=1, **env):
        # Its own console database, upgraded: never the shared instance folder's.
        database = f"sqlite:///{tmp_path / f'console-{len(started)}.sqlite'}"
        server = Gunicorn(workers=workers, log_dir=tmp_path, CONSENT_DATABASE_URL=database, **env)
        consent_service({**server.env, "CONSENT_DEMO": "1"}, "db", "upgrade")
        started.append(server)
        return server.start(extra_args=ACCESS_LOG)

    yield start
    for server in started:
        server.stop()


def served_pids(server, path):
    return {int(pid) for pid in re.findall(rf"served-by <(\d+)> {re.escape(path)} 200", server.log())}


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
    assert len(server.ready_pids()) == 2
    assert server.ready_pids() <= server.worker_pids()
    token = opt_out(server)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: request("GET", f"{server.url}/v1/demo/status",
                                                  {"X-Consent-Token": token}), range(STATUS_REQUESTS)))
    assert results == [(200, {"opted_out": True, "source": "token", "token_valid": True})] * STATUS_REQUESTS
    # Keep asking until both workers have answered (the kernel may favour one for a while).
    for _ in range(200):
        if len(served_pids(server, "/v1/demo/status")) >= 2:
            break
        assert token_valid(server, token)
        time.sleep(0.01)
    served = served_pids(server, "/v1/demo/status")
    assert len(served) >= 2, f"only worker(s) {served} answered:\n{server.log()}"
    assert served <= server.ready_pids()
    log = server.log()
    assert log.count("generated a random signing key") == 1, log
    assert "Traceback" not in log


def test_keys_from_the_environment_are_used_and_none_generated(start_gunicorn):
    server = start_gunicorn(CONSENT_SECRET_KEYS="gunicorn-test-key-a-0123456789abcdef")
    assert token_valid(server, opt_out(server, "dor"), "dor")
    assert "generated a random signing key" not in server.log()


def test_without_keys_or_demo_gunicorn_refuses_to_start(start_gunicorn):
    with pytest.raises(RuntimeError, match="CONSENT_SECRET_KEYS is not set"):
        start_gunicorn(CONSENT_DEMO="0")
