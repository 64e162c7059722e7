"""A deliberately small minifier for banner.js and banner.css: whitespace and comments only, no renaming.

It understands just enough JavaScript to be safe on code written for it: strings, regular expression literals
and comments are kept intact; a line break is dropped only where automatic semicolon insertion cannot depend on
it. Template literals are refused (banner.js does not use them), so nothing inside one can be mangled.
"""

import re

# Tokens, in the order they are tried: comments, strings, a slash that may start a regular expression,
# words (identifiers, keywords, numbers), whitespace, and any single other character.
TOKEN = re.compile(r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*")
  | (?P<template>`)
  | (?P<word>[\w$]+)
  | (?P<space>\s+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
REGEX_BODY = re.compile(r"/(?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\[\n])+/[a-z]*")
# After these a "/" starts a regular expression, not a division.
REGEX_AFTER_WORDS = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw"}
REGEX_AFTER_PUNCTUATION = set("(,=:[!&|?{};+-*%<>~^")
# A line break after these, or before the closing ones, never changes how semicolons are inserted.
BREAK_SAFE_AFTER = set("{([,;")
BREAK_SAFE_BEFORE = set("})];,")


class MinifyError(ValueError):
    """The source uses something this minifier does not handle safely."""


def tokens(source):
    """Split JavaScript into (kind, text) tokens, whitespace included."""
    pos, previous, out = 0, None, []
    while pos < len(source):
        if source[pos] == "/" and not source.startswith(("//", "/*"), pos) and _regex_allowed(previous):
            match = REGEX_BODY.match(source, pos)
            if not match:
                raise MinifyError(f"unterminated regular expression at {pos}")
            kind, text = "regex", match.group()
        else:
            match = TOKEN.match(source, pos)
            kind, text = match.lastgroup, match.group()
            if kind == "template":
                raise MinifyError(f"template literal at {pos}: not supported")
        out.append((kind, text))
        if kind not in ("space", "comment"):
            previous = (kind, text)
        pos = match.end()
    return out


def _regex_allowed(previous):
    if previous is None:
        return True
    kind, text = previous
    if kind == "word":
        return text in REGEX_AFTER_WORDS
    return kind == "other" and text in REGEX_AFTER_PUNCTUATION


def minify_js(source):
    """Remove comments and every space and line break that the meaning does not depend on."""
    out, pending_space, pending_break = [], False, False
    for kind, text in tokens(source):
        if kind in ("space", "comment"):
            pending_space = True
            pending_break = pending_break or "\n" in text or (kind == "comment" and text.startswith("//"))
            continue
        if out and pending_space:
            last, first = out[-1][-1], text[0]
            if pending_break and last not in BREAK_SAFE_AFTER and first not in BREAK_SAFE_BEFORE:
                out.append("\n")
            elif (_wordish(last) and _wordish(first)) or (last + first in ("++", "--", "+-", "-+", "//")):
                out.append(" ")
        out.append(text)
        pending_space = pending_break = False
    return "".join(out)


def _wordish(char):
    return char.isalnum() or char in "_$\\"


def minify_css(source):
    """Drop comments and the whitespace around punctuation."""
    text = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*([{};,>])\s*", r"\1", text).replace(";}", "}").strip()
