"""One colour per channel and activity, shared by every figure.

A channel keeps its colour across the Gantt, the coverage panels, the what-if
comparison and the HTML report: colours are handed out in the order the
scenario lists its channels, so the first channel is always the first colour.
Activities that are not channels (meal, break, standby, call-in) and the
day-type shading have fixed colours of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rostering.domain.shifts import DayType

#: Colours for channels, in the order channels are listed.
CHANNEL_PALETTE: tuple[str, ...] = (
    "#1f77b4",  # blue
    "#2ca02c",  # green
    "#ff7f0e",  # orange
    "#9467bd",  # purple
    "#17becf",  # teal
    "#8c564b",  # brown
    "#e377c2",  # pink
    "#bcbd22",  # olive
)

MEAL = "meal"
BREAK = "break"
STANDBY = "standby"
CALL_IN = "call-in"
WORK = "work"
"""A shift worked when the roster records no channel for it."""

#: Fixed colours of the activities that are not channels.
ACTIVITY_COLOURS: Mapping[str, str] = {
    MEAL: "#bdbdbd",
    BREAK: "#d9d9d9",
    STANDBY: "#6a3d9a",
    CALL_IN: "#e31a1c",
    WORK: "#7f7f7f",
}

#: Background shading of the days that are not ordinary working days.
DAY_SHADING: Mapping[DayType, str] = {
    DayType.WEEKEND: "rgba(120, 144, 156, 0.14)",
    DayType.HOLIDAY: "rgba(214, 39, 40, 0.13)",
}

REQUIRED = "#222222"
"""Line colour of required staff and of service-level targets."""
SHORTFALL = "#d62728"
SURPLUS = "#9ecae1"

#: Colours of the pay components in cost charts.
COST_COLOURS: Mapping[str, str] = {
    "base": "#4c72b0",
    "overtime": "#dd8452",
    "holiday_premium": "#c44e52",
    "standby": "#8172b3",
}

FONT = "Inter, Segoe UI, Helvetica, Arial, sans-serif"
TEMPLATE = "plotly_white"


def channel_colours(channels: Iterable[str]) -> dict[str, str]:
    """Colour of each channel, handed out in the order given.

    >>> channel_colours(["inbound", "chat"])
    {'inbound': '#1f77b4', 'chat': '#2ca02c'}
    """
    out: dict[str, str] = {}
    for channel in channels:
        if channel not in out:
            out[channel] = CHANNEL_PALETTE[len(out) % len(CHANNEL_PALETTE)]
    return out


def activity_colours(channels: Iterable[str]) -> dict[str, str]:
    """Colours of the channels (in order) and of every non-channel activity."""
    out = channel_colours(channels)
    for name, colour in ACTIVITY_COLOURS.items():
        out.setdefault(name, colour)
    return out


def colour_of(activity: str, colours: Mapping[str, str]) -> str:
    """The colour of an activity, grey when the mapping does not know it."""
    return colours.get(activity, ACTIVITY_COLOURS[WORK])


__all__ = [
    "ACTIVITY_COLOURS",
    "BREAK",
    "CALL_IN",
    "CHANNEL_PALETTE",
    "COST_COLOURS",
    "DAY_SHADING",
    "FONT",
    "MEAL",
    "REQUIRED",
    "SHORTFALL",
    "STANDBY",
    "SURPLUS",
    "TEMPLATE",
    "WORK",
    "activity_colours",
    "channel_colours",
    "colour_of",
]
