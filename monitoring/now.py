"""`monitor run`: the agencies' runs checked in this process, pages in parallel, retried like the queue does."""

import threading
from concurrent.futures import ThreadPoolExecutor

from monitoring import engine
from monitoring import runs
from monitoring.check import CheckFailed
from monitoring.heartbeat import Heartbeat
from server.db.session import session_for
from server.monitoring.models import MonitoringRun


def check_with_retries(app, settings, checker, page_id, heartbeat=None):
    """One page, tried up to CONSENT_MONITOR_ATTEMPTS times; False when it could not be checked."""
    for attempt in range(1, settings.attempts + 1):
        try:
            engine.check_and_record(app, settings, checker, page_id, last_attempt=attempt == settings.attempts,
                                    heartbeat=heartbeat)
            return True
        except CheckFailed:
            continue
    return False


def run_now(app, settings, checker, agencies, *, workers, progress):
    """Start a manual run per agency, check every page, and summarise: {"lines", "failures", "errors"}."""
    keys = {agency.id: runs.manual_key() for agency in agencies}
    page_ids = engine.start(app, agencies, trigger="manual", key_for=lambda a: keys[a.id], browser=checker.describe())
    lock = threading.Lock()
    heartbeat = Heartbeat(app, settings)  # leases renewed while pages are checked, as a queue worker's are
    with progress(len(page_ids)) as bar:
        def one(page_id):
            ok = check_with_retries(app, settings, checker, page_id, heartbeat)
            with lock:
                bar.update(1)
            return ok

        try:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(one, page_ids))
        finally:
            heartbeat.stop()
    return summary(app, settings, keys)


def summary(app, settings, keys):
    """One line per run (its verdicts and link), the failures and pages not checked."""
    lines, failures, errors = [], 0, 0
    with session_for(app) as db:
        for agency_id, key in keys.items():
            run = db.query(MonitoringRun).filter_by(key=key).one()
            verdicts = run.verdicts or {}
            failing = sorted(clause for clause, verdict in verdicts.items() if verdict == "fail")
            failures += len(failing)
            errors += run.pages_failed
            link = f"{settings.public_url}/console/runs/{run.id}" if settings.public_url else f"run {run.id}"
            lines.append(f"{agency_id}: {run.pages_total} page(s), {run.pages_failed} not checked; "
                         f"failing: {', '.join(failing) or 'none'}; {link}")
            for page in run.pages:
                if page.state == "failed":
                    lines.append(f"  not checked: {page.url}: {page.error}")
    return {"lines": lines, "failures": failures, "errors": errors}
