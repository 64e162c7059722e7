"""Commonwealth calendar days: waivers begin and end on Boston's dates, whichever half asks."""

from datetime import date
from datetime import datetime
from zoneinfo import ZoneInfo

COMMONWEALTH = ZoneInfo("America/New_York")


def today() -> date:
    """Today's date in Massachusetts: waivers begin and end on the Commonwealth's calendar days."""
    return datetime.now(COMMONWEALTH).date()
