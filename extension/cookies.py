"""Turn the extension's raw record into one fact per cookie: who set it, for how long, with which flags."""

import ipaddress
from dataclasses import dataclass
from dataclasses import field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

DAY = 86400
# The Public Suffix List snapshot the package ships: no network at run time.
PUBLIC_SUFFIXES = PublicSuffixList()


def host_of(url: str) -> str:
    """The lower-case host of a URL, '' when there is none."""
    return (urlsplit(url or "").hostname or "").lower()


def site_of(host: str) -> str:
    """The registrable domain ("site") of a host, by the Public Suffix List: what first- vs third-party is judged by."""
    host = host.lower().strip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    # A host that is itself a public suffix (localhost, cloudfront.net) is its own site.
    return PUBLIC_SUFFIXES.privatesuffix(host) or host


def domain_within(domain: str, suffix: str) -> bool:
    """Whether a cookie domain is the suffix itself or a subdomain of it."""
    domain = domain.lower().lstrip(".")
    suffix = suffix.lower().lstrip(".")
    return domain == suffix or domain.endswith("." + suffix)


def parse_set_cookie(line: str, url: str, time_ms: float, source: str) -> dict | None:
    """Parse one Set-Cookie header or document.cookie write into the lifetime it asked for."""
    parts = [p.strip() for p in line.split(";")]
    if not parts or "=" not in parts[0]:
        return None
    name, value = parts[0].split("=", 1)
    attrs = {}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        attrs[key.strip().lower()] = val.strip()
    host = host_of(url)
    lifetime = None
    if "max-age" in attrs:
        try:
            lifetime = int(attrs["max-age"])
        except ValueError:
            lifetime = None
    if lifetime is None and attrs.get("expires"):
        try:
            expires = parsedate_to_datetime(attrs["expires"]).timestamp()
            lifetime = int(expires - time_ms / 1000)
        except (TypeError, ValueError, IndexError):
            lifetime = None
    domain = attrs.get("domain", "").lstrip(".").lower() or host
    return {
        "name": name.strip(),
        "domain": domain,
        "host_only": "domain" not in attrs,
        "setter": host,
        "source": source,
        "raw": line[:300],
        "persistent": lifetime is not None and lifetime > 0,
        "deletion": lifetime is not None and lifetime <= 0,
        "lifetime_days": round(lifetime / DAY, 2) if lifetime and lifetime > 0 else None,
        "http_only": "httponly" in attrs,
        "secure": "secure" in attrs,
        "same_site": attrs.get("samesite", "").lower() or None,
    }


@dataclass
class CookieFact:
    """Everything seen about one cookie (name, domain, path) during a visit."""

    name: str
    domain: str
    path: str = "/"
    persistent: bool = False
    lifetime_days: float | None = None
    requested_days: float | None = None
    stored_days: float | None = None
    http_only: bool = False
    secure: bool = False
    same_site: str | None = None
    setters: list = field(default_factory=list)
    raw: list = field(default_factory=list)
    phases: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """Plain data for the JSON report."""
        return dict(self.__dict__)


def _stored(cookie: dict, now_ms: float) -> dict:
    """A chrome.cookies cookie as the facts we keep (stored expiry is capped at 400 days by Chromium)."""
    session = bool(cookie.get("session")) or "expirationDate" not in cookie
    days = None if session else round((cookie["expirationDate"] - now_ms / 1000) / DAY, 2)
    return {
        "name": cookie["name"],
        "domain": cookie["domain"].lstrip(".").lower(),
        "path": cookie.get("path", "/"),
        "persistent": not session,
        "stored_days": days,
        "http_only": bool(cookie.get("httpOnly")),
        "secure": bool(cookie.get("secure")),
        "same_site": cookie.get("sameSite"),
    }


def requested_cookies(events: list) -> list:
    """Cookies as servers and scripts asked for them (raw headers and document.cookie writes)."""
    asked = []
    for event in events:
        if event.get("kind") == "set-cookie":
            for line in event.get("headers", []):
                parsed = parse_set_cookie(line, event.get("url", ""), event.get("time", 0), "header")
                if parsed:
                    asked.append(parsed)
        elif event.get("kind") == "cookie-write":
            parsed = parse_set_cookie(event.get("value", ""), event.get("url", ""), event.get("time", 0), "script")
            if parsed:
                asked.append(parsed)
    return asked


def collect(phases: dict) -> list:
    """Merge every phase's record into one CookieFact per cookie; phases maps a name to a record."""
    facts: dict = {}

    def fact_for(name, domain, path="/"):
        key = (name, domain.lstrip(".").lower())
        if key not in facts:
            facts[key] = CookieFact(name=name, domain=key[1], path=path)
        return facts[key]

    for phase, record in phases.items():
        events = record.get("events", [])
        stored = [_stored(c, record.get("now", 0)) for c in record.get("cookies", [])]
        for event in events:
            if event.get("kind") == "cookie-change" and not event.get("removed"):
                stored.append(_stored(event["cookie"], event.get("time", 0)))
        for cookie in stored:
            fact = fact_for(cookie["name"], cookie["domain"], cookie["path"])
            fact.persistent = fact.persistent or cookie["persistent"]
            if cookie["stored_days"] is not None:
                fact.stored_days = max(fact.stored_days or 0, cookie["stored_days"])
            fact.http_only = fact.http_only or cookie["http_only"]
            fact.secure = fact.secure or cookie["secure"]
            fact.same_site = cookie["same_site"] or fact.same_site
            if phase not in fact.phases:
                fact.phases.append(phase)
        for asked in requested_cookies(events):
            if asked["deletion"]:
                continue
            match = [f for f in facts.values() if f.name == asked["name"] and domain_within(f.domain, asked["domain"])]
            fact = match[0] if match else fact_for(asked["name"], asked["domain"])
            fact.persistent = fact.persistent or asked["persistent"]
            if asked["lifetime_days"] is not None:
                fact.requested_days = max(fact.requested_days or 0, asked["lifetime_days"])
            if asked["setter"] and asked["setter"] not in fact.setters:
                fact.setters.append(asked["setter"])
            if asked["raw"] not in fact.raw and len(fact.raw) < 5:
                fact.raw.append(asked["raw"])
            if phase not in fact.phases:
                fact.phases.append(phase)
    for fact in facts.values():
        known = [d for d in (fact.requested_days, fact.stored_days) if d is not None]
        fact.lifetime_days = max(known) if known else None
    return sorted(facts.values(), key=lambda f: (f.domain, f.name))


def page_cookies(page: dict) -> list:
    """Every cookie seen during the whole journey (first visit, opt-out, reload, next page), as plain data."""
    phases = {"before": page.get("before", {}).get("record", {}), "after": page.get("after_record", {})}
    return [fact.to_dict() for fact in collect(phases)]
