"""Check many pages on a few browsers in parallel: one browser (two with GPC) per worker, reused per page."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import urllib3
from selenium.common.exceptions import WebDriverException

from extension.browser import SetupError
from extension.browser import launch_chrome
from extension.channel import ChannelError
from extension.discover.judge import judge
from extension.driver import PageError
from extension.driver import check_page
from extension.navigation import LeftAllowedPlaces
from extension.navigation import allowed_for
from extension.navigation import where_it_went
from extension.page_record import PageRecord


class BrowserPool:
    """Lazily started browsers, one set per worker thread, all quit at the end."""

    def __init__(self, *, gpc: bool, remote_url: str | None, extra_args: tuple):
        self.gpc = gpc
        self.remote_url = remote_url
        self.extra_args = extra_args
        self._local = threading.local()
        self._all = []
        self._lock = threading.Lock()

    def _start(self, gpc: bool):
        """Start one browser and wait for its extension, remembering it for close()."""
        browser = launch_chrome(gpc=gpc, remote_url=self.remote_url, extra_args=self.extra_args)
        with self._lock:
            self._all.append(browser)
        browser.wait_ready()
        return browser

    def browsers(self) -> tuple:
        """This thread's (browser, GPC browser or None)."""
        if getattr(self._local, "browser", None) is None:
            self._local.browser = self._start(False)
            self._local.gpc = self._start(True) if self.gpc else None
        return self._local.browser, self._local.gpc

    def current(self) -> tuple:
        """This thread's browsers already started (none is started here)."""
        found = (getattr(self._local, "browser", None), getattr(self._local, "gpc", None))
        return tuple(browser for browser in found if browser is not None)

    def discard(self) -> None:
        """Forget this thread's browsers after a failure, so the next page starts clean ones."""
        for browser in (getattr(self._local, "browser", None), getattr(self._local, "gpc", None)):
            if browser is not None:
                browser.quit()
        self._local.browser = None
        self._local.gpc = None

    def close(self) -> None:
        """Quit every browser this pool started."""
        with self._lock:
            for browser in self._all:
                browser.quit()
            self._all.clear()


def check_one(pool: BrowserPool, url: str, notice_data: dict) -> tuple:
    """One page's record and findings; the record of a page that cannot be checked carries an error instead."""
    started = time.monotonic()
    try:
        browser, gpc_browser = pool.browsers()
        page = check_page(browser, url, notice_data, gpc_browser)
    except SetupError:
        raise
    except (PageError, LeftAllowedPlaces, ChannelError, WebDriverException, urllib3.exceptions.HTTPError,
            OSError) as e:
        # A hung or crashed browser is replaced; the page is reported as not checked.
        message = getattr(e, "msg", None) or str(e)
        if isinstance(e, (PageError, ChannelError)):
            # A step broke because the page had left meanwhile: the failure names where it went.
            allowed = allowed_for(url, notice_data)
            message = next(filter(None, (where_it_went(b.driver, allowed) for b in pool.current())), message)
        pool.discard()
        return PageRecord(url=url, error=message.splitlines()[0] if message else type(e).__name__), []
    return PageRecord.of_journey(page, round(time.monotonic() - started, 2)), judge(page, notice_data)


def run_checks(urls: list, notices: dict, *, workers: int, gpc: bool, remote_url: str | None,
               extra_args: tuple = (), progress=None) -> tuple:
    """All pages, in the order given: (pages, findings). notices maps each URL to its agency notice."""
    pool = BrowserPool(gpc=gpc, remote_url=remote_url, extra_args=extra_args)
    results = [None] * len(urls)
    done = 0
    lock = threading.Lock()

    def task(index):
        nonlocal done
        results[index] = check_one(pool, urls[index], notices[urls[index]])
        with lock:
            done += 1
            if progress:
                progress(done, len(urls))

    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as executor:
            list(executor.map(task, range(len(urls))))
    finally:
        pool.close()
    pages = [page for page, _ in results]
    findings = [f for _, page_findings in results for f in page_findings]
    return pages, findings
