"""A worker process's pulse: its leases renewed while their checks run, and other workers' run-out leases reclaimed.

A lease lasts CONSENT_MONITOR_LEASE_SECONDS (three heartbeats): while this process lives it renews every lease
it holds each heartbeat, so a slow page is never taken from a live worker; when it dies its leases run out
within that time and the next heartbeat of any live worker (or the minute's tick) queues the pages again.
"""

import logging
import threading
from contextlib import contextmanager

from monitoring import runs
from server.db.session import session_for

log = logging.getLogger("monitoring")
HEARTBEATS_PER_LEASE = 3


def interval(settings):
    """Seconds between two beats: a lease outlives two missed beats, not a third."""
    return settings.lease_seconds / HEARTBEATS_PER_LEASE


class Heartbeat:
    """One thread per process; `holding` registers a lease for as long as its check runs."""

    def __init__(self, app, settings, sweep=None):
        self.app = app
        self.settings = settings
        self.sweep = sweep  # called each beat to queue reclaimed pages (the queue worker); None: renew only
        self._held = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = None

    def start(self):
        """Start beating (once; later calls do nothing)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="monitoring-heartbeat", daemon=True)
                self._thread.start()
        return self

    def stop(self):
        """Stop beating: leases still held run out and are reclaimed by others."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=interval(self.settings) + 5)

    @contextmanager
    def holding(self, page_id, worker):
        """Renew page_id's lease (held by worker) each beat until the block ends."""
        self.start()
        with self._lock:
            self._held[page_id] = worker
        try:
            yield
        finally:
            with self._lock:
                self._held.pop(page_id, None)

    def beat(self):
        """One pulse: renew this process's leases, then reclaim run-out ones; how many leases were renewed."""
        with self._lock:
            held = dict(self._held)
        renewed = 0
        with session_for(self.app) as db:
            for page_id, worker in held.items():
                # False once the check has recorded (or another worker reclaimed it): nothing to renew then.
                renewed += runs.renew(db, page_id, worker, self.settings.lease_seconds)
        if self.sweep is not None:
            self.sweep()
        return renewed

    def _run(self):
        while not self._stopping.wait(interval(self.settings)):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - a database blip must not stop the pulse: the next beat tries again
                log.exception("heartbeat failed; trying again in %.0f s", interval(self.settings))
