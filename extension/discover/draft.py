"""Write the draft agency TOML from what a visit saw: one tracker per vendor, unknowns and breaches in comments."""

import datetime
import json
import math
import re
from urllib.parse import urlsplit

from extension.clauses.persistent import MAX_PERSISTENT_DAYS
from extension.cookies import domain_within
from extension.cookies import host_of
from extension.cookies import site_of
from extension.discover.ocd import lookup
from server.core.agency_schema import MAX_POLICY_EXPIRY_DAYS
from server.core.validators import is_loopback

FILL = "FILL"  # every line a person must complete before check-config passes carries this word
MAX_PURPOSE = 1000


def toml_value(value) -> str:
    """A TOML value: JSON's strings, numbers and arrays are TOML's too (booleans spelled the same)."""
    return json.dumps(value, ensure_ascii=False)


def line(key: str, value, comment: str = "") -> str:
    """key = value, with a trailing comment when there is something to say."""
    return f"{key} = {toml_value(value)}" + (f"  # {comment}" if comment else "")


def slug(text: str) -> str:
    """An agency-file id from a name: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:64].strip("-") or "tracker"


def guess_id(site: str) -> str:
    """A first guess at the agency's id: the site's first label (an address gives none)."""
    label = slug(site.split(".")[0])
    return "agency" if label.isdigit() or label == "tracker" else label


def on_commonwealth(domain: str, commonwealth: list) -> bool:
    """Whether a cookie domain lies within one of the Commonwealth domains."""
    return any(domain_within(domain, cw) for cw in commonwealth)


def breaches(cookie: dict, own_site: str, commonwealth: list) -> list:
    """The clauses (2.1, 2.2, 2.5) this cookie already breaks, each with why."""
    if not cookie["persistent"]:
        return []
    found = []
    outside = site_of(cookie["domain"]) != own_site and not on_commonwealth(cookie["domain"], commonwealth)
    if not on_commonwealth(cookie["domain"], commonwealth):
        found.append("BREAKS 2.1: a persistent cookie outside the Commonwealth domains")
    if (cookie.get("lifetime_days") or 0) > MAX_PERSISTENT_DAYS:
        found.append(f"BREAKS 2.2: asks for {cookie['lifetime_days']:.0f} days, more than 2 years")
    if outside:
        found.append("BREAKS 2.5 unless this vendor is a contracted publisher: a persistent cookie of an outside party")
    return found


def vendors_of(visits: list) -> tuple:
    """({vendor key: {name, known, cookies, requests, entries}}, unknown first-party cookies) from every visit."""
    vendors: dict = {}
    unknown = []
    for seen in visits:
        own = site_of(host_of(seen["start"]))
        for cookie in seen["cookies"]:
            entry = lookup(cookie["name"], cookie["domain"])
            third = site_of(cookie["domain"]) != own
            if entry:
                key = entry["platform"]
            elif third:
                key = site_of(cookie["domain"])
                unknown.append(cookie)
            else:
                unknown.append(cookie)
                continue
            vendor = vendors.setdefault(key, {"name": key, "known": bool(entry), "cookies": {}, "requests": [],
                                              "entries": [], "own_site": own})
            pattern = entry["pattern"] if entry else cookie["name"]
            vendor["cookies"].setdefault((pattern, cookie["domain"]), cookie)
            if entry and entry not in vendor["entries"]:
                vendor["entries"].append(entry)
        for prefix in seen["third_party_requests"]:
            site = site_of(host_of(prefix))
            owner = next((v for v in vendors.values() if any(site_of(d) == site for _, d in v["cookies"])), None)
            owner = owner or vendors.setdefault(site, {"name": site, "known": False, "cookies": {}, "requests": [],
                                                       "entries": [], "own_site": own})
            if prefix not in owner["requests"]:
                owner["requests"].append(prefix)
    return vendors, unknown


def tracker_lines(vendor: dict, commonwealth: list, used_ids: set) -> list:
    """One [[trackers]] table with its cookies; known vendors' purpose and privacy link from the database."""
    tid = slug(vendor["name"])
    while tid in used_ids:
        tid = f"{tid[:60]}-{len(used_ids)}"
    used_ids.add(tid)
    out = ["", "[[trackers]]", line("id", tid)]
    if vendor["known"]:
        first = vendor["entries"][0]
        purpose = "; ".join(dict.fromkeys(e["description"].rstrip(".") for e in vendor["entries"] if e["description"]))
        out.append(line("vendor", vendor["name"], "from the Open Cookie Database"))
        out.append(line("purpose", purpose[:MAX_PURPOSE] or first["category"],
                        f"from the Open Cookie Database ({first['category']}): check it"))
        out.append(line("license_url", "", f"{FILL}: the terms under which the agency uses {vendor['name']} "
                        "(clause 1.3.1; no database has it, a person must add it)"))
        out.append(line("privacy_url", first["privacy_url"], "from the Open Cookie Database")
                   if first["privacy_url"] else line("privacy_url", "", f"{FILL}: the vendor's privacy policy"))
    else:
        out.append(line("vendor", vendor["name"], f"{FILL}: not in the Open Cookie Database; who is behind this site?"))
        out.append(line("purpose", "", f"{FILL}: what the agency uses it for, in plain words"))
        out.append(line("license_url", "", f"{FILL}: the terms under which the agency uses it (clause 1.3.1)"))
        out.append(line("privacy_url", "", f"{FILL}: the vendor's privacy policy"))
    out.append(line("contracted", False, f"{FILL}: true only if the Commonwealth has a contract with this vendor "
                    "(clause 2.5)"))
    seen_from = f"{FILL}: https prefixes (http only on loopback)" if plain_http(vendor["requests"]) else \
        "outside origins it was seen loading from"
    out.append(line("requests", vendor["requests"], seen_from if vendor["requests"] else ""))
    for (pattern, domain), cookie in sorted(vendor["cookies"].items()):
        out += cookie_lines(pattern, domain, cookie, vendor["own_site"], commonwealth)
    return out


