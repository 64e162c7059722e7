"""The Huey queue (CONSENT_QUEUE_URL: a SQLite file on one machine, Redis for many) and its thin tasks.

Tasks carry page ids only; everything they do is in engine.py. Huey pops a task without an acknowledgement,
so a worker killed mid-check loses it: its heartbeat stops, the page's lease runs out (three heartbeats) and
the sweep (each heartbeat of any live worker, every minute, and whenever a worker finds the queue empty)
queues it again; recording is allowed once per page.
"""

import logging
from urllib.parse import urlsplit

from huey import RedisHuey
from huey import SqliteHuey
from huey import crontab
from huey.exceptions import CancelExecution

from monitoring import engine
from monitoring.check import CheckFailed
from monitoring.heartbeat import Heartbeat

log = logging.getLogger("monitoring")
QUEUE_NAME = "consent-monitoring"
RETRY_DELAY = 10
CLEAN_AT = crontab(minute="17", hour="7")


class QuietRetries(logging.Filter):
    """Drops Huey's own lines about a cancelled or requeued check: the worker's one line already says it."""

    HUEY_LINES = ("Task %s raised CancelExecution", "Requeueing %s")

    def filter(self, record):
        return not str(record.msg).startswith(self.HUEY_LINES)


QUIET_RETRIES = QuietRetries()


def make_huey(url):
    """A Huey instance for the URL (checked in settings.py)."""
    if urlsplit(url).scheme == "sqlite":
        return SqliteHuey(QUEUE_NAME, filename=url.removeprefix("sqlite:///"), utc=True, results=False)
    return RedisHuey(QUEUE_NAME, url=url, utc=True, results=False)


class MonitoringQueue:
    """The queue and its three tasks: check one page, the minute's tick, the daily clean-up."""

    def __init__(self, app, settings, checker=None):
        self.app = app
        self.settings = settings
        self.checker = checker
        self.huey = make_huey(settings.queue_url)
        # Each beat renews this worker's leases and queues pages whose worker stopped beating.
        self.heartbeat = Heartbeat(app, settings, sweep=lambda: engine.sweep(app, settings, self.enqueue,
                                                                             queue_empty=False))
        if QUIET_RETRIES not in logging.getLogger("huey").filters:
            logging.getLogger("huey").addFilter(QUIET_RETRIES)
        task = self.huey.task(retries=max(0, settings.attempts - 1), retry_delay=RETRY_DELAY, context=True,
                              name="monitoring.check_page")
        self.check_page = task(self._check_page)
        self.tick = self.huey.periodic_task(crontab(), name="monitoring.tick")(self._tick)
        self.clean = self.huey.periodic_task(CLEAN_AT, name="monitoring.clean")(self._clean)

    def enqueue(self, page_id):
        """Queue one page's check."""
        self.check_page(page_id)

    def queue_empty(self):
        """Whether no task waits (then pending pages of running runs were lost, not queued)."""
        return self.huey.pending_count() == 0

    def _check_page(self, page_id, task=None):
        try:
            outcome = engine.check_and_record(self.app, self.settings, self.checker, page_id,
                                              last_attempt=task is None or task.retries == 0,
                                              heartbeat=self.heartbeat)
        except CheckFailed as error:
            retrying = task is not None and task.retries > 0
            log.warning("page %s not checked: %s%s", error.url or page_id, error.reason()[:300],
                        "; retrying" if retrying else "")
            # That line is the whole story: Huey retries (or gives up) without a traceback of its own.
            raise CancelExecution(retry=retrying) from None
        if self.queue_empty():
            engine.sweep(self.app, self.settings, self.enqueue, queue_empty=True)
            if self.queue_empty():
                self.checker.rest()
        return outcome

    def _tick(self):
        return engine.tick(self.app, self.settings, self.enqueue, queue_empty=self.queue_empty(),
                           browser=self.checker.describe() if self.checker else "local")

    def _clean(self):
        return engine.clean(self.app, self.settings)
