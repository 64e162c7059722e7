"""What the checker leaves out for one agency: its declared trackers, its ignore selectors, secrets."""

from dataclasses import dataclass
from dataclasses import field
from urllib.parse import urlsplit

import soupsieve

# Always left out: the consent notice itself (DESIGN.md's stable hook), anything an agency marks as
# not content, and every element declared as a tracker. Checked as attributes during the walk, which
# is much cheaper than a selector-engine pass over every element.
BUILTIN_IGNORE_ATTRIBUTES = frozenset({"data-consent-notice", "data-equal-access-ignore", "data-tracker",
                                       # an embed's placeholder: judged with its embed (embeds.py), not as text
                                       "data-consent-placeholder"})


def _origin_key(url):
    """(scheme, host, port) of a URL, with the scheme's default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or {"http": 80, "https": 443}.get(scheme)
    return scheme, (parts.hostname or "").lower(), port


@dataclass(frozen=True)
class TrackerPrefix:
    """One URL prefix a declared tracker requests; matched on origin, then on path prefix."""

    origin: tuple
    path: str

    @classmethod
    def parse(cls, url):
        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        return cls(_origin_key(url), path)

    def matches(self, url):
        try:
            parts = urlsplit(url)
            key = _origin_key(url)
        except ValueError:
            return False
        target = parts.path or "/"
        if parts.query:
            target = f"{target}?{parts.query}"
        return key == self.origin and target.startswith(self.path)


@dataclass(frozen=True)
class Rules:
    """Exclusions for one comparison; build one per agency with rules_for_agency()."""

    tracker_prefixes: tuple = ()
    ignore_selectors: tuple = ()
    secrets: tuple = ()
    _compiled: object = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        compiled = None
        if self.ignore_selectors:
            try:
                compiled = soupsieve.compile(", ".join(self.ignore_selectors))
            except soupsieve.SelectorSyntaxError as error:
                raise ValueError(f"invalid equal_access_ignore selector: {error}") from error
        object.__setattr__(self, "_compiled", compiled)
        prefixes = tuple(
            prefix if isinstance(prefix, TrackerPrefix) else TrackerPrefix.parse(prefix)
            for prefix in self.tracker_prefixes
        )
        object.__setattr__(self, "tracker_prefixes", prefixes)

    def select_ignored(self, soup):
        """The elements the agency's selectors leave out, each with its whole subtree."""
        return self._compiled.select(soup) if self._compiled is not None else []

    @staticmethod
    def builtin_ignored(tag):
        """The notice, declared trackers and elements marked data-equal-access-ignore."""
        return not BUILTIN_IGNORE_ATTRIBUTES.isdisjoint(tag.attrs)

    def is_tracker_url(self, url):
        """Whether a resolved URL is one of the declared trackers' requests."""
        return any(prefix.matches(url) for prefix in self.tracker_prefixes)

    def with_secrets(self, *secrets):
        """The same rules, also masking the given strings (e.g. the opt-out token sent)."""
        return Rules(self.tracker_prefixes, self.ignore_selectors, self.secrets + tuple(secrets))


def expand_request_prefixes(requests, origins):
    """Absolute prefixes of a tracker's declared requests: a "/path" one applies on every given origin.

    consent-qa expands its notice's trackers with this too, so the checker and QA agree on what a
    tracker's request is.
    """
    prefixes = []
    for request in requests:
        if request.startswith("/"):
            prefixes.extend(origin.rstrip("/") + request for origin in origins)
        else:
            prefixes.append(request)
    return tuple(prefixes)


def tracker_prefixes(agency):
    """Absolute request prefixes of an agency's trackers; a "/path" prefix applies on every origin."""
    return tuple(prefix for tracker in agency.trackers
                 for prefix in expand_request_prefixes(tracker.requests, agency.origins))


def rules_for_agency(agency, secrets=()):
    """The rules for an agency (duck-typed: trackers, origins, equal_access_ignore)."""
    return Rules(
        tracker_prefixes=tracker_prefixes(agency),
        ignore_selectors=tuple(getattr(agency, "equal_access_ignore", ()) or ()),
        secrets=tuple(secrets),
    )
