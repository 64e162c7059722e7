"""Ten-year PDF statements take a slot of slow staff work (issue 19.11): under real gunicorn, three asked for at once
leave a worker for visitors, `/v1/AGENCY/status` keeps its p99 within 50 ms, and a PDF beyond the cap is a 503."""

import http.client
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from datetime import timedelta
from pathlib import Path

import pytest
from dashboard_world import write_agencies
from gunicorn_server import Gunicorn
from gunicorn_server import request
from history import seed
from sqlalchemy import create_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from live_service import consent_service  # noqa: E402

# A load run, timing-bound (visitors' latency while slow work runs): `make test-long` runs it alone, after its
# parallel part.
pytestmark = [pytest.mark.long, pytest.mark.quiet]
WORKERS = 3
PDFS = 3
YEARS = 10
# Three readers ask for PDFs for 4 s (each about 0.5-1 s on an idle machine, more under load) while visitors
# ask for status 40 times a second.
PDF_SECONDS = 4
STATUS_INTERVAL = 0.025


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """gunicorn (3 sync workers) on a console database with ten years of daily checks of hhs-a; an auditor's token."""
    folder = tmp_path_factory.mktemp("statement-capacity")
    (folder / "agencies").mkdir()
    agencies = write_agencies(folder / "agencies")
    database = folder / "console.sqlite"
    server = Gunicorn(workers=WORKERS, log_dir=folder, CONSENT_AGENCIES_DIR=str(agencies),
                      CONSENT_SECRET_KEYS="statement-capacity-key-0123456789abcdef",
                      CONSENT_DATABASE_URL=f"sqlite:///{database}")
    consent_service(server.env, "db", "upgrade")
    engine = create_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        seed(connection, ["hhs-a"], days=365 * YEARS, pages=5)
    engine.dispose()
    consent_service(server.env, "users", "add", "audrey", "--role", "auditor")
    token = consent_service(server.env, "tokens", "create", "audrey").strip().splitlines()[-1]
    server.start()
    yield server, token
    server.stop()


def _pdf(server, token, days=365 * YEARS):
    """One PDF of the last `days` days (ten years): (status, body, Retry-After, seconds)."""
    start = date.today() - timedelta(days=days)
    path = f"/console/agencies/hhs-a/statement.pdf?from={start.isoformat()}&to={date.today().isoformat()}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return response.status, body, response.headers.get("Retry-After"), time.perf_counter() - started


def _pdf_reader(server, token, until):
    """A member of staff asking for PDFs until `until`, waiting as Retry-After says when told busy."""
    answers = []
    while time.monotonic() < until:
        answers.append(_pdf(server, token))
        if answers[-1][0] == 503:
            time.sleep(max(0.0, min(float(answers[-1][2]), until - time.monotonic())))
    return answers


def _status_at(server, when):
    """At `when` (monotonic), one visitor's status request: how long it took."""
    time.sleep(max(0.0, when - time.monotonic()))
    started = time.perf_counter()
    status, _ = request(server.port, "GET", "/v1/hhs-a/status")
    assert status == 200
    return time.perf_counter() - started


def test_three_ten_year_pdfs_at_once_leave_status_fast(service):
    server, token = service
    # A running service's workers have served staff before (database connection, templates, fonts): so have these.
    with ThreadPoolExecutor(max_workers=WORKERS) as staff:
        for _ in range(3):
            list(staff.map(lambda _n: _pdf(server, token, days=1), range(WORKERS)))
    start = time.monotonic()
    until = start + PDF_SECONDS
    with ThreadPoolExecutor(max_workers=PDFS) as staff, ThreadPoolExecutor(max_workers=16) as visitors:
        readers = [staff.submit(_pdf_reader, server, token, until) for _ in range(PDFS)]
        # Visitors arrive at a steady rate meanwhile: a stall shows in every request it delays.
        samples = [visitors.submit(_status_at, server, start + n * STATUS_INTERVAL)
                   for n in range(int(PDF_SECONDS / STATUS_INTERVAL))]
        samples = sorted(future.result() for future in samples)
        answers = [answer for reader in readers for answer in reader.result()]
    p99 = samples[int(len(samples) * 0.99) - 1]
    made = [seconds for status, _, _, seconds in answers if status == 200]
    busy = [seconds for status, _, _, seconds in answers if status == 503]
    print(f"status p99 {p99 * 1000:.1f} ms, worst {samples[-1] * 1000:.1f} ms over {len(samples)} requests; "
          f"{len(made)} PDFs made (longest {max(made, default=0):.2f} s), {len(busy)} busy "
          f"(longest {max(busy, default=0):.2f} s)")
    assert {status for status, _, _, _ in answers} == {200, 503}
    assert all(body.startswith(b"%PDF") for status, body, _, _ in answers if status == 200)
    # Refused at once with a time to come back, not after building the statement.
    assert all(int(after) >= 1 for status, _, after, _ in answers if status == 503)
    assert max(busy) < 2
    assert p99 <= 0.050, f"status p99 {p99 * 1000:.1f} ms while {PDFS} ten-year PDFs were asked for at once"
