"""The counters as Prometheus text: summed over gunicorn's workers when they count in a shared folder."""

import os

from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client import REGISTRY
from prometheus_client import CollectorRegistry
from prometheus_client import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from server.core import settings
from server.metrics.counters import TALLY

CONTENT_TYPE = CONTENT_TYPE_LATEST
# The per-agency counter families a visitor-count snapshot keeps (server/dashboard/visitor_counts.py).
AGENCY_FAMILIES = {"consent_banner_loads": "banner_loads", "consent_opt_outs": "opt_outs",
                   "consent_withdrawals": "withdrawals"}


def collecting_registry(environ=None):
    """Every worker's files when counting under gunicorn (PROMETHEUS_MULTIPROC_DIR), else this process's counters."""
    folder = settings.multiprocess_dir(os.environ if environ is None else environ)
    if folder is None:
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(folder))
    return registry


def latest(registry=None):
    """The text a Prometheus scrape reads (this process's pending counts handed over first)."""
    TALLY.flush()
    return generate_latest(registry or collecting_registry())


def agency_totals(registry=None):
    """{agency: {"banner_loads": n, "opt_outs": n, "withdrawals": n}}: the cumulative counts since start."""
    TALLY.flush()
    totals = {}
    for family in (registry or collecting_registry()).collect():
        field = AGENCY_FAMILIES.get(family.name)
        if field is None:
            continue
        for sample in family.samples:
            if sample.name.endswith("_total"):
                counts = totals.setdefault(sample.labels["agency"], dict.fromkeys(AGENCY_FAMILIES.values(), 0))
                counts[field] += int(sample.value)
    return totals
