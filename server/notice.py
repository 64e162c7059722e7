"""The notice as data: default wording per language, the agency's overrides, and its trackers."""

import json
import re
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent.parent / "consent_banner" / "locales"
SUPPORTED_LANGS = tuple(sorted(path.stem for path in LOCALES_DIR.glob("*.json")))
DEFAULT_LANG = "en"


@cache
def locale(lang):
    """One language's locale file: its name, writing direction, review status and wording (read once)."""
    return json.loads((LOCALES_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def default_texts(lang):
    """The shipped wording for one language."""
    return locale(lang)["texts"]


def text_direction(lang):
    """"rtl" for languages written right to left (Arabic), else "ltr"."""
    return locale(lang)["direction"]


def supported_lang(tag):
    """The supported language a BCP 47 tag asks for, or None (the same rule as the banner's supportedLanguage).

    Chinese comes in two scripts: Traditional for Taiwan, Hong Kong and Macao (or an explicit Hant), else
    Simplified; Portuguese is offered as spoken in Brazil.
    """
    tag = (tag or "").strip().lower()
    code = re.split("[-_]", tag)[0]
    if code == "zh":
        code = "zh-Hant" if re.search("hant|[-_](tw|hk|mo)", tag) else "zh-Hans"
    elif code == "pt":
        code = "pt-BR"
    return code if code in SUPPORTED_LANGS else None


def negotiate_lang(requested=None, accept_language=None):
    """Pick a supported language: an explicit ?lang= first, then the browser's preferences, then English."""
    for candidate in (requested, *(accept_language or ())):
        lang = supported_lang(candidate)
        if lang:
            return lang
    return DEFAULT_LANG


def notice_texts(agency, lang):
    """Default wording, then the agency's overrides, with {agency} replaced by the agency's name."""
    texts = dict(default_texts(lang))
    texts.update(agency.texts.get(lang, {}))
    return {key: value.replace("{agency}", agency.name) for key, value in texts.items()}


def tracker_data(tracker):
    """One tracker as the notice shows it (1.3.1: vendor, purpose, cookies, license and privacy links)."""
    return {
        "id": tracker.id,
        "vendor": tracker.vendor,
        "purpose": tracker.purpose,
        "license_url": tracker.license_url,
        "privacy_url": tracker.privacy_url,
        "contracted": tracker.contracted,
        "requests": list(tracker.requests),
        "cookies": [
            {"name": c.name, "domain": c.domain, "persistent": c.persistent, "expiry_days": c.expiry_days}
            for c in tracker.cookies
        ],
    }


def build_notice(agency, lang, service_url=""):
    """Everything a banner or a QA tool needs to show or check the notice, in one dict.

    Without service_url, choices_url is a path on the service (what the API and banner.js carry).
    """
    return {
        "agency": {"id": agency.id, "name": agency.name},
        "mode": agency.mode,
        "lang": lang,
        "text": notice_texts(agency, lang),
        "privacy_policy_url": agency.privacy_policy_url,
        "terms_url": agency.terms_url,
        "choices_url": f"{service_url}/v1/{agency.id}/choices",
        "commonwealth_domains": list(agency.commonwealth_domains),
        "trackers": [tracker_data(tracker) for tracker in agency.trackers],
    }


def notice_document(agency, lang, service_url=""):
    """The notice endpoint's answer: the notice plus what QA tools need to judge a page (not in banner.js)."""
    document = build_notice(agency, lang, service_url)
    document["origins"] = list(agency.origins)
    document["equal_access_ignore"] = list(agency.equal_access_ignore)
    document["readability_max_grade"] = agency.readability_max_grade  # None: QA's default (grade 10)
    return document


def banner_notices(agencies):
    """Each agency's notice in the default language, as the banner builder takes it (it never imports server)."""
    return {agency.id: build_notice(agency, DEFAULT_LANG) for agency in agencies}
