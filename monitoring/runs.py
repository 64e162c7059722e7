"""Runs and their pages as units of work: created once per key, leased atomically, finished once.

Huey hands a task to one worker without an acknowledgement, so a task whose worker dies is gone. The
database is the ledger instead: a page is leased by one UPDATE (pending, or leased with its lease run
out), recorded only by the worker that holds the lease, and a sweep re-queues pages whose lease ran out.
"""

import uuid
from datetime import timedelta

from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from monitoring.metrics import CHECK_FAILURES
from monitoring.metrics import PAGES_NOT_CHECKED
from server.db.clock import utcnow
from server.monitoring.models import Finding
from server.monitoring.models import MonitoredPage
from server.monitoring.models import MonitoringRun

# The worst verdict a clause had on any page of the run is the run's verdict for it.
# "unknown" (the notice could be neither seen nor operated) outranks a pass: it proves nothing, yet fails nothing.
SEVERITY = {"pass": 0, "waived": 1, "unknown": 2, "fail": 3}


def manual_key():
    """The key of a run asked for now: never the same twice."""
    return f"manual:{uuid.uuid4()}"


def schedule_key(agency_id, minute):
    """The key of a scheduled run: every worker's scheduler computes the same, so the run is created once."""
    return f"schedule:{agency_id}:{minute:%Y-%m-%dT%H:%M}"


def run_exists(db, key):
    """Whether a run was already started under `key` (then nobody fetches its sitemap again)."""
    return db.scalar(select(MonitoringRun.id).where(MonitoringRun.key == key)) is not None


def start_run(db, agency, *, trigger, key, browser="local", pages=None, notes=()):
    """The run under `key` with one pending page per URL (the agency file's, unless given): (run, created now?)."""
    existing = db.scalar(select(MonitoringRun).where(MonitoringRun.key == key))
    if existing is not None:
        return existing, False
    pages = list(agency.monitoring.pages if pages is None else pages)
    run = MonitoringRun(key=key, agency_id=agency.id, trigger=trigger, pages_total=len(pages), browser=browser,
                        pages=[MonitoredPage(url=url) for url in pages], notes=list(notes) or None)
    db.add(run)
    try:
        db.commit()
    except IntegrityError:
        # Another scheduler created it between our look and our insert.
        db.rollback()
        return db.scalar(select(MonitoringRun).where(MonitoringRun.key == key)), False
    return run, True


def page_ids(db, run_id):
    """The ids of a run's pages, in the agency file's order."""
    return list(db.scalars(select(MonitoredPage.id).where(MonitoredPage.run_id == run_id).order_by(MonitoredPage.id)))


def lease(db, page_id, worker, seconds):
    """Take a page for `seconds` if it is free (pending, or its lease ran out); None when someone else has it."""
    now = utcnow()
    taken = db.execute(
        update(MonitoredPage)
        .where(MonitoredPage.id == page_id,
               or_(MonitoredPage.state == "pending",
                   and_(MonitoredPage.state == "leased", MonitoredPage.lease_until < now)))
        .values(state="leased", leased_by=worker, lease_until=now + timedelta(seconds=seconds),
                attempts=MonitoredPage.attempts + 1)
        .execution_options(synchronize_session=False))
    db.commit()
    return db.get(MonitoredPage, page_id, populate_existing=True) if taken.rowcount == 1 else None


def renew(db, page_id, worker, seconds):
    """Extend a lease its holder still has (the heartbeat while a check runs); False when it was lost meanwhile."""
    done = db.execute(update(MonitoredPage).where(holds(page_id, worker))
                      .values(lease_until=utcnow() + timedelta(seconds=seconds))
                      .execution_options(synchronize_session=False))
    db.commit()
    return done.rowcount == 1


def reclaim(db, now=None):
    """Leases that ran out (their worker stopped beating) back to pending: the ids this caller reclaimed.

    One UPDATE per page, conditional on the lease still being run out: of several sweepers only one
    reclaims (and queues) a page, and a page is reclaimed once, not at every sweep until someone takes it.
    """
    now = now or utcnow()
    expired = list(db.scalars(select(MonitoredPage.id).join(MonitoringRun).where(
        MonitoringRun.state == "running", MonitoredPage.state == "leased", MonitoredPage.lease_until < now)
        .order_by(MonitoredPage.id)))
    reclaimed = []
    for page_id in expired:
        done = db.execute(update(MonitoredPage)
                          .where(MonitoredPage.id == page_id, MonitoredPage.state == "leased",
                                 MonitoredPage.lease_until < now)
                          .values(state="pending", lease_until=None)
                          .execution_options(synchronize_session=False))
        if done.rowcount == 1:
            reclaimed.append(page_id)
    db.commit()
    return reclaimed


def holds(page_id, worker):
    """The WHERE clause of an update allowed only to the lease holder."""
    return and_(MonitoredPage.id == page_id, MonitoredPage.state == "leased", MonitoredPage.leased_by == worker)


def release(db, page_id, worker, error, *, final):
    """A failed check: back to pending for another attempt, or `failed` with its reason after the last one."""
    values = {"state": "failed", "error": error, "checked_at": utcnow()} if final else {
        "state": "pending", "lease_until": None, "error": error}
    done = db.execute(update(MonitoredPage).where(holds(page_id, worker)).values(**values)
                      .execution_options(synchronize_session=False))
    db.commit()
    if done.rowcount == 1:
        CHECK_FAILURES.inc()
        if final:
            PAGES_NOT_CHECKED.inc()
    return done.rowcount == 1


def abandoned(db, now=None, *, include_pending_before=None):
    """Pages to queue again: leases that ran out (their worker died), and optionally pending pages older than a time."""
    now = now or utcnow()
    lost = and_(MonitoredPage.state == "leased", MonitoredPage.lease_until < now)
    if include_pending_before is not None:
        stale = and_(MonitoredPage.state == "pending", MonitoringRun.started_at < include_pending_before)
        lost = or_(lost, stale)
    return list(db.scalars(select(MonitoredPage.id).join(MonitoringRun).where(MonitoringRun.state == "running", lost)
                           .order_by(MonitoredPage.id)))


def run_verdicts(db, run_id):
    """The worst verdict of each clause over the run's pages."""
    worst = {}
    for clause, verdict in db.execute(select(Finding.clause, Finding.verdict).where(Finding.run_id == run_id)):
        if SEVERITY[verdict] >= SEVERITY.get(worst.get(clause), -1):
            worst[clause] = verdict
    return worst


def finish_if_complete(db, run_id):
    """End the run when no page is left to check; True only for the one caller that ended it."""
    open_pages = db.scalar(select(func.count()).select_from(MonitoredPage).where(
        MonitoredPage.run_id == run_id, MonitoredPage.state.in_(("pending", "leased"))))
    if open_pages:
        return False
    failed = db.scalar(select(func.count()).select_from(MonitoredPage).where(
        MonitoredPage.run_id == run_id, MonitoredPage.state == "failed"))
    ended = db.execute(update(MonitoringRun).where(MonitoringRun.id == run_id, MonitoringRun.state == "running")
                       .values(state="done", finished_at=utcnow(), pages_failed=failed,
                               verdicts=run_verdicts(db, run_id))
                       .execution_options(synchronize_session=False))
    db.commit()
    return ended.rowcount == 1


def last_run_started(db, agency_id):
    """When the agency's newest run started (None: never monitored)."""
    return db.scalar(select(func.max(MonitoringRun.started_at)).where(MonitoringRun.agency_id == agency_id))
