"""A small TOML writer for generated agency files (the standard library only reads TOML)."""

import math
import re

BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(value):
    out = []
    for char in value:
        if char in ESCAPES:
            out.append(ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            # TOML forbids raw control characters in basic strings; \uXXXX carries them.
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _key(key):
    return key if BARE_KEY.match(key) else _string(key)


def value(item):
    """One TOML value; tables are written inline, so a document is a list of `key = value` lines."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if math.isnan(item):
            return "nan"
        if math.isinf(item):
            return "inf" if item > 0 else "-inf"
        return repr(item)
    if isinstance(item, str):
        return _string(item)
    if isinstance(item, (list, tuple)):
        return "[" + ", ".join(value(element) for element in item) + "]"
    if isinstance(item, dict):
        return "{" + ", ".join(f"{_key(str(k))} = {value(v)}" for k, v in item.items()) + "}"
    raise TypeError(f"no TOML form for {type(item).__name__}")


def dumps(document):
    """The whole file: one line per top-level key."""
    return "".join(f"{_key(key)} = {value(item)}\n" for key, item in document.items())
