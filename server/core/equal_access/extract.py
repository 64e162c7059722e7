"""From one HTML document, the parts that carry information for a visitor, in document order."""

import hashlib
import warnings
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from server.core.equal_access.embeds import PLACEHOLDER
from server.core.equal_access.embeds import embed_of
from server.core.equal_access.embeds import placeholder_of
from server.core.equal_access.normalise import normalise_url
from server.core.equal_access.rules import Rules
from server.core.equal_access.walker import Block
from server.core.equal_access.walker import Item
from server.core.equal_access.walker import Walker
from server.core.equal_access.walker import hidden as is_hidden

__all__ = ["Extraction", "Item", "extract", "extract_bytes", "parse"]


@dataclass(frozen=True)
class Extraction:
    """What one visitor got: the items, plus the HTTP status and final URL when fetched."""

    items: tuple
    status: int | None = None
    final_url: str | None = None
    embeds: tuple = ()  # embeds shown and placeholders, in document order (embeds.Embed)


def parse(html, encoding=None):
    """Parse with the standard library's parser (via Beautiful Soup) so no C extension is needed."""
    with warnings.catch_warnings():
        # Beautiful Soup warns about markup that looks like a file name or XML: pages are what they are.
        warnings.simplefilter("ignore")
        # Attributes stay strings (class too): nothing here needs them split, and parsing is faster.
        return BeautifulSoup(html, "html.parser", from_encoding=encoding, multi_valued_attributes=None)


def extract(html, base_url=None, rules=None, status=None, final_url=None):
    """Extract the information of an HTML document (str, bytes, or an already parsed soup)."""
    rules = rules or Rules()
    soup = html if isinstance(html, BeautifulSoup) else parse(html)
    walker = Walker(final_url or base_url, rules)
    walker.ignored = {id(tag) for tag in rules.select_ignored(soup)}
    base = soup.find("base", href=True)
    if base is not None and walker.base_url:
        # <base href> sits in <head>, which the walk skips; it changes how every link resolves.
        try:
            walker.base_url = urljoin(walker.base_url, base["href"])
        except ValueError:
            pass  # an unparseable <base> is ignored, as browsers do
    title = soup.find("title")
    if (title is not None and id(title) not in walker.ignored and title.find_parent("svg") is None
            and not title.find_parent(Rules.builtin_ignored)):
        text = walker.text(title.get_text())
        if text:
            walker.emit("heading", "head > title", "title", text, f"title: {walker.shown(title.get_text())}")
    top = Block("body", walker.reserve())
    walker.walk(soup.find("body") or soup, "body", top)
    joined = " ".join(top.parts)
    text = walker.text(joined)
    if text:
        walker.emit("text", "body", "body", text, walker.shown(joined), top.slot)
    items = tuple(item for item in walker.items if item is not None)
    return Extraction(items, status, _final(final_url, rules), _embeds(soup, walker))


def _embeds(soup, walker):
    """Embeds shown (loaded `<iframe data-tracker data-src>`, the banner's contract) and placeholders, as seen."""
    found = []
    for tag in soup.find_all(lambda tag: tag.name == "iframe" or tag.has_attr(PLACEHOLDER)):
        if any(id(node) in walker.ignored or is_hidden(node) or node.has_attr("data-consent-notice")
               for node in (tag, *tag.parents) if node.name):
            continue
        if tag.has_attr(PLACEHOLDER):
            found.append(placeholder_of(tag, f"[{PLACEHOLDER}={tag.get(PLACEHOLDER)}]", walker.resolve, walker.url))
        elif tag.get("src") and tag.get("data-tracker") and tag.get("data-src"):
            where = f"iframe#{tag['id']}" if tag.get("id") else f"iframe[data-tracker={tag['data-tracker']}]"
            found.append(embed_of(tag, where, walker.resolve, walker.url))
    return tuple(found)


def _final(final_url, rules):
    return normalise_url(final_url, None, rules.secrets) if final_url else None


def extract_bytes(body, content_type, base_url=None, rules=None, status=None, final_url=None):
    """Extract a fetched body: HTML is parsed; anything else is compared by type and digest."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in ("", "text/html", "application/xhtml+xml"):
        charset = None
        for parameter in (content_type or "").split(";")[1:]:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "charset":
                charset = value.strip().strip('"') or None
        soup = parse(body, charset)
        return extract(soup, base_url, rules, status, final_url)
    digest = hashlib.sha256(body).hexdigest()
    item = Item("text", "(document)", "(document)", f"{media_type} sha256:{digest}",
                f"{media_type}, {len(body)} bytes")
    return Extraction((item,), status, _final(final_url, rules or Rules()))
