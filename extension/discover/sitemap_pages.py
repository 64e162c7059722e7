"""`discover --sitemap URL`: pages chosen across the site's sections, read only from the sitemap's own origin.

Every URL fetched (the sitemap, the sitemaps an index names, each redirect) is vetted first by the journey's
own rule (extension/navigation.py): the sitemap's origin only, no private or loopback address unless that
origin is on one. consent-qa runs on a person's machine, not as a service, so this uses the system's
resolver at connect time rather than the console's pinned fetcher.
"""

import urllib.error
import urllib.request

from extension.navigation import LeftAllowedPlaces
from extension.navigation import allowed_for
from extension.navigation import check_url
from extension.navigation import origin_of
from extension.navigation import shown
from server.core.sitemap import SitemapError
from server.core.sitemap import choose
from server.core.sitemap import read_sitemap

TIMEOUT_SECONDS = 10
USER_AGENT = "consent-qa discover (+sitemap reader)"


class _VettedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to a place the journey may be."""

    def __init__(self, allowed):
        super().__init__()
        self.allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        check_url(self.allowed, newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetcher(allowed):
    """fetch(url, max_bytes) for read_sitemap: vetted URLs only, one SitemapError line for any failure."""
    opener = urllib.request.build_opener(_VettedRedirects(allowed))

    def fetch(url, max_bytes):
        try:
            check_url(allowed, url)
            request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
            with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                body = response.read(max_bytes + 1)
        except LeftAllowedPlaces as refused:
            raise SitemapError(f"sitemap {url[:200]}: {refused}") from None
        except urllib.error.HTTPError as error:
            raise SitemapError(f"sitemap {url[:200]}: HTTP {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise SitemapError(f"sitemap {url[:200]}: could not be fetched ({reason})") from None
        if len(body) > max_bytes:
            raise SitemapError(f"sitemap {url[:200]}: larger than {max_bytes} bytes")
        return body

    return fetch


def sitemap_pages(url, max_pages):
    """(up to max_pages page URLs on the sitemap's origin, across its sections; notes); SitemapError if unusable."""
    start = origin_of(url)
    if start is None:
        raise SitemapError(f"sitemap {url[:200]}: not an http(s) URL")
    allowed = allowed_for(url, {"origins": [shown(start)]})
    found = read_sitemap(url, fetcher(allowed), [shown(start)])
    return choose(found.urls, max_pages, found.digest), found.notes
