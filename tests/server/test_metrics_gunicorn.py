"""/metrics under real gunicorn with 2 workers: counts summed over both, staff tokens only (or the metrics bind
address), nothing of a visitor in the text, visitor counts snapshotted into the console database and charted."""

import json
import os
import re
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from gunicorn_server import Gunicorn
from gunicorn_server import free_port
from gunicorn_server import request
from live_service import consent_service
from prometheus_client.mmap_dict import MmapedDict

from server.auth import accounts
from server.commands.context import console_app
from server.db.session import session_for

OPT_OUTS = 40
WITHDRAWALS = 6
BANNERS = 9
PAGE = "https://www.mass.gov/info-details/a-private-page?visitor=jane.doe%40example.com"
VISITOR_ADDRESS = "203.0.113.77"
SAMPLE = re.compile(r"^(?P<name>[a-z_]+)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


def samples(text):
    """{(name, frozenset of label pairs): value} of a Prometheus text exposition."""
    found = {}
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match:
            labels = frozenset(re.findall(r'(\w+)="([^"]*)"', match["labels"] or ""))
            found[(match["name"], labels)] = float(match["value"])
    return found


def value(text, name, **labels):
    return samples(text).get((name, frozenset(labels.items())), 0.0)


class Service:
    """The running gunicorn, its console database, the staff tokens and what the visitors were given."""

    def __init__(self, server, database, folder, tokens, metrics_bind):
        self.server, self.database, self.folder, self.tokens = server, database, folder, tokens
        self.metrics_bind = metrics_bind
        self.issued = []

    def get(self, path, token=None, port=None, **headers):
        if token:
            headers["Authorization"] = f"Bearer {self.tokens[token]}"
        return request(port or self.server.port, "GET", path, headers=headers)

    def metrics(self):
        status, body = self.get("/metrics", token="ops")
        assert status == 200, body
        return body.decode()


def all_counted(text):
    """Whether every request the fixture made is in the sums (each worker hands its counts over once a second)."""
    requests = "consent_http_request_seconds_count"
    return (value(text, requests, endpoint="api.opt_out", code="200") == OPT_OUTS
            and value(text, requests, endpoint="api.withdraw", code="200") == WITHDRAWALS
            and value(text, requests, endpoint="banner.banner_js", code="200") == BANNERS
            and value(text, requests, endpoint="api.opt_out", code="404") == 1
            and value(text, requests, endpoint="unmatched", code="404") == 1)


def visit(service, method, path):
    """One visitor's request from an agency page, as the banner sends it (Origin, Referer, a forwarded address)."""
    headers = {"Origin": service.server.url, "Referer": PAGE, "X-Forwarded-For": VISITOR_ADDRESS,
               "Accept-Encoding": "gzip, deflate, br, zstd"}
    status, body = request(service.server.port, method, path, headers=headers)
    assert status == 200, body
    if method == "POST":
        service.issued.append(json.loads(body)["token"])


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """gunicorn, 2 workers, counting in an operator-given folder (a stale file in it), a metrics bind, 1 s snapshots;
    the visitors' requests made once, spread over both workers."""
    folder = tmp_path_factory.mktemp("metrics")
    counting = folder / "prometheus"
    counting.mkdir()
    (counting / "counter_1.db").write_bytes(b"left by an earlier instance")
    database = folder / "console.sqlite"
    metrics_bind = f"127.0.0.1:{free_port()}"
    server = Gunicorn(workers=2, log_dir=folder, CONSENT_DEMO="1", CONSENT_DATABASE_URL=f"sqlite:///{database}",
                      CONSENT_METRICS_BIND=metrics_bind, CONSENT_METRICS_SNAPSHOT_SECONDS="1",
                      PROMETHEUS_MULTIPROC_DIR=str(counting))
    consent_service(server.env, "db", "upgrade")
    app = console_app({"CONSENT_DATABASE_URL": f"sqlite:///{database}"})
    tokens = {}
    with session_for(app) as db:
        for name, role in (("ops", "admin"), ("audit", "auditor"), ("qa-person", "qa")):
            _row, tokens[name] = accounts.create_token(db, accounts.add_user(db, name, [role]))
        db.commit()
    app.extensions["database"].kw["bind"].dispose()
    running = Service(server.start(), database, counting, tokens, metrics_bind)
    calls = ([("POST", "/v1/demo/opt-out")] * OPT_OUTS + [("DELETE", "/v1/demo/opt-out")] * WITHDRAWALS
             + [("GET", "/v1/demo/banner.js")] * BANNERS)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda call: visit(running, *call), calls))
    # Refused or unknown: no agency label may come from a visitor's path.
    assert request(server.port, "POST", "/v1/no-such-agency-x1/opt-out")[0] == 404
    assert request(server.port, "GET", "/wp-admin/no-such-path-x2")[0] == 404
    # Each worker hands its counts over once a second (server/metrics/tally.py): all of them within a few.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all_counted(running.metrics()):
        time.sleep(0.2)
    yield running
    server.stop()


