"""Counting in plain numbers, handed to prometheus_client once a second: the same text as counting each answer."""

import time

from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Histogram
from prometheus_client import generate_latest

from server.metrics.counters import LATENCY_BUCKETS
from server.metrics.tally import FLUSH_SECONDS
from server.metrics.tally import Tally

TIMES = (0.0004, 0.001, 0.003, 0.02, 0.02, 0.7, 4.0, 0.1)


def families(name):
    """A registry with a latency histogram and a counter named `name`_*."""
    registry = CollectorRegistry()
    latency = Histogram(f"{name}_seconds", "t", ("endpoint",), buckets=LATENCY_BUCKETS, registry=registry)
    count = Counter(f"{name}_loads", "n", ("agency",), registry=registry)
    return registry, latency, count


def samples(registry, name):
    """The exposition's sample lines, the family name taken out (so two families compare), *_created left out."""
    return sorted(line.replace(name, "x") for line in generate_latest(registry).decode().splitlines()
                  if line and not line.startswith("#") and "_created" not in line)


def test_a_flush_gives_the_text_counting_each_answer_gives():
    direct_registry, direct_latency, direct_count = families("direct")
    tallied_registry, tallied_latency, tallied_count = families("tallied")
    tally = Tally(LATENCY_BUCKETS)
    for seconds in TIMES:
        direct_latency.labels("banner").observe(seconds)
        tally.observe(tallied_latency.labels("banner"), seconds)
        direct_count.labels("demo").inc(2)
        tally.add(tallied_count.labels("demo"), 2)
    tally.flush()
    assert samples(tallied_registry, "tallied") == samples(direct_registry, "direct")
    assert 'x_seconds_count{endpoint="banner"} 8.0' in samples(tallied_registry, "tallied")


def test_counts_reach_the_values_within_a_second_without_a_scrape():
    _registry, latency, count = families("waiting")
    tally = Tally(LATENCY_BUCKETS)
    tally.add(count.labels("demo"), 5)
    tally.observe(latency.labels("banner"), 0.002)
    deadline = time.monotonic() + FLUSH_SECONDS * 5
    while time.monotonic() < deadline and count.labels("demo")._value.get() == 0:
        time.sleep(0.05)
    assert count.labels("demo")._value.get() == 5
    assert latency.labels("banner")._sum.get() == 0.002
