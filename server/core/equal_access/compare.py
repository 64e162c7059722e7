"""Compare what two visitors got and name each difference so a webmaster can find and fix it."""

from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from server.core.equal_access.embeds import embed_differences
from server.core.equal_access.extract import Extraction
from server.core.equal_access.extract import extract
from server.core.equal_access.normalise import excerpt
from server.core.equal_access.rules import Rules
from server.core.equal_access.rules import rules_for_agency

WHAT_ORDER = ("status", "url", "heading", "text", "link", "form", "image", "media", "iframe")
MAX_DIFFERENCES = 100
# Pairing a removed and an added text block as "changed" by similarity is quadratic: bounded.
MAX_SIMILARITY_PAIRS = 2500
SIMILAR_ENOUGH = 0.6

_LABELS = {
    "heading": "A heading",
    "text": "A block of text",
    "link": "A link",
    "form": "A form",
    "image": "An image",
    "media": "An audio or video element",
    "iframe": "An embedded frame (iframe)",
}


@dataclass(frozen=True)
class Difference:
    """One thing a visitor who opted out does not get the same way (before = did not opt out)."""

    kind: str
    what: str
    where: str
    before: str | None
    after: str | None
    message: str

    def to_dict(self):
        return {
            "kind": self.kind, "what": self.what, "where": self.where,
            "before": self.before, "after": self.after, "message": self.message,
        }


@dataclass(frozen=True)
class Comparison:
    """The verdict: equal when nothing differs; differences in document order, at most MAX_DIFFERENCES."""

    equal: bool
    differences: tuple
    truncated: bool = False

    def to_dict(self):
        return {
            "equal": self.equal,
            "differences": [difference.to_dict() for difference in self.differences],
            "truncated": self.truncated,
        }


def _message(kind, what, item):
    label = _LABELS[what]
    if what == "link":
        label = f"The link “{excerpt(item.key, 60)}”"
    if kind == "missing":
        return f"{label} shown to visitors who did not opt out is missing for visitors who opted out."
    if kind == "added":
        return f"{label} is shown only to visitors who opted out (it may replace content)."
    if what == "link":
        return f"{label} points to a different target for visitors who opted out."
    return f"{label} differs for visitors who opted out."


def _cancel_moves(missing, added):
    """Content present on both sides, only at another place, is the same information."""
    counts = Counter(item.signature for _, item in added) & Counter(item.signature for _, item in missing)
    if not counts:
        return missing, added
    left = Counter(counts)
    kept_missing = []
    for entry in missing:
        if left[entry[1].signature] > 0:
            left[entry[1].signature] -= 1
        else:
            kept_missing.append(entry)
    left = Counter(counts)
    kept_added = []
    for entry in added:
        if left[entry[1].signature] > 0:
            left[entry[1].signature] -= 1
        else:
            kept_added.append(entry)
    return kept_missing, kept_added


def _pair(what, missing, added):
    """Pair a removed and an added item into one "changed": same key, else (text) similar enough."""
    pairs = []
    unpaired_added = list(added)
    still_missing = []
    for entry in missing:
        match = next((other for other in unpaired_added if other[1].key == entry[1].key), None)
        if match is None:
            still_missing.append(entry)
            continue
        unpaired_added.remove(match)
        pairs.append((entry, match))
    if what in ("text", "heading") and len(still_missing) * len(unpaired_added) <= MAX_SIMILARITY_PAIRS:
        remaining = []
        for entry in still_missing:
            best, best_ratio = None, SIMILAR_ENOUGH
            for other in unpaired_added:
                ratio = SequenceMatcher(None, entry[1].value, other[1].value).ratio()
                if ratio >= best_ratio:
                    best, best_ratio = other, ratio
            if best is None:
                remaining.append(entry)
            else:
                unpaired_added.remove(best)
                pairs.append((entry, best))
        still_missing = remaining
    return pairs, still_missing, unpaired_added


def _diff_items(what, before, after):
    """Differences of one kind of item, each with its position (for document order)."""
    matcher = SequenceMatcher(None, [item.signature for item in before],
                              [item.signature for item in after], autojunk=False)
    missing, added = [], []
    # Positions are (place in the first document, side, index) so added items sort where they appear.
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            missing.extend(((index, 0, index), before[index]) for index in range(i1, i2))
            added.extend(((i1, 1, index), after[index]) for index in range(j1, j2))
    missing, added = _cancel_moves(missing, added)
    pairs, missing, added = _pair(what, missing, added)
    found = []
    for (position, old), (_, new) in pairs:
        found.append((position, Difference("changed", what, old.where, excerpt(old.shown), excerpt(new.shown),
                                           _message("changed", what, old))))
    for position, old in missing:
        found.append((position, Difference("missing", what, old.where, excerpt(old.shown), None,
                                           _message("missing", what, old))))
    for position, new in added:
        found.append((position, Difference("added", what, new.where, None, excerpt(new.shown),
                                           _message("added", what, new))))
    found.sort(key=lambda entry: entry[0])
    return [difference for _, difference in found]


def compare(before, after):
    """Compare two extractions (before: a visitor who did not opt out; after: one who did)."""
    differences = []
    if before.status != after.status:
        differences.append(Difference(
            "changed", "status", "(response)", str(before.status), str(after.status),
            f"The page answers HTTP {after.status} to visitors who opted out instead of {before.status}.",
        ))
    if before.final_url != after.final_url:
        differences.append(Difference(
            "changed", "url", "(response)", excerpt(before.final_url), excerpt(after.final_url),
            "Visitors who opted out end up at a different address (a redirect).",
        ))
    for what in WHAT_ORDER[2:]:
        old = [item for item in before.items if item.what == what]
        new = [item for item in after.items if item.what == what]
        differences.extend(_diff_items(what, old, new))
    differences.extend(embed_differences(before.embeds, after.embeds, Difference))
    truncated = len(differences) > MAX_DIFFERENCES
    return Comparison(not differences, tuple(differences[:MAX_DIFFERENCES]), truncated)


def compare_documents(before_html, after_html, *, url=None, before_url=None, after_url=None,
                      before_status=None, after_status=None, rules=None, agency=None):
    """Compare two HTML documents or DOM snapshots (outerHTML) of one page; before = not opted out.

    `url` resolves relative links on both sides unless `before_url`/`after_url` (the final URLs,
    compared too) are given. Exclusions come from `rules`, else from `agency` (its trackers and
    equal_access_ignore), else only the built-in ones.
    """
    if rules is None:
        rules = rules_for_agency(agency) if agency is not None else Rules()
    before = extract(before_html, url, rules, before_status, before_url)
    after = extract(after_html, url, rules, after_status, after_url)
    return compare(before, after)


__all__ = ["Comparison", "Difference", "Extraction", "compare", "compare_documents"]
