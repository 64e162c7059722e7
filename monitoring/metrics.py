"""The monitoring worker's counters for Prometheus, and its own listener (CONSENT_MONITOR_METRICS_BIND).

Counted where each thing happens: a page recorded (record.py), an attempt released as failed or given up
(runs.py), leases reclaimed by the sweep (engine.py), mails sent or not (mail.py). The queue's depth is asked
of Huey at each scrape. Labels are kinds and outcomes only: never an agency's page URL or a mail address.
"""

from prometheus_client import REGISTRY
from prometheus_client import Counter
from prometheus_client import Histogram
from prometheus_client import disable_created_metrics
from prometheus_client.core import GaugeMetricFamily

from server.metrics.listener import serve

disable_created_metrics()
# A check drives a browser through a page and its opt-out: seconds to a minute.
CHECK_BUCKETS = (1, 2.5, 5, 10, 20, 30, 45, 60, 90, 120, 300)

PAGES_CHECKED = Counter("consent_monitor_pages_checked", "Pages checked and recorded")
CHECK_FAILURES = Counter("consent_monitor_check_failures", "Check attempts that failed (the page is retried)")
PAGES_NOT_CHECKED = Counter("consent_monitor_pages_not_checked", "Pages given up after their last attempt")
CHECK_SECONDS = Histogram("consent_monitor_check_seconds", "Time to check one page, recorded pages only",
                          buckets=CHECK_BUCKETS)
LEASES_RECLAIMED = Counter("consent_monitor_leases_reclaimed", "Pages queued again because their worker was gone")
MAILS = Counter("consent_monitor_mails", "E-mails to agency contacts, by kind and outcome", ("kind", "outcome"))


class QueueDepth:
    """A collector: the tasks waiting in the queue, read from Huey when Prometheus scrapes (none before a worker
    names its queue)."""

    def __init__(self):
        self.huey = None

    def collect(self):
        if self.huey is not None:
            yield GaugeMetricFamily("consent_monitor_queue_depth", "Checks waiting in the queue",
                                    value=self.huey.pending_count())


QUEUE_DEPTH = QueueDepth()
REGISTRY.register(QUEUE_DEPTH)


def serve_worker_metrics(bind, huey):
    """This worker's counters and the queue's depth on bind (host:port) with no token; the server, to shut down."""
    QUEUE_DEPTH.huey = huey
    return serve(bind, REGISTRY)
