"""One page from lease to record, the scheduler's tick, and the sweep: plain functions the queue and CLI call."""

import logging
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import timedelta

from monitoring import mail
from monitoring import runs
from monitoring import unchecked
from monitoring import whole_site
from monitoring.check import CheckFailed
from monitoring.metrics import LEASES_RECLAIMED
from monitoring.record import record_page
from server.monitoring.screenshots import remove_expired
from server.db.session import session_for
from server.db.clock import today
from server.db.clock import utcnow
from server.core.schedule import last_slot
from server.core.schedule import schedule_test
from server.notice import DEFAULT_LANG
from server.notice import notice_document
from server.registry import REGISTRY_KEY
from server.waivers.serialise import public_view
from server.waivers.workflow import in_force

log = logging.getLogger("monitoring")
MAIL_RETRY_WINDOW = timedelta(days=1)
# Sitemaps read at once when several agencies are due together: each read waits on the agency's own site.
SITEMAP_READERS = 8


class UnknownAgency(LookupError):
    """An --agency that is not registered, or not monitored."""


def worker_name():
    """host:pid:thread, unique among the workers of one queue (the lease holder's name)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:120]


def monitored(app, ids=()):
    """The monitored agencies (those named, in that order; every one when none is named)."""
    agencies = app.extensions[REGISTRY_KEY].agencies
    if not ids:
        return [agency for _id, agency in sorted(agencies.items()) if agency.monitoring is not None]
    chosen = []
    for agency_id in ids:
        agency = agencies.get(agency_id)
        if agency is None:
            raise UnknownAgency(f"--agency {agency_id!r}: no such agency")
        if agency.monitoring is None:
            raise UnknownAgency(f"--agency {agency_id!r}: its agency file has no [monitoring] table")
        chosen.append(agency)
    return chosen


def start(app, agencies, *, trigger, key_for, browser="local"):
    """A run per agency (created once per key); the page ids of those created now."""
    due = []
    for agency in agencies:
        key = key_for(agency)
        with session_for(app) as db:
            if not runs.run_exists(db, key):
                due.append((agency, key))
    created = []
    # Outside any transaction: reading a sitemap may take seconds, and a SQLite writer must not wait on it. Many
    # agencies due in the same minute have theirs read SITEMAP_READERS at a time, each run started as its turn comes.
    with ThreadPoolExecutor(max_workers=SITEMAP_READERS, thread_name_prefix="sitemap") as readers:
        chosen = readers.map(lambda item: whole_site.pages_for(item[0]), due)
        for (agency, key), (pages, notes) in zip(due, chosen):
            with session_for(app) as db:
                run, new = runs.start_run(db, agency, trigger=trigger, key=key, browser=browser, pages=pages,
                                          notes=notes)
                if new:
                    created.extend(runs.page_ids(db, run.id))
    return created


def check_and_record(app, settings, checker, page_id, *, last_attempt, heartbeat=None):
    """Lease, check, record, finish: 'recorded', 'taken' (someone else has it), or CheckFailed after releasing it."""
    worker = worker_name()
    with session_for(app) as db:
        page = runs.lease(db, page_id, worker, settings.lease_seconds)
        if page is None:
            return "taken"
        with heartbeat.holding(page_id, worker) if heartbeat else nullcontext():
            return _check_leased(app, settings, checker, db, page, worker, last_attempt)


def _check_leased(app, settings, checker, db, page, worker, last_attempt):
    """The check of a page this worker holds (its lease renewed meanwhile by the heartbeat, when there is one)."""
    page_id = page.id
    agency = app.extensions[REGISTRY_KEY].get(page.run.agency_id)
    # A page re-queued after its worker died counts that attempt too: no page is tried forever.
    last_attempt = last_attempt or page.attempts >= settings.attempts
    started = time.monotonic()
    try:
        if agency is None:
            raise CheckFailed(f"agency {page.run.agency_id!r} is no longer registered")
        day = today()
        waivers = [public_view(w) for w in in_force(db, agency.id, day)]
        db.commit()  # end the read before the long check: a SQLite reader must not hold the file meanwhile
        record, findings = checker.check(page.url, notice_document(agency, DEFAULT_LANG), waivers, day)
    except CheckFailed as error:
        runs.release(db, page_id, worker, str(error)[:2000], final=last_attempt)
        finish(app, settings, db, agency, page.run_id)
        error.url = error.url or page.url
        raise
    except Exception as error:
        # A browser that could not start, a dropped driver connection: same treatment, the reason kept.
        runs.release(db, page_id, worker, f"{type(error).__name__}: {error}"[:2000], final=last_attempt)
        finish(app, settings, db, agency, page.run_id)
        raise CheckFailed(f"{type(error).__name__}: {error}", url=page.url) from error
    stored = record_page(db, settings, page, worker, findings, record.screenshots,
                         time.monotonic() - started)
    finish(app, settings, db, agency, page.run_id)
    return "recorded" if stored else "taken"


def finish(app, settings, db, agency, run_id):
    """End the run if this was its last page; flag pages not checked runs in a row; mail what is still unsent."""
    if not runs.finish_if_complete(db, run_id):
        return
    unchecked.flag(db, run_id)
    if agency is not None:
        # This run's regressions, and any earlier mail that failed: the agency's next run is its retry too.
        mail.notify_agency(db, settings, agency, utcnow() - MAIL_RETRY_WINDOW)


def due(app, now):
    """(agency, slot) for each run to start now: its schedule names this minute; it was never checked (a new
    agency starts at once); or its latest slot passed while no worker ran (caught up once, under that slot's key)."""
    minute = now.replace(second=0, microsecond=0)
    chosen = []
    with session_for(app) as db:
        for agency in monitored(app):
            schedule = agency.monitoring.schedule
            last_started = runs.last_run_started(db, agency.id)
            if schedule_test(schedule)(minute) or last_started is None:
                chosen.append((agency, minute))
                continue
            # Only the latest missed slot: a worker down for a week runs a daily agency once, not seven times.
            slot = last_slot(schedule, minute)
            if slot is not None and last_started < slot:
                chosen.append((agency, slot))
    return chosen


def tick(app, settings, enqueue, now=None, *, queue_empty=True, browser="local"):
    """The scheduler's minute: start due runs and queue their pages, queue abandoned pages, retry unsent mail."""
    chosen = due(app, now or utcnow())
    slots = {agency.id: slot for agency, slot in chosen}
    fresh = start(app, [agency for agency, _slot in chosen], trigger="schedule",
                  key_for=lambda agency: runs.schedule_key(agency.id, slots[agency.id]), browser=browser)
    for page_id in fresh:
        enqueue(page_id)
    lost = sweep(app, settings, enqueue, queue_empty=queue_empty)
    with session_for(app) as db:
        since = utcnow() - MAIL_RETRY_WINDOW
        for agency_id in mail.unsent_agencies(db, since):
            agency = app.extensions[REGISTRY_KEY].get(agency_id)
            if agency is not None:
                mail.notify_agency(db, settings, agency, since)
    return fresh, lost


def sweep(app, settings, enqueue, *, queue_empty):
    """Queue again the pages whose worker died (lease ran out); with an empty queue, also pending pages left behind."""
    with session_for(app) as db:
        lost = runs.reclaim(db)
        if queue_empty:
            stale = runs.abandoned(db, include_pending_before=utcnow() - timedelta(seconds=settings.lease_seconds))
            lost = list(dict.fromkeys(lost + stale))
    for page_id in lost:
        enqueue(page_id)
    if lost:
        LEASES_RECLAIMED.inc(len(lost))
        log.info("queued %d abandoned page(s) again", len(lost))
    return lost


def clean(app, settings):
    """Remove screenshots past their retention."""
    with session_for(app) as db:
        return remove_expired(db, settings)
