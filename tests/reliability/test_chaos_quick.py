"""A short bench/chaos.py run in the suite: a terminated worker and a reload lose nothing, a killed one little."""

import pytest
from load_faults import run_scenario

# A chaos run, timing-bound (a respawned worker's ready time): `make test-long` runs it alone, after its parallel
# part.
pytestmark = [pytest.mark.long, pytest.mark.quiet]
CONNECTIONS = 32
# Sync workers answer one request at a time: a SIGKILL can lose at most that one.
IN_FLIGHT_PER_WORKER = 1


@pytest.fixture
def log_dir(tmp_path):
    """Where gunicorn writes its log for this run."""
    return tmp_path


def test_sigterm_and_reload_under_load_lose_no_request(log_dir):
    """Six seconds of load, a worker terminated at 2 s and the master reloaded (HUP) at 4 s: every request answered."""
    result = run_scenario("sigterm+hup", seconds=6, interval=2, connections=CONNECTIONS, workers=2,
                                log_dir=log_dir)
    print(f"\nchaos sigterm+hup: {result}")
    assert result["faults"] == 2
    assert result["requests"] > 100
    assert result["failed"] == 0, result
    assert result["ready_max_s"] <= 5, result
    assert result["tracebacks"] == 0


def test_a_killed_worker_loses_at_most_its_request_in_flight(log_dir):
    """SIGKILL at 3 s: at most the killed worker's one request fails, and a new worker serves within 5 s."""
    result = run_scenario("sigkill", seconds=6, interval=3, connections=CONNECTIONS, workers=2,
                                log_dir=log_dir)
    print(f"\nchaos sigkill: {result}")
    assert result["faults"] == 1
    assert result["requests"] > 100
    assert result["wrong"] == 0 and not result["non2xx"], result
    assert result["failed"] <= result["faults"] * IN_FLIGHT_PER_WORKER, result
    assert result["ready_max_s"] <= 5, result