def per_worker_opt_outs(folder):
    """Each worker's own opt-out count, read from its file in the counting folder."""
    counts = {}
    for path in Path(folder).glob("counter_*.db"):
        for key, count, _timestamp, _pos in MmapedDict.read_all_values_from_file(str(path)):
            if json.loads(key)[1] == "consent_opt_outs_total":
                counts[path.name] = counts.get(path.name, 0) + count
    return counts


def test_metrics_sum_the_counts_of_both_workers(service):
    text = service.metrics()
    assert value(text, "consent_opt_outs_total", agency="demo") == OPT_OUTS
    assert value(text, "consent_withdrawals_total", agency="demo") == WITHDRAWALS
    assert value(text, "consent_banner_loads_total", agency="demo") == BANNERS
    assert value(text, "consent_banner_bytes_total", agency="demo") > BANNERS * 1000
    requests = "consent_http_request_seconds_count"
    assert value(text, requests, endpoint="api.opt_out", code="200") == OPT_OUTS
    assert value(text, requests, endpoint="banner.banner_js", code="200") == BANNERS
    assert value(text, requests, endpoint="api.withdraw", code="200") == WITHDRAWALS
    assert value(text, requests, endpoint="api.opt_out", code="404") == 1
    assert value(text, requests, endpoint="unmatched", code="404") == 1
    assert value(text, "consent_http_request_seconds_bucket", endpoint="api.opt_out", code="200", le="+Inf") == OPT_OUTS
    # Both workers counted some of them (the operator's stale file was cleared at start, or the sum would fail).
    shares = per_worker_opt_outs(service.folder)
    assert len([share for share in shares.values() if share]) == 2, shares
    assert sum(shares.values()) == OPT_OUTS


def test_an_auditor_may_read_them_and_nobody_else(service):
    assert service.get("/metrics", token="audit")[0] == 200
    status, body = service.get("/metrics")
    assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"
    assert service.get("/metrics", token="qa-person")[0] == 403
    status, body = service.get("/metrics", Authorization="Bearer cst_not-a-real-token")
    assert status == 401


def test_no_visitor_address_token_or_page_is_in_them(service):
    text = service.metrics()
    assert service.issued and not any(token in text for token in service.issued)
    for visitor_data in (VISITOR_ADDRESS, "127.0.0.1", "mass.gov", "jane.doe", "a-private-page", "no-such-agency",
                         "no-such-path"):
        assert visitor_data not in text
    # Only these labels, and the only agency is the one registered.
    assert {key for (_name, labels) in samples(text) for key, _ in labels} <= {"endpoint", "code", "agency", "le"}
    assert {value for (_name, labels) in samples(text) for key, value in labels if key == "agency"} == {"demo"}


def test_the_metrics_bind_address_serves_them_without_a_token(service):
    port = int(service.metrics_bind.rpartition(":")[2])
    status, body = service.get("/metrics", port=port)
    assert status == 200
    assert value(body.decode(), "consent_opt_outs_total", agency="demo") == OPT_OUTS


def test_the_public_openapi_document_does_not_list_it(service):
    status, body = service.get("/openapi.json")
    assert status == 200 and "/metrics" not in json.loads(body)["paths"]


def test_a_killed_worker_s_counts_stay_in_the_sums(service):
    before = service.metrics()
    victim = sorted(service.server.worker_pids())[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (victim in service.server.worker_pids()
                                           or len(service.server.worker_pids()) < 2):
        time.sleep(0.1)
    service.server.wait_ready()
    assert value(service.metrics(), "consent_opt_outs_total", agency="demo") == value(
        before, "consent_opt_outs_total", agency="demo") == OPT_OUTS


def test_the_counts_are_snapshotted_and_charted_on_the_agency_page(service):
    deadline = time.monotonic() + 30
    stored = None
    while time.monotonic() < deadline:
        with sqlite3.connect(service.database) as db:
            stored = db.execute("SELECT banner_loads, opt_outs, withdrawals FROM visitor_counts WHERE agency_id = "
                                "'demo' ORDER BY id DESC LIMIT 1").fetchone()
        if stored == (BANNERS, OPT_OUTS, WITHDRAWALS):
            break
        time.sleep(0.2)
    assert stored == (BANNERS, OPT_OUTS, WITHDRAWALS)
    status, page = service.get("/console/agencies/demo", token="audit", Accept="text/html")
    assert status == 200
    soup = BeautifulSoup(page, "html.parser")
    row = soup.find("table", id="visitor-counts-table").tbody.find("tr")
    cells = [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
    assert cells[1:] == [str(BANNERS), str(OPT_OUTS), str(WITHDRAWALS), f"{OPT_OUTS / BANNERS * 100:.1f} %"]
    bars = soup.select('g.counts-panel[data-field="opt_outs"] rect title')
    assert [bar.get_text() for bar in bars][-1].endswith(f": {OPT_OUTS}")
