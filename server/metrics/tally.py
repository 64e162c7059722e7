"""Answers counted in plain numbers in this process, added to prometheus_client's values once a second.

Under gunicorn every increment of a prometheus_client value is a locked write to the worker's memory-mapped file
(after a pid check): four of them per banner.js answer cost about 7 µs, a measurable share of an answer that takes
a few tens (bench/RESULTS.md, issue 23). Here an answer adds to a dict; a daemon thread of each process hands the
sums over once a second, one write per series. So a count reaches /metrics within FLUSH_SECONDS, and a worker
killed outright loses at most that last second's counts (one that exits normally hands them over first).
"""

import atexit
import os
import threading
import time
from bisect import bisect_left

FLUSH_SECONDS = 1.0


class Tally:
    """Pending increments of counter children and observations of histogram children, flushed together."""

    def __init__(self, buckets):
        self._bounds = (*buckets, float("inf"))  # prometheus_client's upper bounds, +Inf last
        self._lock = threading.Lock()
        self._counts = {}
        self._observed = {}
        self._flushing = False
        # A forked worker starts its own thread; what its parent had pending is the parent's to hand over.
        os.register_at_fork(after_in_child=self._forget_parent)

    def add(self, child, amount=1):
        """Count `amount` on a counter child."""
        with self._lock:
            self._counts[child] = self._counts.get(child, 0) + amount
        if not self._flushing:
            self._start_flusher()

    def observe(self, child, seconds):
        """One observation of a histogram child (built with the buckets this tally was given)."""
        with self._lock:
            pending = self._observed.get(child)
            if pending is None:
                pending = self._observed[child] = [0] * (len(self._bounds) + 1)  # a count per bucket, then the sum
            pending[bisect_left(self._bounds, seconds)] += 1
            pending[-1] += seconds
        if not self._flushing:
            self._start_flusher()

    def flush(self):
        """Hand what is pending to prometheus_client (its values: this process's file under gunicorn)."""
        with self._lock:
            counts, self._counts = self._counts, {}
            observed, self._observed = self._observed, {}
        for child, amount in counts.items():
            child.inc(amount)
        for child, pending in observed.items():
            # What Histogram.observe does per observation, once per bucket: prometheus_client 0.26's children
            # keep a value per bucket (_buckets, not cumulative) and the sum (_sum); setup.cfg pins that version.
            for index, count in enumerate(pending[:-1]):
                if count:
                    child._buckets[index].inc(count)
            child._sum.inc(pending[-1])

    def _start_flusher(self):
        """Once per process: the once-a-second thread, and a flush at exit."""
        with self._lock:
            if self._flushing:
                return
            self._flushing = True
        threading.Thread(target=self._flush_every_second, name="metrics-flush", daemon=True).start()
        atexit.register(self.flush)

    def _flush_every_second(self):
        while True:
            time.sleep(FLUSH_SECONDS)
            self.flush()

    def _forget_parent(self):
        self._lock = threading.Lock()
        self._counts, self._observed, self._flushing = {}, {}, False
