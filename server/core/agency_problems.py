"""marshmallow's nested messages about an agency file as (field path, message, value) lines a person can act on."""

import difflib
import json

UNKNOWN = "Unknown field."
MISSING = "Missing data for required field."


def printable(text):
    """Text with every unprintable character escaped, so a refusal stays one readable line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def show(value):
    """The offending value, short and on one line."""
    if value is None:
        return "(missing)"
    shown = json.dumps(value, ensure_ascii=True, default=str)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _child(data, key):
    if isinstance(data, dict):
        return data.get(key)
    if isinstance(data, list) and isinstance(key, int) and key < len(data):
        return data[key]
    return None


def _texts(message):
    """Every message of a leaf (marshmallow gives a list of them, sometimes a dict of nested ones)."""
    if isinstance(message, list):
        return message or ["is invalid"]
    return [message] if isinstance(message, dict) else [str(message)]


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


def problems(messages, data, path=""):
    """Every leaf of marshmallow's nested messages, in order: (dotted field path, message, offending value)."""
    typos = _typos(messages) if isinstance(messages, dict) else {}
    misspelt = {unknown: missing for missing, unknown in typos.items()}
    for key, message in messages.items():
        if key == "_schema":
            value, here = data, path
        else:
            value = _child(data, key)
            name = printable(str(key))
            here = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{name}" if path else name)
        if isinstance(message, dict) and message and set(message) <= {"key", "value"}:
            # A Dict field reports its entries under "key" and "value": name the entry, not those words.
            if "key" in message:
                yield here, _texts(message["key"])[0], key
            if "value" in message:
                yield from problems(message["value"], value, here)
            continue
        if isinstance(message, dict):
            yield from problems(message, value, here)
            continue
        for text in _texts(message):
            if isinstance(text, dict):
                yield from problems(text, value, here)
            elif key in typos:
                yield here, f"{text.rstrip('.')} (the file has {printable(typos[key])}: a typo?)", value
            elif key in misspelt:
                yield here, f"{text.rstrip('.')}; did you mean {misspelt[key]}?", value
            else:
                yield here or "(file)", text, value


def first_problem(messages, data):
    """The first problem, for the one line that stops start-up."""
    return next(problems(messages, data), ("(file)", "is invalid", None))
