"""Embedded content (policy 1.3.3): an embed a visitor who did not opt out sees must stay reachable after opt-out.

An embed is an `<iframe data-tracker data-src>` (the banner's contract, docs/DESIGN.md "Embeds"); other tracker
frames (ads, sync frames) stay left out, as before. It is shown when loaded (it has a `src`). After opt-out it
may stay shown, or give way to a placeholder (`[data-consent-placeholder]`, as consent_banner/src/embeds.mjs
makes) that links to the same content: the frame's address, its `data-href`, its `data-alternative`, or the
content's page on a known provider's site. An embed that disappears, or a placeholder without such a link, is
a difference naming it.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs
from urllib.parse import parse_qsl
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

PLACEHOLDER = "data-consent-placeholder"
_YOUTUBE_HOST = re.compile(r"(^|\.)youtube(-nocookie)?\.com$")
_GOOGLE_HOST = re.compile(r"(^|\.)google\.[a-z.]+$")
_FORMSTACK_HOST = re.compile(r"(^|\.)formstack\.com$")


@dataclass(frozen=True)
class Embed:
    """One embed or placeholder as a visitor gets it: its title, its tracker, and the addresses it leads to.

    For an embed, `targets` are every address that reaches its content; for a placeholder, its links.
    """

    kind: str  # "embed" or "placeholder"
    where: str
    title: str
    tracker: str
    source: str
    targets: frozenset

    @property
    def name(self):
        """How a report names it: its title, else its address, else its tracker."""
        return self.title or self.source or self.tracker or "(untitled)"


def provider_page(url):
    """The content's own page on a known provider's site for an embed address, or None (as embeds.mjs derives it)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    query = parse_qs(parts.query)
    if _YOUTUBE_HOST.search(host):
        found = re.match(r"^/embed/([\w-]+)", parts.path)
        if not found:
            return None
        start = (query.get("start") or [""])[0]
        return f"https://www.youtube.com/watch?v={found.group(1)}" + (f"&t={start}s" if start.isdigit() else "")
    if host == "player.vimeo.com":
        found = re.match(r"^/video/(\d+)", parts.path)
        return f"https://vimeo.com/{found.group(1)}" if found else None
    if _GOOGLE_HOST.search(host) and parts.path.startswith("/maps"):
        place = (query.get("q") or [""])[0]
        if place:
            return f"https://www.google.com/maps/search/?api=1&query={quote(place, safe='')}"
        # As URLSearchParams re-serialises what is left (embeds.mjs): blank values kept, form-encoded.
        kept = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "output"]
        return urlunsplit(parts._replace(query=urlencode(kept)))
    if _FORMSTACK_HOST.search(host):
        return url
    return None


def _title(tag):
    return " ".join((tag.get("title") or "").split())


def embed_of(tag, where, resolve, normalise):
    """The embed an iframe is (resolve: relative address -> absolute; normalise: absolute -> comparable)."""
    source = resolve(tag.get("src") or tag.get("data-src") or "")
    addresses = [source] + [resolve(tag.get(name) or "") for name in ("data-href", "data-alternative")]
    addresses.append(provider_page(source))
    targets = frozenset(normalise(address) for address in addresses if address)
    return Embed("embed", where, _title(tag), tag.get("data-tracker") or "", normalise(source), targets)


def placeholder_of(tag, where, resolve, normalise):
    """The placeholder an element is: its caption (or label), its tracker, and its links' addresses."""
    caption = tag.find("figcaption")
    title = " ".join((caption.get_text(" ") if caption else tag.get("aria-label") or "").split())
    links = frozenset(normalise(resolve(link.get("href"))) for link in tag.find_all("a", href=True)
                      if urlsplit(resolve(link.get("href"))).scheme in ("http", "https"))
    return Embed("placeholder", where, title, tag.get(PLACEHOLDER) or "", "", links)


def embed_differences(before, after, difference):
    """For each embed shown before: (what after offers instead, the message), or nothing when equal.

    difference(kind, what, where, before, after, message) makes the comparison's Difference.
    """
    found = []
    left = list(after)
    for shown in before:
        if shown.kind != "embed":
            continue
        match = _match(shown, left)
        if match is not None:
            left.remove(match)
        if match is not None and (match.kind == "embed" or shown.targets & match.targets):
            continue
        described = f"{shown.name}: {shown.source}" if shown.title else shown.name
        if match is None:
            found.append(difference(
                "missing", "embed", shown.where, described, None,
                f"The embedded content “{shown.name}” shown to visitors who did not opt out disappears for "
                "visitors who opted out, with no placeholder linking to it."))
        else:
            found.append(difference(
                "changed", "embed", shown.where, described, f"placeholder: {match.name}",
                f"The placeholder for the embedded content “{shown.name}” gives visitors who opted out no link to "
                "it (its address, its data-href or data-alternative, or its page on the provider's site)."))
    return found


def _match(shown, candidates):
    """What stands for an embed after opt-out: same title and tracker, else same title, else same tracker."""
    tests = (lambda other: other.title == shown.title and other.tracker == shown.tracker,
             lambda other: bool(shown.title) and other.title == shown.title,
             lambda other: bool(shown.tracker) and other.tracker == shown.tracker,
             lambda other: other.kind == "embed" and other.source == shown.source)
    for test in tests:
        for other in candidates:
            if test(other):
                return other
    return None
