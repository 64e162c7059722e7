"""The session-replay and keystroke-recording vendors of extension/data/session-recorders.csv, matched by request."""

import csv
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from extension.cookies import domain_within

RECORDERS_FILE = Path(__file__).resolve().parents[1] / "data" / "session-recorders.csv"


@cache
def recorders() -> tuple:
    """Every vendor row: vendor, host suffix, path prefix (may be empty), what it records, its public source."""
    with RECORDERS_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple({"vendor": row["Vendor"].strip(), "host": row["Host"].strip().lower(),
                      "path": row["Path prefix"].strip(), "records": row["Records"].strip(),
                      "source": row["Source"].strip()} for row in csv.DictReader(handle))


def recorder_of(url: str) -> dict | None:
    """The vendor row a request URL belongs to (its host within the row's host, its path under the prefix)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return None
    for row in recorders():
        if domain_within(host, row["host"]) and parts.path.startswith(row["path"]):
            return row
    return None
