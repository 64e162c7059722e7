"""The walk over one parsed document: each block of text, heading, link, form, image, media and iframe."""

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import NavigableString
from bs4 import Tag
from bs4.element import PreformattedString

from server.core.equal_access.normalise import clean_text
from server.core.equal_access.normalise import is_volatile_name
from server.core.equal_access.normalise import normalise_text
from server.core.equal_access.normalise import normalise_url

# Elements that start a block of text of their own; everything else is inline and joins its block.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hgroup", "li", "main", "menu",
    "nav", "ol", "p", "pre", "search", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul", "legend", "noscript", "center",
})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Never shown as text: code, styling, metadata, and field contents (described as form fields instead).
SKIPPED_TAGS = frozenset({
    "script", "style", "template", "head", "meta", "link", "base", "svg", "math", "select", "textarea",
    "datalist", "source", "track", "param", "title",
})
_HIDING_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.IGNORECASE)
_SIMPLE_ID = re.compile(r"^[A-Za-z][\w-]*$")
# Deeper than this, a subtree counts as plain text: the walk recurses and must stay within Python's limit.
MAX_DEPTH = 150
MAX_PATH_STEPS = 12


@dataclass(frozen=True)
class Item:
    """One piece of information: `key` pairs it across documents, `value` is what must match."""

    what: str
    where: str
    key: str
    value: str
    shown: str

    @property
    def signature(self):
        # A text block's key is its place; the same words at another place are the same text.
        return self.value if self.what == "text" else (self.key, self.value)


def hidden(tag):
    """Hidden from every visitor (so not information any visitor gets)."""
    if tag.has_attr("hidden"):
        return True
    if tag.name == "dialog" and not tag.has_attr("open"):
        return True
    if tag.name == "input" and (tag.get("type") or "").lower() == "hidden":
        return True
    style = tag.get("style")
    return bool(style and _HIDING_STYLE.search(style))


def _attr(tag, name):
    value = tag.get(name)
    if isinstance(value, list):
        value = " ".join(value)
    return value or ""


class Block:
    """Text gathered for one block element until it closes."""

    __slots__ = ("parts", "where", "slot")

    def __init__(self, where, slot):
        self.parts = []
        self.where = where
        self.slot = slot


