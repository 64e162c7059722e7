"""Waivers in QA (policy section 3): a failing 2.x finding whose cookies a waiver in force covers is `waived`."""

import datetime
import json
import urllib.error
import urllib.request
from dataclasses import replace
from urllib.parse import quote

from extension.clauses.findings import Finding
from extension.rules import cookie_name_matches
from extension.trackers import declared_tracker
from server.core.clauses import WAIVABLE

FETCH_TIMEOUT = 10


class WaiverFetchError(Exception):
    """The service's waiver list could not be read (QA then waives nothing: failures stay failures)."""


def today() -> datetime.date:
    """QA's calendar day; a function of its own so tests freeze it."""
    return datetime.date.today()


def fetch_waivers(service: str, agency: str) -> list:
    """The agency's waivers in force as the service publishes them at GET /v1/AGENCY/waivers."""
    url = f"{service.rstrip('/')}/v1/{quote(agency, safe='')}/waivers"
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:
            body = json.load(response)
    except urllib.error.HTTPError as e:
        raise WaiverFetchError(f"cannot read the waivers from {url}: HTTP {e.code}") from e
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise WaiverFetchError(f"cannot read the waivers from {url}: {getattr(e, 'reason', e)}") from e
    waivers = body.get("waivers") if isinstance(body, dict) else body
    if not isinstance(waivers, list) or not all(isinstance(w, dict) and "id" in w for w in waivers):
        raise WaiverFetchError(f"cannot read the waivers from {url}: not a list of waivers")
    return waivers


def _day(value) -> datetime.date | None:
    """An ISO date from the service, or None when absent."""
    return datetime.date.fromisoformat(value) if value else None


def in_force(waiver: dict, day: datetime.date) -> bool:
    """Whether a waiver holds on a day: from `starts` through `ends`; a permanent one has no end."""
    starts, ends = _day(waiver.get("starts")), _day(waiver.get("ends"))
    if starts is not None and day < starts:
        return False
    # From the day after `ends` the waiver no longer holds, whatever the service said when QA fetched it.
    return ends is None or day <= ends


def covers(waiver: dict, clause: str, cookie: dict, notice_data: dict) -> bool:
    """Whether a waiver covers one cookie for one clause (scope: a declared tracker, or cookie names)."""
    clauses = waiver.get("clauses")
    if clauses is not None and clause not in clauses:
        return False
    scope = waiver.get("scope") or {}
    if scope.get("tracker"):
        tracker = declared_tracker(cookie["name"], cookie["domain"], notice_data)
        return tracker is not None and tracker["id"] == scope["tracker"]
    return any(cookie_name_matches(pattern, cookie["name"]) for pattern in scope.get("cookies") or ())


def _from_label(label: str) -> dict:
    """A cookie named in a reason as "name (domain)" (cookie names and domains hold no spaces or brackets)."""
    name, _, domain = label.rpartition(" (")
    return {"name": name, "domain": domain.rstrip(")")}


def offending_cookies(finding: Finding) -> list:
    """The cookies that make a 2.x finding fail, from its evidence."""
    evidence = finding.evidence or {}
    if finding.clause == "2.1":
        return [_from_label(label) for label in evidence.get("outside", [])]
    if finding.clause == "2.2":
        return [{"name": c["name"], "domain": c["domain"]} for c in evidence.get("too_long", [])]
    if finding.clause == "2.5":
        return [_from_label(entry["cookie"]) for entry in evidence.get("offending", [])]
    return []


def waiving(finding: Finding, waivers: list, notice_data: dict, day: datetime.date) -> list:
    """The ids of the waivers that together cover every offending cookie of a failing finding, or []."""
    if finding.verdict != "fail" or finding.clause not in WAIVABLE:
        return []
    cookies = offending_cookies(finding)
    holding = [w for w in waivers if in_force(w, day)]
    used = []
    for cookie in cookies:
        waiver = next((w for w in holding if covers(w, finding.clause, cookie, notice_data)), None)
        if waiver is None:
            return []
        if waiver["id"] not in used:
            used.append(waiver["id"])
    # A failure whose cookies cannot be named is never waived: nothing shows that a waiver covers it.
    return used if cookies else []


def apply_waivers(findings: list, notices: dict, waivers: dict, day: datetime.date) -> list:
    """The findings with every covered 2.x failure turned `waived`, naming its waiver(s); notices and waivers by URL."""
    result = []
    for finding in findings:
        ids = waiving(finding, waivers.get(finding.url, []), notices[finding.url], day)
        if ids:
            named = ", ".join(str(i) for i in ids)
            finding = replace(finding, verdict="waived", waivers=tuple(ids),
                              reason=f"Waived by waiver {named} (in force on {day.isoformat()}): {finding.reason}")
        result.append(finding)
    return result


def load_waivers(services, agency: str, warn) -> dict:
    """Each service's waivers for the agency; an unreadable list is warned about and waives nothing."""
    found = {}
    for service in services:
        try:
            found[service] = fetch_waivers(service, agency)
        except WaiverFetchError as e:
            warn(f"consent-qa: warning: {e}; no finding is waived")
            found[service] = []
    return found
