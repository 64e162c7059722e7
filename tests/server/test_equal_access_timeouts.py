"""A timed-out equal-access fetch names the limit that ran out: a slow page, or the whole check's time."""

import pytest
from slow_site import SlowSite

from server.equal_access.fetch import SafeFetcher
from server.equal_access.guard import FetchRefused


@pytest.fixture
def site():
    """Pages that take 1.5 s each."""
    server = SlowSite(1.5).start()
    yield server
    server.stop()


def test_a_page_that_was_fast_enough_is_not_blamed_when_the_check_runs_out_of_time(site):
    # The first visit takes 1.5 s of the check's 2 s; the second visit has 0.5 s left and runs out.
    fetcher = SafeFetcher([site.origin], timeout=2.0, total_timeout=2.0)
    assert fetcher.fetch(f"{site.origin}/page").status == 200
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch(f"{site.origin}/page")
    message = refused.value.message
    assert refused.value.code == "fetch_timeout"
    assert "longer than" not in message, message
    assert "overall time limit (2 s" in message, message


def test_a_slow_page_is_reported_with_the_page_limit(site):
    fetcher = SafeFetcher([site.origin], timeout=1.0, total_timeout=25.0)
    with pytest.raises(FetchRefused) as refused:
        fetcher.fetch(f"{site.origin}/page")
    assert refused.value.message == "The page took longer than 1 s to load."
