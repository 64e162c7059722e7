"""The Open Cookie Database shipped in extension/data/: who sets a cookie of this name, why, and their privacy link."""

import csv
from functools import cache
from pathlib import Path

from extension.cookies import domain_within

OCD_FILE = Path(__file__).resolve().parents[1] / "data" / "open-cookie-database" / "open-cookie-database.csv"
# The project's own rows, same columns plus Source, for what Mass.gov pages load and the database lacks (issue 22).
OWN_FILE = Path(__file__).resolve().parents[1] / "data" / "commonwealth-cookies.csv"


@cache
def entries() -> tuple:
    """Every row, ours first, as plain dicts with short keys (`source`: the public page a row of ours rests on)."""
    return tuple(row for path in (OWN_FILE, OCD_FILE) for row in _rows(path))


def _rows(path: Path) -> list:
    """One file's rows with a name."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{
            "platform": row["Platform"].strip(),
            "category": row["Category"].strip(),
            "name": row["Cookie / Data Key name"].strip(),
            "domain": row["Domain"].split("(")[0].strip().lstrip(".").lower(),
            "description": " ".join(row["Description"].split()),
            "retention": row["Retention period"].strip(),
            "controller": row["Data Controller"].strip(),
            "privacy_url": row["User Privacy & GDPR Rights Portals"].strip(),
            "wildcard": row["Wildcard match"].strip() == "1",
            "source": (row.get("Source") or "").strip() or None,
        } for row in csv.DictReader(handle) if row["Cookie / Data Key name"].strip()]


def lookup(name: str, domain: str) -> dict | None:
    """The database's entry for a cookie: its exact name, else the longest prefix marked as a wildcard.

    Where the database gives a domain, it must fit the cookie's (so a common name is not pinned on the wrong
    vendor); entries without one match by name alone. The entry's `pattern` is how an agency file names it.
    """
    exact, prefixed = [], []
    for entry in entries():
        fits = not entry["domain"] or domain_within(domain, entry["domain"]) or domain_within(entry["domain"], domain)
        if not fits:
            continue
        if entry["name"] == name:
            exact.append(entry)
        elif entry["wildcard"] and name.startswith(entry["name"]):
            prefixed.append(entry)
    if exact:
        best = max(exact, key=lambda e: bool(e["domain"]))
        return {**best, "pattern": name}
    if prefixed:
        best = max(prefixed, key=lambda e: len(e["name"]))
        return {**best, "pattern": best["name"] + "*"}
    return None
