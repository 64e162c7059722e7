"""marshmallow's nested messages about an agency file as (field path, message, value) lines a person can act on."""

import difflib
import json

from server.core.error_paths import error_leaves
from server.core.error_paths import printable

UNKNOWN = "Unknown field."
MISSING = "Missing data for required field."


def show(value):
    """The offending value, short and on one line."""
    if value is None:
        return "(missing)"
    shown = json.dumps(value, ensure_ascii=True, default=str)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _typos(messages):
    """{missing key: unknown key} where a key given is a near miss of a required one (privacy_policy_ur)."""
    unknown = [key for key, message in messages.items() if isinstance(key, str) and message == [UNKNOWN]]
    pairs = {}
    for key, message in messages.items():
        if isinstance(key, str) and message == [MISSING]:
            close = difflib.get_close_matches(key, unknown, n=1, cutoff=0.75)
            if close:
                pairs[key] = close[0]
    return pairs


def _typo_hints(messages):
    """Per key of one level, how to reword its message when it looks like the other half of a typo."""
    hints = {}
    for missing, unknown in _typos(messages).items():
        hints[missing] = lambda text, given=unknown: f"{text.rstrip('.')} (the file has {printable(given)}: a typo?)"
        hints[unknown] = lambda text, meant=missing: f"{text.rstrip('.')}; did you mean {meant}?"
    return hints


def problems(messages, data, path=""):
    """Every leaf of marshmallow's nested messages, in order: (dotted field path, message, offending value)."""
    for here, message, value in error_leaves(messages, data, path, _typo_hints):
        yield here or "(file)", message, value


def first_problem(messages, data):
    """The first problem, for the one line that stops start-up."""
    return next(problems(messages, data), ("(file)", "is invalid", None))
