"""Equal-access can never starve visitors: under real gunicorn, slow checks beyond workers - 1 get 503 at once,
and banner.js, opt-out and status keep answering fast while the slow checks hold their workers."""

import http.client
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from gunicorn_server import Gunicorn
from gunicorn_server import request
from live_service import staff_token
from slow_site import SlowSite
from slow_site import write_agency

# A load run, timing-bound (visitors' latency while slow work runs): `make test-long` runs it alone, after its
# parallel part.
pytestmark = [pytest.mark.long, pytest.mark.quiet]
WORKERS = 3
CHECKS = 6  # more slow checks in flight than there are workers
PAGE_SECONDS = 3.0  # each check fetches the page twice: about 6 s per check
PUBLIC_ROUNDS = 60


@pytest.fixture(scope="module")
def site():
    """The slow agency site on loopback."""
    server = SlowSite(PAGE_SECONDS).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def service(site, tmp_path_factory):
    """Real gunicorn (3 sync workers) serving the eqtest agency, whose origin is the slow site; and a qa token."""
    tmp_path = tmp_path_factory.mktemp("capacity")
    agencies = tmp_path / "agencies"
    agencies.mkdir()
    write_agency(agencies, site.origin)
    server = Gunicorn(workers=WORKERS, log_dir=tmp_path, CONSENT_AGENCIES_DIR=str(agencies),
                      CONSENT_SECRET_KEYS="capacity-test-key-0123456789abcdef",
                      CONSENT_DATABASE_URL=f"sqlite:///{tmp_path / 'console.sqlite'}")
    token = staff_token(server.env)
    server.start()
    yield server, token
    server.stop()


def check(server, token, url):
    status, body = request(server.port, "POST", "/v1/eqtest/equal-access", json.dumps({"url": url}).encode(),
                           {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    return status, body


def timed(server, method, path, headers=None):
    started = time.perf_counter()
    status, _ = request(server.port, method, path, headers=headers)
    return status, time.perf_counter() - started


def test_slow_checks_beyond_capacity_get_503_and_visitors_are_served_fast(service, site):
    server, token = service
    site.delay, site.started = PAGE_SECONDS, 0
    with ThreadPoolExecutor(max_workers=CHECKS) as pool:
        checks = [pool.submit(check, server, token, f"{site.origin}/page-{n}") for n in range(CHECKS)]
        # Measure only once the admitted checks are really fetching (holding their workers).
        deadline = time.monotonic() + 10
        while site.started < WORKERS - 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert site.started >= WORKERS - 1, "the equal-access checks never reached the slow site"
        samples = {"banner.js": [], "opt-out": [], "status": []}
        measuring_started = time.monotonic()
        for _ in range(PUBLIC_ROUNDS):
            status, seconds = timed(server, "GET", "/v1/eqtest/banner.js")
            assert status == 200
            samples["banner.js"].append(seconds)
            status, seconds = timed(server, "POST", "/v1/eqtest/opt-out")
            assert status == 200
            samples["opt-out"].append(seconds)
            status, seconds = timed(server, "GET", "/v1/eqtest/status")
            assert status == 200
            samples["status"].append(seconds)
        measured_for = time.monotonic() - measuring_started
        still_running = sum(not future.done() for future in checks)
        results = [future.result() for future in checks]
    # The slow checks were still holding their workers while visitors were measured.
    assert still_running >= WORKERS - 1, f"checks ended before the measurement did ({measured_for:.1f} s)"
    statuses = sorted(status for status, _ in results)
    assert statuses.count(200) == WORKERS - 1, statuses
    assert statuses.count(503) == CHECKS - (WORKERS - 1), statuses
    for status, body in results:
        detail = json.loads(body)
        if status == 503:
            assert detail["error"]["code"] == "busy"
        else:
            assert detail["equal"] is True
    for name, seconds in samples.items():
        ordered = sorted(seconds)
        p99 = ordered[int(len(ordered) * 0.99) - 1]
        print(f"{name}: p99 {p99 * 1000:.1f} ms, worst {ordered[-1] * 1000:.1f} ms over {len(ordered)} requests")
        assert p99 < 0.050, f"{name}: p99 {p99 * 1000:.1f} ms while slow checks ran"


def test_busy_answer_says_when_to_retry(service, site):
    server, token = service
    site.delay, site.started = PAGE_SECONDS, 0
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        holders = [pool.submit(check, server, token, f"{site.origin}/hold-{n}") for n in range(WORKERS - 1)]
        deadline = time.monotonic() + 10
        while site.started < WORKERS - 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        connection_headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
        connection.request("POST", "/v1/eqtest/equal-access", json.dumps({"url": f"{site.origin}/late"}),
                           connection_headers)
        response = connection.getresponse()
        body = json.loads(response.read())
        connection.close()
        assert [holder.result()[0] for holder in holders] == [200] * (WORKERS - 1)
    assert response.status == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["Content-Type"].startswith("application/json")
    assert body["error"]["code"] == "busy"
    # Capacity comes back: once the holders finished, a check is admitted again.
    site.delay = 0
    status, _ = check(server, token, f"{site.origin}/again")
    assert status == 200
    assert os.environ.get("CONSENT_RUNTIME_DIR") is None  # the cap lives in gunicorn's process tree only