class Walker:
    """One pass over the tree; collects items in document order."""

    def __init__(self, base_url, rules):
        self.base_url = base_url
        self.rules = rules
        self.items = []
        self.links = []
        self.forms = []
        self.ignored = set()

    def url(self, value):
        value = (value or "").strip()
        if value.startswith("data:"):
            digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:16]
            return f"{value.split(',', 1)[0]},sha256:{digest}"
        return normalise_url(value, self.base_url, self.rules.secrets)

    def resolve(self, value):
        try:
            return urljoin(self.base_url or "", (value or "").strip())
        except ValueError:
            return value or ""

    def text(self, value):
        return normalise_text(value, self.rules.secrets)

    def shown(self, value):
        """Text as a webmaster reads it: unmasked, except the secrets the checker itself sent."""
        value = clean_text(value)
        for secret in self.rules.secrets:
            if secret:
                value = value.replace(secret, "<secret>")
        return value

    def reserve(self):
        self.items.append(None)
        return len(self.items) - 1

    def emit(self, what, where, key, value, shown, slot=None):
        item = Item(what, where, key, value, shown)
        if slot is None:
            self.items.append(item)
        else:
            self.items[slot] = item

    def add_text(self, block, text):
        block.parts.append(text)
        for link in self.links:
            link[2].append(text)

    def walk(self, tag, where, block, depth=0):
        """Visit the children of `tag`, whose CSS path is `where`, inside text block `block`."""
        children = [child for child in tag.children if isinstance(child, Tag)]
        counts = {}
        for child in children:
            counts[child.name] = counts.get(child.name, 0) + 1
        seen = {}
        for child in tag.children:
            if isinstance(child, Tag):
                seen[child.name] = seen.get(child.name, 0) + 1
                self.element(child, self.path(where, child, seen[child.name], counts[child.name]), block, depth + 1)
            elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
                # PreformattedString covers comments, CDATA, doctypes and processing instructions.
                self.add_text(block, str(child))

    @staticmethod
    def path(parent, tag, index, count):
        if tag.name in ("html", "body"):
            # A document without <body> (a fragment, or html.parser's view of one) still starts at body.
            return "body"
        tag_id = _attr(tag, "id")
        if tag_id and _SIMPLE_ID.match(tag_id):
            return f"{tag.name}#{tag_id}"
        segment = f"{tag.name}:nth-of-type({index})" if count > 1 else tag.name
        if not parent:
            return segment
        path = f"{parent} > {segment}"
        # Deep paths keep their last steps: still a valid selector, short enough to read.
        return path.split(" > ", 1)[1] if path.count(" > ") >= MAX_PATH_STEPS else path

    def element(self, tag, where, block, depth):
        name = tag.name
        if id(tag) in self.ignored or (tag.attrs and self.rules.builtin_ignored(tag)):
            return
        if name in ("input", "select", "textarea", "button"):
            self.field(tag)
        if hidden(tag):
            return
        if name == "br":
            self.add_text(block, " ")
            return
        if name in ("img", "iframe", "embed", "object", "video", "audio", "picture"):
            if self.resource(tag, where):
                return
        if name in SKIPPED_TAGS:
            return
        if depth > MAX_DEPTH:
            self.add_text(block, tag.get_text(" "))
            return
        if name == "a" and tag.has_attr("href"):
            return self.link(tag, where, block, depth)
        if name == "form":
            return self.form(tag, where, block, depth)
        if name in HEADING_TAGS or name in BLOCK_TAGS:
            return self.block(tag, where, depth)
        self.walk(tag, where, block, depth)

    def block(self, tag, where, depth):
        inner = Block(where, self.reserve())
        self.walk(tag, where, inner, depth)
        joined = " ".join(inner.parts)
        text = self.text(joined)
        if not text:
            return
        if tag.name in HEADING_TAGS:
            self.emit("heading", where, tag.name, text, f"{tag.name}: {self.shown(joined)}", inner.slot)
        else:
            self.emit("text", where, where, text, self.shown(joined), inner.slot)

    def link(self, tag, where, block, depth):
        slot = self.reserve()
        entry = (tag, where, [])
        self.links.append(entry)
        self.walk(tag, where, block, depth)
        self.links.pop()
        label = clean_text(" ".join(entry[2]))
        if not label:
            label = clean_text(_attr(tag, "aria-label") or _attr(tag, "title"))
        if not label:
            label = clean_text(" ".join(_attr(img, "alt") for img in tag.find_all("img")))
        shown = self.shown(label) or "(no text)"
        label = self.text(label) or "(no text)"
        href = self.url(_attr(tag, "href"))
        self.emit("link", where, label, href, f"{shown} → {href}", slot)

    def form(self, tag, where, block, depth):
        slot = self.reserve()
        self.forms.append([])
        inner = Block(where, self.reserve())
        self.walk(tag, where, inner, depth)
        fields = self.forms.pop()
        joined = " ".join(inner.parts)
        text = self.text(joined)
        if text:
            self.emit("text", where, where, text, self.shown(joined), inner.slot)
        action = self.url(_attr(tag, "action") or self.base_url or "")
        method = (_attr(tag, "method") or "get").upper()
        key = _attr(tag, "id") or _attr(tag, "name") or action
        value = f"{method} {action} [{', '.join(fields)}]"
        self.emit("form", where, key, value, value, slot)

    def field(self, tag):
        """Describe a form control by type and name; values are per-visitor state, except button labels."""
        if not self.forms:
            return
        name = _attr(tag, "name")
        if is_volatile_name(name):
            return
        kind = tag.name
        if kind == "input":
            kind = f"input[{(_attr(tag, 'type') or 'text').lower()}]"
        description = f"{kind} {name}".strip()
        if kind in ("input[submit]", "input[button]", "input[reset]", "input[image]") and tag.get("value"):
            description += f"={self.text(_attr(tag, 'value'))}"
        if tag.name == "select":
            options = [self.text(option.get_text()) for option in tag.find_all("option")]
            description += f" ({' | '.join(options)})"
        self.forms[-1].append(description)

    def resource(self, tag, where):
        """Images, media and iframes; True when the element is a declared tracker's and is left out."""
        name = tag.name
        if name == "picture":
            return False
        attribute = {"object": "data"}.get(name, "src")
        sources = [_attr(tag, attribute)] if tag.get(attribute) else []
        if name in ("video", "audio"):
            sources += [_attr(source, "src") for source in tag.find_all("source") if source.get("src")]
        # Tracker prefixes are matched on the URL as written (resolved), before normalisation drops anything.
        if any(self.rules.is_tracker_url(self.resolve(source)) for source in sources):
            return True
        urls = [self.url(source) for source in sources]
        if name == "img":
            alt = self.text(_attr(tag, "alt"))
            src = urls[0] if urls else "(no src)"
            self.emit("image", where, alt or src, f"{src} alt={alt!r}", f"{alt or '(no alt)'}: {src}")
        elif name == "iframe":
            src = urls[0] if urls else "about:blank"
            title = self.text(_attr(tag, "title"))
            self.emit("iframe", where, title or src, src, f"{title}: {src}" if title else src)
        else:
            value = " ".join(urls) or "(no source)"
            self.emit("media", where, name, value, f"{name}: {value}")
        return False
