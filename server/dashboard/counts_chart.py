"""An agency's visitor counts per day as two small bar panels (banner loads, opt-outs) for an inline SVG.

Same time axis and ticks as the verdict chart (server/dashboard/chart.py); the numbers come from the stored
snapshots (visitor_counts.py). The page's table beside it lists the same days with the opt-out rate.
"""

from datetime import datetime
from datetime import time

from server.dashboard.chart import WIDTH
from server.dashboard.chart import ticks

DAYS = 30
PANEL_HEIGHT = 90
PANEL_GAP = 34
PANELS = (("banner_loads", "Banner loads per day"), ("opt_outs", "Opt-outs per day"))


def panel(days, field, title, top):
    """One panel's bars, each day's height scaled to the panel's highest day."""
    highest = max((getattr(day, field) for day in days), default=0)
    slot = WIDTH / max(len(days), 1)
    bars = []
    for index, day in enumerate(days):
        value = getattr(day, field)
        height = round(value / highest * PANEL_HEIGHT, 2) if highest else 0
        bars.append({"x": round(index * slot + 1, 2), "width": round(max(slot - 2, 1), 2), "height": height,
                     "y": round(PANEL_HEIGHT - height, 2), "value": value, "day": day.day})
    return {"field": field, "title": title, "top": top, "highest": highest, "bars": bars}


def counts_chart(days):
    """Everything the counts SVG draws, for days (oldest first); None when nothing was counted in them."""
    if not any(day.banner_loads or day.opt_outs or day.withdrawals for day in days):
        return None
    panels = [panel(days, field, title, index * (PANEL_HEIGHT + PANEL_GAP) + 16)
              for index, (field, title) in enumerate(PANELS)]
    start, end = (datetime.combine(days[0].day, time.min), datetime.combine(days[-1].day, time.min))
    return {"panels": panels, "ticks": ticks(start, end), "width": WIDTH, "panel_height": PANEL_HEIGHT,
            "height": len(PANELS) * (PANEL_HEIGHT + PANEL_GAP) + 24, "days": days}
