"""A run's pages: the agency file's, then up to max_pages chosen from its sitemap, fetched within its origins only.

The fetch goes through the equal-access checker's pinned fetcher (server/equal_access/fetch.py): the agency's
origins only, addresses vetted before connecting (no private address unless an origin is on one), redirects
re-vetted, every request and the whole read under a timeout. A sitemap that cannot be used is a note on the
run, never a reason to skip the listed pages.
"""

import logging

from server.core.sitemap import MAX_SITEMAP_BYTES
from server.core.sitemap import MAX_SITEMAPS
from server.core.sitemap import SitemapError
from server.core.sitemap import choose
from server.core.sitemap import read_sitemap
from server.equal_access.fetch import SafeFetcher
from server.equal_access.guard import FetchRefused

log = logging.getLogger("monitoring")
USER_AGENT = "MassGov-Consent-Monitoring/1.0 (+sitemap reader)"
REQUEST_SECONDS = 10.0
READ_SECONDS = 60.0


def sitemap_fetcher(origins, *, timeout=REQUEST_SECONDS, total_timeout=READ_SECONDS):
    """fetch(url, max_bytes) for read_sitemap: the agency's origins only; any failure one SitemapError line."""
    fetcher = SafeFetcher(origins, timeout=timeout, total_timeout=total_timeout, max_bytes=MAX_SITEMAP_BYTES,
                          max_requests=MAX_SITEMAPS * 6)

    def fetch(url, max_bytes):
        fetcher.max_bytes = max_bytes
        try:
            got = fetcher.fetch(url, {"User-Agent": USER_AGENT,
                                      "Accept": "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.1"})
        except FetchRefused as refused:
            raise SitemapError(f"sitemap {url[:200]}: {refused.message}") from None
        if got.status != 200:
            raise SitemapError(f"sitemap {url[:200]}: HTTP {got.status}")
        return got.body

    return fetch


def pages_for(agency, fetch=None):
    """(URLs the run checks, notes): the listed pages first, then the sitemap's choice of the others."""
    monitoring = agency.monitoring
    listed = tuple(monitoring.pages)
    if not monitoring.sitemap:
        return listed, ()
    try:
        found = read_sitemap(monitoring.sitemap, fetch or sitemap_fetcher(agency.origins), agency.origins)
    except Exception as error:  # noqa: BLE001 - whatever went wrong, the listed pages run: never a crash
        reason = str(error) if isinstance(error, SitemapError) else (
            f"sitemap {monitoring.sitemap[:200]}: could not be read ({type(error).__name__})")
        note = f"{reason}; only the agency file's {len(listed)} page(s) checked"
        log.warning("agency %s: %s", agency.id, note)
        return listed, (note,)
    others = [url for url in found.urls if url not in listed]
    chosen = choose(others, monitoring.max_pages, found.digest)
    for note in found.notes:
        log.warning("agency %s: %s", agency.id, note)
    return listed + chosen, found.notes
