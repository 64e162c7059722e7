"""The service's counters; labels are endpoint names, status codes and configured agency ids, never visitor data.

Under gunicorn each worker writes its own memory-mapped file (PROMETHEUS_MULTIPROC_DIR, made by the master
before it forks: server/gunicorn_conf.py), so an increment is a write to memory; /metrics sums the files.
"""

from prometheus_client import Counter
from prometheus_client import Histogram
from prometheus_client import disable_created_metrics

from server.metrics.tally import Tally

# A *_created sample per label set would double the text for no use: Prometheus tracks resets itself.
disable_created_metrics()

# Public answers take a few milliseconds; a slow one (a busy machine) still lands in a bucket.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

# Its _count is the requests answered: one series for both (two memory writes an answer, not three).
LATENCY = Histogram("consent_http_request_seconds", "Time to answer, by endpoint name and status code",
                    ("endpoint", "code"), buckets=LATENCY_BUCKETS)
OPT_OUTS = Counter("consent_opt_outs", "Opt-outs recorded (tokens issued), by agency", ("agency",))
WITHDRAWALS = Counter("consent_withdrawals", "Opt-outs withdrawn, by agency", ("agency",))
BANNER_LOADS = Counter("consent_banner_loads", "banner.js requests answered (200 or 304), by agency", ("agency",))
BANNER_BYTES = Counter("consent_banner_bytes", "banner.js body bytes sent (as coded on the wire), by agency",
                       ("agency",))
# What answers count waits here and reaches the values above once a second (server/metrics/tally.py).
TALLY = Tally(LATENCY_BUCKETS)
