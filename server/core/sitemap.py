"""Sitemaps read safely (indexes followed, gzip accepted, every size capped) and pages chosen across a site's sections.

Flask-free and network-free: the caller hands in `fetch(url, max_bytes) -> bytes`, which must refuse URLs off
the agency's origins (the monitoring worker passes server.equal_access's pinned fetcher, consent-qa its own
vetted one). No DTD or entity is ever expanded (defusedxml), so a billion-laughs file is one clear line too.
"""

import hashlib
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

# sitemaps.org allows 50 MB and 50,000 URLs per file; an agency's site is far smaller, and a worker's memory is shared.
MAX_SITEMAP_BYTES = 10_000_000
MAX_URLS = 50_000
MAX_DEPTH = 2  # an index and the sitemaps it names (an index of indexes goes one level deeper, no further)
MAX_SITEMAPS = 20  # files fetched for one read, the first included
GZIP_MAGIC = b"\x1f\x8b"


class SitemapError(Exception):
    """The sitemap could not be used: one line naming it and saying why."""


@dataclass(frozen=True)
class SitemapPages:
    """What a read found: page URLs in document order, a digest of that set, and one line per thing left out."""

    urls: tuple
    digest: str
    notes: tuple


def _shown(url):
    """A URL as a problem line shows it: short and on one line."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(url))
    return text if len(text) <= 200 else text[:199] + "…"


def decompressed(body, url, max_bytes=MAX_SITEMAP_BYTES):
    """The XML of a fetched sitemap: gunzipped when it is gzip, never more than max_bytes (a gzip bomb stops there)."""
    if not body.startswith(GZIP_MAGIC):
        if len(body) > max_bytes:
            raise SitemapError(f"sitemap {_shown(url)}: larger than {max_bytes} bytes")
        return body
    inflater = zlib.decompressobj(wbits=31)
    try:
        xml = inflater.decompress(body, max_bytes + 1)
    except zlib.error as error:
        raise SitemapError(f"sitemap {_shown(url)}: not valid gzip ({error})") from None
    if len(xml) > max_bytes or inflater.unconsumed_tail:
        raise SitemapError(f"sitemap {_shown(url)}: larger than {max_bytes} bytes once decompressed")
    if not inflater.eof:
        raise SitemapError(f"sitemap {_shown(url)}: not valid gzip (the file ends early)")
    return xml


def _local(tag):
    """An element's name without its namespace ({http://www.sitemaps.org/...}url -> url)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse(xml, url):
    """("urlset" or "sitemapindex", the <loc> texts in order); SitemapError when it is not a sitemap."""
    # Loaded here: consent-qa and the worker need it, the public service importing the core does not.
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError
    from defusedxml.ElementTree import fromstring

    if xml.lstrip()[:14].lower().startswith((b"<!doctype html", b"<html")):
        # A site's "not found" page served with 200: say so rather than blame its DOCTYPE.
        raise SitemapError(f"sitemap {_shown(url)}: an HTML page, not a sitemap")
    try:
        root = fromstring(xml, forbid_dtd=True)
    except ParseError as error:
        raise SitemapError(f"sitemap {_shown(url)}: not well-formed XML ({error})") from None
    except DefusedXmlException:
        raise SitemapError(f"sitemap {_shown(url)}: declares a DTD or entities, which are refused") from None
    except (LookupError, ValueError) as error:  # an encoding Python does not know, or cannot decode
        raise SitemapError(f"sitemap {_shown(url)}: not readable XML ({_shown(error)})") from None
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"sitemap {_shown(url)}: its root element is <{_shown(kind)}>, "
                           "not <urlset> or <sitemapindex>")
    entry = "url" if kind == "urlset" else "sitemap"
    locations = []
    for element in root:
        if _local(element.tag) != entry:
            continue
        for child in element:
            if _local(child.tag) == "loc" and (child.text or "").strip():
                locations.append(child.text.strip())
    return kind, locations


def _origin(url):
    """scheme://host[:port] of a URL, lower-case, default port dropped; None when it is not http(s)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}[scheme]
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" + ("" if port in (None, default) else f":{port}")


def read_sitemap(url, fetch, origins, *, max_bytes=MAX_SITEMAP_BYTES, max_depth=MAX_DEPTH,
                 max_sitemaps=MAX_SITEMAPS, max_urls=MAX_URLS):
    """Every page a sitemap (and the sitemaps its index names) lists on `origins`; SitemapError if the first fails."""
    allowed = {_origin(origin) for origin in origins}
    pages = {}
    notes = []
    off_origins = 0
    seen = set()
    queue = [(url, 0)]
    while queue:
        current, depth = queue.pop(0)
        if current in seen:
            continue
        seen.add(current)
        if len(seen) > max_sitemaps:
            notes.append(f"sitemap {_shown(current)} and the rest not read: at most {max_sitemaps} sitemaps per run")
            break
        try:
            if _origin(current) not in allowed:
                raise SitemapError(f"sitemap {_shown(current)}: not on the agency's origins, not fetched")
            kind, locations = parse(decompressed(fetch(current, max_bytes), current, max_bytes), current)
        except SitemapError as error:
            if current == url:
                raise
            notes.append(str(error))  # one child of an index failing leaves the others' pages
            continue
        if kind == "sitemapindex":
            if depth + 1 > max_depth:
                notes.append(f"sitemap index {_shown(current)} not followed: indexes nest at most {max_depth} deep")
                continue
            queue.extend((location, depth + 1) for location in locations)
            continue
        for location in locations:
            if _origin(location) not in allowed:
                off_origins += 1
            elif len(pages) >= max_urls:
                notes.append(f"only the first {max_urls} pages of the sitemap kept")
                break
            else:
                pages.setdefault(location.split("#", 1)[0], None)
    if off_origins:
        notes.append(f"{off_origins} sitemap URL(s) off the agency's origins left out")
    if not pages and not notes:
        notes.append(f"sitemap {_shown(url)}: lists no pages")
    urls = tuple(pages)
    return SitemapPages(urls=urls, digest=digest_of(urls), notes=tuple(dict.fromkeys(notes)))


def digest_of(urls):
    """The sitemap's content as a seed: its set of URLs (order and <lastmod> changes alone do not reshuffle)."""
    return hashlib.sha256("\n".join(sorted(set(urls))).encode("utf-8")).hexdigest()


def section_of(url):
    """A page's section of the site: its first path segment ("" for the home page and top-level files)."""
    segments = urlsplit(url).path.lstrip("/").split("/")
    return segments[0].lower() if len(segments) > 1 else ""


def _rank(seed, text):
    return hashlib.sha256(f"{seed}\n{text}".encode("utf-8")).hexdigest()


def choose(urls, max_pages, seed):
    """Up to max_pages of urls, one section at a time in turn (not the first N): the same while the seed is the same."""
    sections = {}
    for url in dict.fromkeys(urls):
        sections.setdefault(section_of(url), []).append(url)
    order = sorted(sections, key=lambda name: _rank(seed, "section:" + name))
    lanes = [sorted(sections[name], key=lambda url: _rank(seed, url)) for name in order]
    chosen = []
    turn = 0
    while len(chosen) < max_pages and any(lanes):
        lane = lanes[turn % len(lanes)]
        if lane:
            chosen.append(lane.pop(0))
        turn += 1
    return tuple(chosen)
