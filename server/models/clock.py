"""Time as the console records it: UTC instants, and Commonwealth calendar days for waiver dates."""

from datetime import UTC
from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

COMMONWEALTH = ZoneInfo("America/New_York")


def utcnow():
    """Now in UTC, naive (stored alike on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in Massachusetts: waivers begin and end on the Commonwealth's calendar days."""
    return datetime.now(COMMONWEALTH).date()


def iso_instant(value):
    """A stored UTC instant as ISO 8601 with its Z."""
    return value.replace(microsecond=0).isoformat() + "Z"
