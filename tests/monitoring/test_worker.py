"""`consent-service monitor worker` on the default queue (a SQLite file beside the database), as `make run` uses it.

A real worker process: its first tick finds the never-checked agency due, queues its pages, checks them in
Chromium and ends the run; SIGTERM stops it cleanly, its browsers with it.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mx_site
import pytest
from sqlalchemy import select

from extension.chromium import child_pids
from server.db.session import session_for
from server.monitoring.models import MonitoringRun

pytestmark = pytest.mark.browser
CONSENT_SERVICE = str(Path(sys.executable).with_name("consent-service"))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_the_worker_checks_a_new_agency_at_once_and_stops_cleanly(mx_site_sqlite, tmp_path):
    mx_site.STATE["long_cookie"] = False
    env = {**os.environ, **mx_site_sqlite.environment(CONSENT_MONITOR_GPC="0",
                                                      CONSENT_SCREENSHOT_DIR=str(tmp_path / "shots"))}
    env.pop("CONSENT_QUEUE_URL", None)
    log = open(tmp_path / "worker.log", "wb")
    worker = subprocess.Popen([CONSENT_SERVICE, "monitor", "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
    family = []
    try:
        deadline = time.monotonic() + 240
        run = None
        while time.monotonic() < deadline and worker.poll() is None:
            family = sorted(set(family) | set(child_pids(worker.pid)))
            with session_for(mx_site_sqlite.app) as db:
                run = db.scalar(select(MonitoringRun).where(MonitoringRun.trigger == "schedule"))
            if run is not None and run.state == "done":
                break
            time.sleep(0.5)
        output = (tmp_path / "worker.log").read_text()
        assert run is not None and run.state == "done", output[-3000:]
        assert run.key.startswith("schedule:mx:") and run.pages_total == 2 and run.pages_failed == 0
        assert set(run.verdicts.values()) == {"pass"}
        database_folder = Path(mx_site_sqlite.database_url.removeprefix("sqlite:///")).parent
        assert (database_folder / "queue.sqlite3").is_file()
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=60)
        log.close()
    assert code == 0, (tmp_path / "worker.log").read_text()[-3000:]
    time.sleep(1)
    survivors = [pid for pid in family if _alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors == []
