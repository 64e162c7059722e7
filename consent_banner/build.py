"""Assemble each agency's banner.js once at start-up: the built script and its notice in one response, compressed.

The service hands over each agency's notice (server.notice.banner_notices); this package never imports the
service. The script itself is banner.min.js, built from src/banner.mjs and banner.css by esbuild (build.mjs).
"""

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import brotli
import zopfli.gzip

HERE = Path(__file__).resolve().parent
BUILT_SCRIPT = HERE / "banner.min.js"
# The embed placeholders' module: loaded by the banner only when a page's embeds are held back (src/embeds.mjs).
BUILT_EMBEDS = HERE / "embeds.min.js"
EMBEDS_MARK = '"__CONSENT_EMBEDS__"'
# Every language the notice is offered in: one locale file each.
LANGUAGES = tuple(sorted(path.stem for path in (HERE / "locales").glob("*.json")))
DATA_MARK = '"__CONSENT_DATA__"'
# What the banner needs of a tracker; the rest (request prefixes, contracts) serves QA through /notice.
TRACKER_KEYS = ("vendor", "purpose", "license_url", "privacy_url", "cookies")
# Wording the banner never shows: the vendor label (the vendor's name is the heading), and the other mode's button.
UNUSED_TEXT = {"opt-out": ("tracker_vendor", "accept"), "opt-in": ("tracker_vendor", "ok")}
# Characters that are valid in JSON strings but unwise in a script body: "<" (in case the script is ever
# inlined into HTML: "</script>"), and the two line terminators older engines reject inside string literals.
JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


class BuildError(RuntimeError):
    """banner.min.js is missing or was not built from this package's source (run `make banner`)."""


@dataclass(frozen=True)
class Bundle:
    """One agency's banner.js in every encoding we serve, with its validators."""

    agency_id: str
    body: bytes
    gzip: bytes
    br: bytes
    etag: str
    integrity: str


@lru_cache(maxsize=1)
def built_script():
    """banner.min.js as esbuild wrote it (read once per process)."""
    try:
        script = BUILT_SCRIPT.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise BuildError(f"{BUILT_SCRIPT} is missing: run `make banner`") from error
    if script.count(DATA_MARK) != 1:
        raise BuildError(f"{BUILT_SCRIPT} lost its {DATA_MARK} placeholder: run `make banner`")
    return script


@lru_cache(maxsize=1)
def built_embeds():
    """embeds.min.js as esbuild wrote it (read once per process)."""
    try:
        script = BUILT_EMBEDS.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise BuildError(f"{BUILT_EMBEDS} is missing: run `make banner`") from error
    if script.count(EMBEDS_MARK) != 1:
        raise BuildError(f"{BUILT_EMBEDS} lost its {EMBEDS_MARK} placeholder: run `make banner`")
    return script


def js_literal(value):
    """JSON as a JavaScript literal, compact, with HTML-significant characters escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: JS_UNSAFE[m.group()], text)


def banner_data(notice):
    """What the script carries: the notice in one language, cut to what the banner shows, and the language list.

    One language only keeps the script small; the banner fetches /notice?lang= when the page asks for another.
    """
    text = {key: value for key, value in notice["text"].items() if key not in UNUSED_TEXT[notice["mode"]]}
    return {
        "agency": notice["agency"]["id"],
        "mode": notice["mode"],
        "lang": notice["lang"],
        "languages": list(LANGUAGES),
        "notice": {
            "text": text,
            "privacy_policy_url": notice["privacy_policy_url"],
            "terms_url": notice["terms_url"],
            "trackers": [{key: tracker[key] for key in TRACKER_KEYS} for tracker in notice["trackers"]],
        },
    }


def render_script(notice):
    """The full banner.js text for one agency's notice."""
    return built_script().replace(DATA_MARK, js_literal(banner_data(notice)), 1)


def build_bundle(notice):
    """Render, compress and fingerprint one agency's script."""
    body = render_script(notice).encode("utf-8")
    return Bundle(
        agency_id=notice["agency"]["id"],
        body=body,
        gzip=_gzip(body),
        br=_brotli(body),
        etag=hashlib.sha256(body).hexdigest()[:32],
        integrity="sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode("ascii"),
    )


@lru_cache(maxsize=4096)
def _gzip(body):
    """Zopfli: a gzip stream every browser reads, about 2 % smaller than gzip -9.

    Half a second of CPU per script, so made once per process for each distinct script: an app built again
    (a test's, a reloaded worker's) with the same agency files reuses it.
    """
    return zopfli.gzip.compress(body)


@lru_cache(maxsize=4096)
def _brotli(body):
    """Brotli at its best quality, once per process for each distinct script (as _gzip)."""
    return brotli.compress(body, quality=11)


def build_all(notices):
    """A bundle per agency id (notices: agency id -> that agency's notice, as server.notice.build_notice makes it)."""
    return {agency_id: build_bundle(notice) for agency_id, notice in notices.items()}


def embeds_data(mode, trackers, default_lang, locales):
    """What the placeholders' module carries: the choice's mode, every tracker's name and kind, the wording in
    every language (small: the module loads only for visitors whose choice holds embeds back).

    trackers: tracker id -> (vendor, embed kind or None); locales: language -> its locale file.
    """
    return {
        "mode": mode,
        "lang": default_lang,
        "texts": {lang: locales[lang]["embeds"] for lang in LANGUAGES},
        "trackers": {tracker_id: {"vendor": vendor, "kind": kind} for tracker_id, (vendor, kind) in trackers.items()},
    }


def render_embeds(data):
    """One agency's embeds.js text (data: embeds_data's); the service compresses and serves it like banner.js."""
    return built_embeds().replace(EMBEDS_MARK, js_literal(data), 1)
