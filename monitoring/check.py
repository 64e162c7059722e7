"""The expensive part: consent-qa's own journey on one page, in browsers kept per worker thread.

Browsers are local Chromium or remote WebDriver endpoints (Selenium Grid, `chromedriver --port`); with
several endpoints, threads are spread over them in turn. Only this module imports the QA extension.
"""

import itertools
import threading

from extension.runner import BrowserPool
from extension.runner import check_one
from extension.waivers import apply_waivers


class CheckFailed(RuntimeError):
    """The page could not be checked at all (unreachable, a crashed browser): worth another attempt."""

    def __init__(self, reason, url=None):
        super().__init__(reason)
        self.url = url

    def reason(self):
        """The first line of the reason (a driver's message goes on with its stack trace)."""
        text = str(self).strip()
        return text.splitlines()[0] if text else type(self).__name__


class Checker:
    """Browsers for this process's threads, started on first use and reused page after page."""

    def __init__(self, remote_urls=(), *, gpc=True, extra_args=()):
        self.endpoints = tuple(remote_urls) or (None,)
        self._pools = [BrowserPool(gpc=gpc, remote_url=url, extra_args=tuple(extra_args)) for url in self.endpoints]
        self._turn = itertools.count()
        self._local = threading.local()

    def _pool(self):
        if getattr(self._local, "pool", None) is None:
            self._local.pool = self._pools[next(self._turn) % len(self._pools)]
        return self._local.pool

    def describe(self):
        """Where the browsers run, for the run's record."""
        return ", ".join(url or "local" for url in self.endpoints)[:300]

    def check(self, url, notice, waivers, day):
        """(page record, findings with waivers applied) of one page; CheckFailed when it could not be checked."""
        page, findings = check_one(self._pool(), url, notice)
        if page.error:
            raise CheckFailed(page.error)
        return page, apply_waivers(findings, {url: notice}, {url: waivers}, day)

    def rest(self):
        """Quit this thread's browsers (the queue is empty: an idle Chromium holds hundreds of MiB)."""
        self._pool().discard()

    def close(self):
        """Quit every browser of every thread."""
        for pool in self._pools:
            pool.close()
