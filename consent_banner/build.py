"""Assemble each agency's banner.js once at start-up: script, styles and notice in one response, pre-compressed."""

import base64
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import brotli

from consent_banner.minify import minify_css
from consent_banner.minify import minify_js
from server.notice import DEFAULT_LANG
from server.notice import SUPPORTED_LANGS
from server.notice import build_notice

HERE = Path(__file__).resolve().parent
DATA_MARK = '"__CONSENT_DATA__"'
CSS_MARK = '"__CONSENT_CSS__"'
# What the banner needs of a tracker; the rest (request prefixes, contracts) serves QA through /notice.
TRACKER_KEYS = ("id", "vendor", "purpose", "license_url", "privacy_url", "cookies")
NOTICE_KEYS = ("text", "privacy_policy_url", "terms_url", "trackers")
# Wording the banner never shows: the vendor label (the vendor's name is the heading), and the other mode's button.
UNUSED_TEXT = {"opt-out": ("tracker_vendor", "accept"), "opt-in": ("tracker_vendor", "ok")}
# Characters that are valid in JSON strings but unwise in a script body: "<" (in case the script is ever
# inlined into HTML: "</script>"), and the two line terminators older engines reject inside string literals.
JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class Bundle:
    """One agency's banner.js in every encoding we serve, with its validators."""

    agency_id: str
    body: bytes
    gzip: bytes
    br: bytes
    etag: str
    integrity: str

    def encoded(self, encoding):
        """The body for a content coding: "br", "gzip" or "identity"."""
        return {"br": self.br, "gzip": self.gzip}.get(encoding, self.body)

    def etag_for(self, encoding):
        """A strong ETag per representation: a gzip body is not byte-equal to the plain one."""
        suffix = {"br": "-br", "gzip": "-gz"}.get(encoding, "")
        return f'"{self.etag}{suffix}"'

    def etags(self):
        """Every ETag any representation of this bundle was served with (all validate the same resource)."""
        return {self.etag_for(encoding) for encoding in ("identity", "gzip", "br")}


@lru_cache(maxsize=1)
def sources():
    """banner.js and banner.css, minified (read once per process)."""
    js = minify_js((HERE / "banner.js").read_text(encoding="utf-8"))
    css = minify_css((HERE / "banner.css").read_text(encoding="utf-8"))
    if DATA_MARK not in js or CSS_MARK not in js:
        raise RuntimeError("banner.js lost its __CONSENT_DATA__ / __CONSENT_CSS__ placeholders")
    return js, css


def js_literal(value):
    """JSON as a JavaScript literal, compact, with HTML-significant characters escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: JS_UNSAFE[m.group()], text)


def banner_notice(agency, lang):
    """The notice for one language, cut to what the banner shows (the service URL is the script's own origin)."""
    notice = build_notice(agency, lang, "")
    data = {key: notice[key] for key in NOTICE_KEYS}
    data["text"] = {key: value for key, value in notice["text"].items() if key not in UNUSED_TEXT[agency.mode]}
    data["trackers"] = [{key: tracker[key] for key in TRACKER_KEYS} for tracker in notice["trackers"]]
    return data


def embedded_data(agency):
    """Every language's notice; other languages keep only what differs from the default (smaller download)."""
    default = banner_notice(agency, DEFAULT_LANG)
    langs = {DEFAULT_LANG: default}
    for lang in SUPPORTED_LANGS:
        if lang != DEFAULT_LANG:
            notice = banner_notice(agency, lang)
            langs[lang] = {key: value for key, value in notice.items() if key == "text" or value != default[key]}
    return {"id": agency.id, "mode": agency.mode, "d": DEFAULT_LANG, "l": langs}


def render_script(agency):
    """The full banner.js text for one agency."""
    js, css = sources()
    return js.replace(DATA_MARK, js_literal(embedded_data(agency)), 1).replace(CSS_MARK, js_literal(css), 1)


def build_bundle(agency):
    """Render, compress and fingerprint one agency's script."""
    body = render_script(agency).encode("utf-8")
    return Bundle(
        agency_id=agency.id,
        body=body,
        gzip=gzip.compress(body, compresslevel=9, mtime=0),
        br=brotli.compress(body, quality=11),
        etag=hashlib.sha256(body).hexdigest()[:32],
        integrity="sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode("ascii"),
    )


def build_all(agencies):
    """A bundle per agency id (agencies: an iterable of registry Agency objects)."""
    return {agency.id: build_bundle(agency) for agency in agencies}
