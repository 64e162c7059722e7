"""One agency file read into a validated, immutable Agency: the TOML, the schema, one clear line when it is wrong."""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from marshmallow import ValidationError

from server.core.agency_problems import first_problem
from server.core.agency_problems import show
from server.core.agency_schema import AGENCY_SCHEMA


class AgencyConfigError(RuntimeError):
    """An agency file is invalid; the message is one line naming the file, the field and the value."""


@dataclass(frozen=True)
class TrackerCookie:
    name: str
    domain: str
    persistent: bool
    expiry_days: int


@dataclass(frozen=True)
class Tracker:
    id: str
    vendor: str
    purpose: str
    license_url: str
    privacy_url: str
    contracted: bool
    cookies: tuple
    requests: tuple
    embed: object = None  # the kind of embedded content (agency_schema.EMBED_KINDS), or None for a script


@dataclass(frozen=True)
class Monitoring:
    """What the monitoring worker checks (absolute URLs: paths on the first origin), when, and whom it tells."""

    pages: tuple
    schedule: str
    contacts: tuple
    sitemap: str | None = None  # absolute; its pages (up to max_pages) join the listed ones in each run
    max_pages: int = 50


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    origins: tuple
    privacy_policy_url: str
    terms_url: str
    mode: str
    commonwealth_domains: tuple
    trackers: tuple
    texts: dict
    equal_access_ignore: tuple
    monitoring: Monitoring | None = None
    readability_max_grade: float | None = None
    secretariat: str | None = None

    def allows_origin(self, origin):
        """Whether a browser Origin header names one of this agency's sites."""
        return origin in self.origins


def _agency_from(data):
    trackers = tuple(
        Tracker(
            **{key: tracker[key] for key in ("id", "vendor", "purpose", "license_url", "privacy_url", "contracted")},
            cookies=tuple(TrackerCookie(**cookie) for cookie in tracker["cookies"]),
            requests=tuple(tracker["requests"]),
            embed=tracker["embed"],
        )
        for tracker in data["trackers"]
    )
    return Agency(
        id=data["id"],
        name=data["name"],
        origins=tuple(origin.rstrip("/") for origin in data["origins"]),
        privacy_policy_url=data["privacy_policy_url"],
        terms_url=data["terms_url"],
        mode=data["mode"],
        commonwealth_domains=tuple(domain.lstrip(".").lower() for domain in data["commonwealth_domains"]),
        trackers=trackers,
        texts={lang: dict(texts) for lang, texts in data["texts"].items()},
        equal_access_ignore=tuple(data["equal_access_ignore"]),
        monitoring=_monitoring_from(data["monitoring"], data["origins"][0].rstrip("/")),
        readability_max_grade=data["readability_max_grade"],
        secretariat=data["secretariat"],
    )


def _monitoring_from(data, first_origin):
    """The [monitoring] table with every page made absolute (the demo's paths follow its bound address)."""
    if data is None:
        return None
    pages = tuple(dict.fromkeys(urljoin(first_origin + "/", page) for page in data["pages"]))
    sitemap = urljoin(first_origin + "/", data["sitemap"]) if data.get("sitemap") else None
    return Monitoring(pages=pages, schedule=data["schedule"], contacts=tuple(data["contacts"]), sitemap=sitemap,
                      max_pages=data["max_pages"])


def load_agency_file(path):
    """Read and validate one agency file, or raise AgencyConfigError with one clear line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AgencyConfigError(f"{path.name}: not valid UTF-8 text") from None
    return load_agency_text(text, path)


def load_agency_text(text, path):
    """Validate one agency file's text; path names it in messages, and its stem is the id it must carry."""
    path = Path(path)
    try:
        raw = tomllib.loads(text)
    except RecursionError:
        raise AgencyConfigError(f"{path.name}: TOML syntax error: nested too deeply") from None
    except tomllib.TOMLDecodeError as error:
        raise AgencyConfigError(f"{path.name}: TOML syntax error: {error}") from None
    try:
        data = AGENCY_SCHEMA.load(raw)
    except ValidationError as error:
        field, message, value = first_problem(error.messages, raw)
        message = message.rstrip(".")
        raise AgencyConfigError(f"{path.name}: field {field} = {show(value)}: {message}") from None
    if data["id"] != path.stem:
        raise AgencyConfigError(
            f"{path.name}: field id = {show(data['id'])}: must match the file name ({path.stem!r})"
        )
    return _agency_from(data)
