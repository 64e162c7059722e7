"""marshmallow's nested error messages as field paths: one walk for a request body's 422 and an agency file's lines."""


def printable(text):
    """Text with every unprintable character escaped, so a refusal stays one readable line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def field_path(path, key):
    """A child's path: list items as [2], names after a dot (trackers[0].cookies), unprintable characters escaped."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    name = printable(str(key))
    return f"{path}.{name}" if path else name


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


def error_leaves(messages, data=None, path="", reword=None):
    """Every leaf of marshmallow's nested messages, in order: (field path, message, offending value from data).

    A schema-wide error (_schema) has its parent's path, "" at the top. reword(messages of one level) may map
    some of that level's keys to a function rewriting their messages (an agency file's typo hints).
    """
    if not isinstance(messages, dict):
        messages = {"_schema": messages}
    rewording = reword(messages) if reword is not None else {}
    for key, message in messages.items():
        if key == "_schema":
            value, here = data, path
        else:
            value, here = _child(data, key), field_path(path, key)
        if isinstance(message, dict) and message and set(message) <= {"key", "value"}:
            # A Dict field reports its entries under "key" and "value": name the entry, not those words.
            if "key" in message:
                yield here, _texts(message["key"])[0], key
            if "value" in message:
                yield from error_leaves(message["value"], value, here, reword)
            continue
        if isinstance(message, dict):
            yield from error_leaves(message, value, here, reword)
            continue
        for text in _texts(message):
            if isinstance(text, dict):
                yield from error_leaves(text, value, here, reword)
            else:
                yield here, rewording[key](text) if key in rewording else text, value


def first_error(messages):
    """The first problem as (field path or None, message): what a 422 names."""
    path, message, _ = next(error_leaves(messages), ("", "is invalid", None))
    return path or None, message