def cookie_lines(pattern: str, domain: str, cookie: dict, own_site: str, commonwealth: list) -> list:
    """One [[trackers.cookies]] table, with the clauses it breaks as comments."""
    out = [""]
    out += [f"# {breach}" for breach in breaches(cookie, own_site, commonwealth)]
    out += ["[[trackers.cookies]]", line("name", pattern), line("domain", domain),
            line("persistent", bool(cookie["persistent"]))]
    if cookie["persistent"]:
        days = max(1, math.ceil(cookie.get("lifetime_days") or 1))
        if days > MAX_POLICY_EXPIRY_DAYS:
            out.append(line("expiry_days", days, f"{FILL}: asks for {days} days; shorten it to at most "
                            f"{MAX_POLICY_EXPIRY_DAYS} days, then write the new lifetime here"))
        else:
            out.append(line("expiry_days", days, "as the site asked for it"))
    return out


def plain_http(urls: list) -> bool:
    """Whether any URL is plain http off loopback: an agency file accepts those only on loopback (the demo)."""
    return any(urlsplit(u).scheme != "https" and not is_loopback(urlsplit(u).hostname or "") for u in urls)


def origin_lines(visits: list) -> list:
    """The agency's origins as seen; plain http is accepted only on loopback, so others are marked."""
    origins = list(dict.fromkeys(f"{urlsplit(v['start']).scheme}://{urlsplit(v['start']).netloc}" for v in visits))
    if plain_http(origins):
        return [line("origins", origins, f"{FILL}: the agency's https origins (http only on loopback)")]
    return [line("origins", origins, "where the pages were")]


def draft_toml(visits: list, commonwealth: list, privacy_url: str | None = None) -> str:
    """The whole draft agency file."""
    vendors, unknown = vendors_of(visits)
    site = site_of(host_of(visits[0]["start"]))
    pages = sum(len(v["pages"]) for v in visits)
    out = [f"# Draft agency file written by `consent-qa discover` on {datetime.date.today().isoformat()} from "
           f"{pages} page(s): " + ", ".join(v["start"] for v in visits),
           f"# Complete every line marked {FILL}, then run `consent-service check-config`. Lines marked BREAKS",
           "# name cookies the site already sets against the Enterprise cookie policy (clauses 2.1, 2.2, 2.5).", "",
           line("id", guess_id(site), f"{FILL}: the agency's id (guessed from the site); the file is named ID.toml"),
           line("name", "", f"{FILL}: the agency's name as visitors know it")]
    out += origin_lines(visits)
    if privacy_url:
        out.append(line("privacy_policy_url", privacy_url, f"{FILL}: its https address (http only on loopback)"
                        if plain_http([privacy_url]) else "the privacy policy link found on the page: check it"))
    else:
        out.append(line("privacy_policy_url", "", f"{FILL}: the agency's privacy policy"))
    out.append(line("terms_url", "", f"{FILL}: the agency's terms of use"))
    out.append(line("mode", "opt-out"))
    out.append(line("commonwealth_domains", list(commonwealth)))
    if unknown:
        out += ["", "# Cookies the Open Cookie Database does not know, for review. The agency's own are not",
                "# declared below (declare one under a tracker if a third party's script sets it); outside ones",
                "# are, under their site:"]
        for cookie in unknown:
            life = f"{cookie['lifetime_days']:.0f} days" if cookie.get("lifetime_days") else "session"
            where = "outside party" if site_of(cookie["domain"]) != site else "the agency's site"
            flags = "; ".join(breaches(cookie, site, commonwealth))
            out.append(f"#   {cookie['name']} ({cookie['domain']}, {where}): {life}" + (f"; {flags}" if flags else ""))
    used: set = set()
    for vendor in sorted(vendors.values(), key=lambda v: (not v["known"], v["name"].lower())):
        out += tracker_lines(vendor, commonwealth, used)
    return "\n".join(out) + "\n"
