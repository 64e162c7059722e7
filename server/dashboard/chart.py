"""An agency's history as a chart: one band per clause, time across, a run of equal verdicts drawn as one bar.

Made on the server as plain numbers for an inline SVG (no script, nothing to download); equal verdicts in a
row are merged, so a year of daily runs is a handful of bars per clause, not 365.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from server.core.clauses import CLAUSE_NAMES
from server.core.clauses import ordered_clauses
from server.dashboard.coverage import shown_verdicts

WIDTH = 720  # drawing width of the time axis, in SVG units
LABEL_WIDTH = 340
BAND = 26
TICKS = 6


@dataclass(frozen=True)
class Bar:
    """Consecutive runs with the same verdict of one clause."""

    x: float
    width: float
    verdict: str
    first: datetime
    last: datetime
    runs: int


@dataclass(frozen=True)
class Band:
    """One clause's row of bars."""

    clause: str
    name: str
    y: int
    bars: tuple


def _x(moment, start, span):
    return round((moment - start).total_seconds() / span * WIDTH, 2)


def bands(runs, start, end):
    """The chart's bands for runs (oldest first) between start and end; a clause a run lacks breaks its bar."""
    span = max((end - start).total_seconds(), 1)
    finished = [run for run in runs if run.state == "done"]
    verdicts = [shown_verdicts(run) for run in finished]
    clauses = ordered_clauses(clause for shown in verdicts for clause in shown)
    edges = [_x(run.started_at, start, span) for run in finished] + [WIDTH]
    result = []
    for row, clause in enumerate(clauses):
        bars, open_bar = [], None
        for index, run in enumerate(finished):
            verdict = verdicts[index].get(clause)
            if open_bar and open_bar["verdict"] == verdict:
                open_bar.update(last=run.started_at, runs=open_bar["runs"] + 1, end=edges[index + 1])
                continue
            if open_bar and open_bar["verdict"]:
                bars.append(open_bar)
            open_bar = {"verdict": verdict, "first": run.started_at, "last": run.started_at, "runs": 1,
                        "x": edges[index], "end": edges[index + 1]}
        if open_bar and open_bar["verdict"]:
            bars.append(open_bar)
        drawn = tuple(Bar(x=bar["x"], width=max(round(bar["end"] - bar["x"], 2), 1.5), verdict=bar["verdict"],
                          first=bar["first"], last=bar["last"], runs=bar["runs"]) for bar in bars)
        result.append(Band(clause=clause, name=CLAUSE_NAMES.get(clause, clause), y=row * BAND, bars=drawn))
    return result


def ticks(start, end):
    """Moments along the time axis, evenly spaced, each labelled differently: (x, label).

    Ticks a day or more apart are dates; closer ones (a new agency's first day) add the time, and a tick on the
    same day as the one before it shows only its time, so no label repeats.
    """
    moments = [start + (end - start) * index / (TICKS - 1) for index in range(TICKS)]
    if (end - start) / (TICKS - 1) >= timedelta(days=1):
        labels = [moment.strftime("%Y-%m-%d") for moment in moments]
    else:
        labels = [moment.strftime("%H:%M" if index and moment.date() == moments[index - 1].date()
                                  else "%Y-%m-%d %H:%M") for index, moment in enumerate(moments)]
    return [(round(index * WIDTH / (TICKS - 1), 2), label) for index, label in enumerate(labels)]


def time_range(runs, start, end):
    """The axis: from the first run shown (not before `start`) to `end`, and at least one run interval past
    the last run, so a new agency's first check is a visible bar rather than a sliver at the year's end."""
    finished = [run.started_at for run in runs if run.state == "done"]
    if not finished:
        return start, end
    gaps = sorted(later - earlier for earlier, later in zip(finished, finished[1:], strict=False))
    interval = gaps[len(gaps) // 2] if gaps else timedelta(days=1)
    return max(start, finished[0]), max(end, finished[-1] + interval)


def chart(runs, start, end):
    """Everything the SVG template draws."""
    start, end = time_range(runs, start, end)
    drawn = bands(runs, start, end)
    return {"bands": drawn, "ticks": ticks(start, end), "width": WIDTH, "label_width": LABEL_WIDTH, "band": BAND,
            "height": max(len(drawn), 1) * BAND + 30}
