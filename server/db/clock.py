"""Time as the console records it: UTC instants, and Commonwealth calendar days for waiver dates."""

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time

from server.core.calendar import COMMONWEALTH
from server.core.calendar import today

__all__ = ["COMMONWEALTH", "commonwealth_day", "commonwealth_midnight", "iso_instant", "today", "utcnow"]


def utcnow():
    """Now in UTC, naive (stored alike on SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def commonwealth_day(instant) -> date:
    """The Commonwealth calendar day of a stored (naive UTC) instant: 02:00 UTC is still yesterday in Boston."""
    return instant.replace(tzinfo=UTC).astimezone(COMMONWEALTH).date()


def commonwealth_midnight(day) -> datetime:
    """When a Commonwealth day begins, as a stored (naive UTC) instant (04:00 or 05:00 UTC, with daylight time)."""
    return datetime.combine(day, time.min, tzinfo=COMMONWEALTH).astimezone(UTC).replace(tzinfo=None)


def iso_instant(value):
    """A stored UTC instant as ISO 8601 with its Z."""
    return value.replace(microsecond=0).isoformat() + "Z"
