"""Weekends and public holidays behind a Gantt's time axis, named without overlap.

Consecutive shaded days of one kind are one band; a holiday that lasts
several days is named once, over its whole span. Names sit above the date
ticks, each on the lowest line where it clears its neighbours, cut short
when long; hovering a name shows it in full with its dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import plotly.graph_objects as go

from rostering.domain.shifts import DayType
from rostering.reports import theme
from rostering.roster.instance import RosterInstance

#: Legend names of the shaded day types (every band of a type shares its name).
SHADE_NAMES = {DayType.WEEKEND: "weekend", DayType.HOLIDAY: "public holiday"}

ADJUSTED = "working day (adjusted)"
"""Name of a weekend day declared a working day."""

MAX_LABEL_CHARS = 24
"""Longer day names are cut to this many characters (the hover shows them whole)."""

LABEL_FONT_PX = 10
LABEL_LINE_PX = 15
"""Height of one line of day names above the date ticks."""

_CHAR_PX = 6.0  # mean width of a character at LABEL_FONT_PX
_PLOT_WIDTH_PX = 1000.0  # narrowest plot width the names are spaced for


@dataclass(frozen=True)
class DayLabel:
    """A name over a run of days: ``first`` to ``last`` (day indices, inclusive)."""

    first: int
    last: int
    text: str
    level: int
    """Line above the date ticks, 0 the nearest."""

    @property
    def short(self) -> str:
        """The text as drawn: cut to :data:`MAX_LABEL_CHARS` characters."""
        if len(self.text) <= MAX_LABEL_CHARS:
            return self.text
        return self.text[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def _name_of(instance: RosterInstance, day: int) -> str | None:
    name = instance.holiday_names.get(day)
    weekend = instance.date(day).weekday() >= 5
    if name is None and weekend and instance.day_types[day] is DayType.WORKDAY:
        return ADJUSTED
    return name


def day_labels(
    instance: RosterInstance, *, plot_width_px: float = _PLOT_WIDTH_PX
) -> list[DayLabel]:
    """The names of holidays and adjusted working days, one per run of equal names.

    Each name gets the lowest line on which it clears every name before it,
    judged at ``plot_width_px`` pixels for the whole horizon.
    """
    runs: list[tuple[int, int, str]] = []
    for day in range(instance.n_days):
        name = _name_of(instance, day)
        if name is None:
            continue
        if runs and runs[-1][2] == name and runs[-1][1] == day - 1:
            runs[-1] = (runs[-1][0], day, name)
        else:
            runs.append((day, day, name))
    day_px = plot_width_px / max(1, instance.n_days)
    ends: list[float] = []  # right edge, in days, of the last name on each line
    labels: list[DayLabel] = []
    for first, last, name in runs:
        label = DayLabel(first=first, last=last, text=name, level=0)
        centre = (first + last + 1) / 2
        half = (len(label.short) * _CHAR_PX + 8) / day_px / 2
        level = next((i for i, end in enumerate(ends) if end <= centre - half), len(ends))
        if level == len(ends):
            ends.append(centre + half)
        else:
            ends[level] = centre + half
        labels.append(DayLabel(first=first, last=last, text=name, level=level))
    return labels


def _bands(instance: RosterInstance) -> list[tuple[int, int, DayType]]:
    bands: list[tuple[int, int, DayType]] = []
    for day, day_type in enumerate(instance.day_types):
        if day_type not in theme.DAY_SHADING:
            continue
        if bands and bands[-1][2] is day_type and bands[-1][1] == day - 1:
            bands[-1] = (bands[-1][0], day, day_type)
        else:
            bands.append((day, day, day_type))
    return bands


def _span_text(instance: RosterInstance, label: DayLabel) -> str:
    first, last = instance.date(label.first), instance.date(label.last)
    if first == last:
        return f"{label.text}: {first:%a %d %b}"
    return f"{label.text}: {first:%a %d %b} to {last:%a %d %b}"


def shade_days(fig: go.Figure, instance: RosterInstance, *, ticks_px: int) -> int:
    """Shade weekends and public holidays and name them above the date ticks.

    ``ticks_px`` is the height of the date tick labels on top of the plot; the
    names are drawn above them. Returns the number of lines the names take.
    """
    origin = dt.datetime.combine(instance.start, dt.time())
    shown: set[DayType] = set()
    for first, last, day_type in _bands(instance):
        fig.add_shape(
            type="rect",
            xref="x",
            yref="paper",
            x0=origin + dt.timedelta(days=first),
            x1=origin + dt.timedelta(days=last + 1),
            y0=0,
            y1=1,
            fillcolor=theme.DAY_SHADING[day_type],
            line={"width": 0},
            layer="below",
            name=SHADE_NAMES[day_type],
            legendgroup=f"day-{day_type.value}",
            showlegend=day_type not in shown,
            legend="legend",
        )
        shown.add(day_type)
    labels = day_labels(instance)
    for label in labels:
        middle = origin + dt.timedelta(days=(label.first + label.last + 1) / 2)
        fig.add_annotation(
            x=middle,
            y=1.0,
            xref="x",
            yref="paper",
            yanchor="bottom",
            yshift=ticks_px + label.level * LABEL_LINE_PX,
            text=label.short,
            hovertext=_span_text(instance, label),
            showarrow=False,
            font={"size": LABEL_FONT_PX, "color": "#444"},
            name=f"day-label {instance.date(label.first).isoformat()}",
        )
    return 1 + max((label.level for label in labels), default=-1)


__all__ = [
    "ADJUSTED",
    "LABEL_LINE_PX",
    "MAX_LABEL_CHARS",
    "SHADE_NAMES",
    "DayLabel",
    "day_labels",
    "shade_days",
]
