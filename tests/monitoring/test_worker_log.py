"""A page that cannot be checked is one line in the worker's log per attempt, naming the page and the reason: no
tracebacks scrolling the demo's printed password away (a site that is down, as a fresh `make run` once met)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from server.db.session import session_for
from server.monitoring.models import MonitoringRun

pytestmark = pytest.mark.browser
CONSENT_SERVICE = str(Path(sys.executable).with_name("consent-service"))


def closed_port():
    """A loopback port nothing listens on (the agency's second site, down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def site_down(mx_site_sqlite):
    """The mx agency (this module's own site and database) with one monitored page on an origin of its that is down.

    Only the worker reads the rewritten file: the in-process site keeps serving the banner as before.
    """
    site = mx_site_sqlite
    down = f"http://127.0.0.1:{closed_port()}"
    agency_file = site.agencies_dir / "mx.toml"
    text = agency_file.read_text()
    text = text.replace(f'origins = ["{site.url}"]', f'origins = ["{site.url}", "{down}"]')
    text = text.replace('pages = ["/mx/1/", "/mx/2/"]', f'pages = ["{down}/services"]')
    assert down in text and "/mx/1/" not in text.split("[monitoring]")[1]
    agency_file.write_text(text)
    return site, f"{down}/services"


def test_each_failed_attempt_is_one_line_naming_the_page_and_the_reason(site_down, tmp_path):
    site, page_url = site_down
    env = {**os.environ, **site.environment(CONSENT_MONITOR_GPC="0", CONSENT_MONITOR_ATTEMPTS="2",
                                            CONSENT_SCREENSHOT_DIR=str(tmp_path / "shots"))}
    env.pop("CONSENT_QUEUE_URL", None)
    log_path = tmp_path / "worker.log"
    with open(log_path, "wb") as log:
        worker = subprocess.Popen([CONSENT_SERVICE, "monitor", "worker"], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240
        run = None
        while time.monotonic() < deadline and worker.poll() is None:
            with session_for(site.app) as db:
                run = db.scalar(select(MonitoringRun))
            if run is not None and run.state == "done":
                break
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    output = log_path.read_text(errors="replace")
    assert run is not None and run.state == "done" and run.pages_failed == 1, output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    failures = [line for line in output.splitlines() if "not checked" in line]
    assert len(failures) == 2, output[-3000:]
    page_shown = page_url.replace("127.0.0.1", "[address]")  # the worker's log masks addresses
    assert all(f"page {page_shown} not checked: " in line for line in failures), failures
    assert failures[0].endswith("; retrying") and not failures[1].endswith("; retrying"), failures
    assert "raised CancelExecution" not in output and "Requeueing" not in output
