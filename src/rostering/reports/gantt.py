"""The roster as a Gantt chart: one row per agent, one bar per activity.

Bars are coloured by what the agent does (a channel, a meal) or by shift;
weekends and public holidays are shaded, standby duties drawn as hatched
day-long bars and suggested call-ins as outlined bars. Hovering a bar shows the
shift, its times, its channels and what the day costs.

Times are shown in the site's local wall-clock time (plotly date axes have no
time zones).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from rostering.domain.shifts import DayType
from rostering.errors import InputError
from rostering.reports import theme
from rostering.roster.instance import RosterInstance
from rostering.roster.pay import shift_pay
from rostering.roster.solution import Assignment, RosterSolution

log = logging.getLogger(__name__)

ColourBy = Literal["activity", "shift"]

#: Columns of :func:`roster_segments`.
SEGMENT_COLUMNS = (
    "agent",
    "row",
    "kind",
    "activity",
    "shift",
    "date",
    "start",
    "end",
    "channels",
    "day_cost",
)

_MS_PER_MINUTE = 60_000

#: Legend names of the shaded day types (every shaded day of a type shares its name).
_SHADE_NAMES = {DayType.WEEKEND: "weekend", DayType.HOLIDAY: "public holiday"}


@dataclass(frozen=True)
class _Segment:
    agent: str
    kind: str  # "work", "standby" or "call-in"
    activity: str
    shift: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    channels: tuple[str, ...]
    day_cost: float | None


def agent_label(instance: RosterInstance, agent_id: str) -> str:
    """The row label of an agent: id and name."""
    spec = instance.agent(agent_id)
    return f"{spec.id} {spec.name}".strip()


def _local(value: dt.datetime, tz: str) -> dt.datetime:
    """Wall-clock local time without a zone (plotly date axes are naive)."""
    if value.tzinfo is None:
        return value
    return pd.Timestamp(value).tz_convert(tz).tz_localize(None).to_pydatetime()


def _slot_time(instance: RosterInstance, slot: int) -> dt.datetime:
    origin = dt.datetime.combine(instance.start, dt.time())
    return origin + dt.timedelta(minutes=slot * instance.interval_minutes)


def _slot_of(instance: RosterInstance, moment: dt.datetime) -> int:
    origin = dt.datetime.combine(instance.start, dt.time())
    minutes = (moment - origin).total_seconds() / 60
    return int(minutes // instance.interval_minutes)


def day_cost(instance: RosterInstance, assignment: Assignment) -> float:
    """Pay for one shift worked, by the roster's pay rules (daily rate, overtime past
    the contract day, the public-holiday multiple)."""
    return shift_pay(instance, assignment.agent, assignment.day, assignment.shift).total


def _work_segments(
    instance: RosterInstance, solution: RosterSolution, *, colour_by: ColourBy
) -> list[_Segment]:
    tz = instance.timezone
    by_agent: dict[str, dict[int, str]] = {}
    for act in solution.activities:
        by_agent.setdefault(str(act.agent), {})[act.slot] = act.activity
    segments: list[_Segment] = []
    for a in solution.assignments:
        start, end = _local(a.start, tz), _local(a.end, tz)
        channels = tuple(str(c) for c in a.channels)

        def piece(p0: dt.datetime, p1: dt.datetime, activity: str, a: Assignment = a) -> _Segment:
            return _Segment(
                agent=str(a.agent),
                kind="work",
                activity=activity,
                shift=str(a.shift),
                date=a.date,
                start=p0,
                end=p1,
                channels=tuple(str(c) for c in a.channels),
                day_cost=day_cost(instance, a),
            )

        slots = by_agent.get(str(a.agent), {})
        first, last = _slot_of(instance, start), _slot_of(instance, end)
        covered = [(s, slots[s]) for s in range(first, last) if s in slots]
        if colour_by == "shift" or not covered:
            # One bar for the shift, the meal cut out of it when the roster states one.
            if colour_by == "shift":
                label = str(a.shift)
            elif len(channels) == 1:
                label = channels[0]
            else:
                label = theme.WORK
            pieces = [(start, end, label)]
            if a.meal_start is not None and a.meal_end is not None:
                m0, m1 = _local(a.meal_start, tz), _local(a.meal_end, tz)
                pieces = [(start, m0, label), (m0, m1, theme.MEAL), (m1, end, label)]
            for p0, p1, activity in pieces:
                if p1 > p0:
                    segments.append(piece(p0, p1, activity))
            continue
        run_start, run_activity, previous = covered[0][0], covered[0][1], covered[0][0]
        for slot, activity in [*covered[1:], (-1, "")]:
            if slot == previous + 1 and activity == run_activity:
                previous = slot
                continue
            segments.append(
                piece(
                    max(start, _slot_time(instance, run_start)),
                    min(end, _slot_time(instance, previous + 1)),
                    run_activity,
                )
            )
            run_start, run_activity, previous = slot, activity, slot
    return segments


def _duty_segments(instance: RosterInstance, solution: RosterSolution) -> list[_Segment]:
    tz = instance.timezone
    segments: list[_Segment] = []
    for duty in solution.standby:
        day_start = dt.datetime.combine(duty.date, dt.time())
        segments.append(
            _Segment(
                agent=str(duty.agent),
                kind="standby",
                activity=theme.STANDBY,
                shift=duty.kind,
                date=duty.date,
                start=day_start,
                end=day_start + dt.timedelta(days=1),
                channels=(),
                day_cost=None,
            )
        )
    for call in solution.call_ins:
        segments.append(
            _Segment(
                agent=str(call.agent),
                kind="call-in",
                activity=theme.CALL_IN,
                shift="",
                date=call.date,
                start=_local(call.start, tz),
                end=_local(call.end, tz),
                channels=(str(call.channel),),
                day_cost=call.cost,
            )
        )
    return segments


def roster_segments(
    instance: RosterInstance,
    solution: RosterSolution,
    *,
    colour_by: ColourBy = "activity",
) -> pd.DataFrame:
    """The bars of the Gantt as a frame, one row per bar.

    Columns (:data:`SEGMENT_COLUMNS`): ``agent``, ``row`` (the row label),
    ``kind`` (``work``, ``standby`` or ``call-in``), ``activity`` (a channel,
    ``meal``, ``work``, a shift id when coloured by shift, ``standby`` or
    ``call-in``), ``shift`` (shift id, or the standby kind), ``date``, ``start``
    and ``end`` (naive local time), ``channels`` (tuple of channel ids) and
    ``day_cost`` (yuan for the day's shift or call-in, else NaN).
    """
    if colour_by not in ("activity", "shift"):
        raise InputError(f"colour_by must be 'activity' or 'shift', got {colour_by!r}")
    known = {str(a.id) for a in instance.agents}
    segments = _work_segments(instance, solution, colour_by=colour_by)
    segments += _duty_segments(instance, solution)
    unknown = sorted({s.agent for s in segments} - known)
    if unknown:
        raise InputError(f"the roster names agents the instance does not know: {unknown}")
    rows = [
        {
            "agent": s.agent,
            "row": agent_label(instance, s.agent),
            "kind": s.kind,
            "activity": s.activity,
            "shift": s.shift,
            "date": s.date,
            "start": s.start,
            "end": s.end,
            "channels": s.channels,
            "day_cost": float("nan") if s.day_cost is None else s.day_cost,
        }
        for s in segments
    ]
    frame = pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))
    return frame.sort_values(["agent", "start", "kind"], kind="stable").reset_index(drop=True)


def _hover(row: pd.Series) -> str:
    start: dt.datetime = row["start"]
    end: dt.datetime = row["end"]
    lines = [f"<b>{row['row']}</b>", f"{start:%a %d %b}"]
    if row["kind"] == "standby":
        lines.append(f"on standby ({row['shift']}), all day")
        return "<br>".join(lines)
    if row["kind"] == "call-in":
        lines.append(f"suggested call-in {start:%H:%M}-{end:%H:%M}")
    else:
        lines.append(f"shift {row['shift']}: {row['activity']} {start:%H:%M}-{end:%H:%M}")
    if row["channels"]:
        lines.append("channels: " + ", ".join(row["channels"]))
    if pd.notna(row["day_cost"]):
        lines.append(f"cost of the day: ¥{row['day_cost']:,.0f}")
    return "<br>".join(lines)


def _shade_days(fig: go.Figure, instance: RosterInstance) -> None:
    """Shade weekends and public holidays; name holidays and adjusted working days."""
    legend_shown: set[DayType] = set()
    for day, day_type in enumerate(instance.day_types):
        date = instance.date(day)
        x0 = dt.datetime.combine(date, dt.time())
        x1 = x0 + dt.timedelta(days=1)
        if day_type in theme.DAY_SHADING:
            fig.add_shape(
                type="rect",
                xref="x",
                yref="paper",
                x0=x0,
                x1=x1,
                y0=0,
                y1=1,
                fillcolor=theme.DAY_SHADING[day_type],
                line={"width": 0},
                layer="below",
                name=_SHADE_NAMES[day_type],
                legendgroup=f"day-{day_type.value}",
                showlegend=day_type not in legend_shown,
                legend="legend",
            )
            legend_shown.add(day_type)
        label = instance.holiday_names.get(day)
        if label is None and day_type is DayType.WORKDAY and date.weekday() >= 5:
            label = "working day (adjusted)"
        if label:
            fig.add_annotation(
                x=x0 + dt.timedelta(hours=12),
                y=1.0,
                xref="x",
                yref="paper",
                yanchor="bottom",
                text=label,
                showarrow=False,
                font={"size": 10},
                name=f"day-label {date.isoformat()}",
            )


def roster_gantt(
    instance: RosterInstance,
    solution: RosterSolution,
    *,
    colour_by: ColourBy = "activity",
    colours: Mapping[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """The roster as a Gantt chart, one row per agent of the instance.

    ``colour_by="activity"`` colours each interval by the channel the agent
    serves (from ``solution.activities``; a shift whose activities are not
    recorded is drawn as one bar in its single channel, or grey when it
    carries several), with meals in grey; ``colour_by="shift"`` draws one bar
    per shift in the shift's colour. Standby duties are hatched day-long bars,
    call-ins outlined bars. One trace per activity, named after it.
    """
    frame = roster_segments(instance, solution, colour_by=colour_by)
    channel_ids = [str(c.id) for c in instance.channels]
    palette = dict(colours) if colours is not None else theme.activity_colours(channel_ids)
    if colour_by == "shift":
        for shift_id, colour in theme.channel_colours(str(s.id) for s in instance.shifts).items():
            palette.setdefault(shift_id, colour)
    rows = [agent_label(instance, a.id) for a in instance.agents]
    fig = go.Figure()
    order = {name: i for i, name in enumerate([*channel_ids, theme.MEAL, theme.WORK])}
    kinds = ("standby", "work", "call-in")  # drawn bottom to top
    for kind in kinds:
        part = frame[frame["kind"] == kind]
        names = sorted(part["activity"].unique(), key=lambda n: (order.get(n, len(order)), n))
        for name in names:
            bars = part[part["activity"] == name]
            colour = theme.colour_of(name, palette)
            marker: dict[str, object] = {"color": colour, "line": {"width": 0}}
            width = 0.7
            if kind == "standby":
                marker = {
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": colour, "width": 1},
                    "pattern": {"shape": "/", "fgcolor": colour, "size": 6, "solidity": 0.3},
                }
                width = 0.9
            elif kind == "call-in":
                marker = {
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": colour, "width": 2},
                    "pattern": {"shape": "x", "fgcolor": colour, "size": 5},
                }
                width = 0.5
            elif name == theme.MEAL:
                width = 0.45
            durations = (bars["end"] - bars["start"]).map(
                lambda d: d.total_seconds() * 1000  # plotly measures date bars in ms
            )
            fig.add_trace(
                go.Bar(
                    name=name,
                    orientation="h",
                    y=bars["row"].tolist(),
                    base=[t.isoformat() for t in bars["start"]],
                    x=durations.tolist(),
                    width=width,
                    marker=marker,
                    hovertext=[_hover(r) for _, r in bars.iterrows()],
                    hoverinfo="text",
                    legendgroup=name,
                    meta={"kind": kind},
                )
            )
    # An invisible marker per agent keeps a row for agents with nothing rostered.
    origin = dt.datetime.combine(instance.start, dt.time())
    fig.add_trace(
        go.Scatter(
            name="agents",
            x=[origin] * len(rows),
            y=rows,
            mode="markers",
            marker={"opacity": 0},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    _shade_days(fig, instance)
    origin = dt.datetime.combine(instance.start, dt.time())
    fig.update_layout(
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        title=title or f"Roster: {instance.name}",
        barmode="overlay",
        height=160 + 34 * len(rows),
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.06, "x": 0},
        hovermode="closest",
    )
    fig.update_xaxes(
        type="date",
        range=[origin, origin + dt.timedelta(days=instance.n_days)],
        dtick=_MS_PER_MINUTE * 60 * 24,
        tickformat="%a\n%d %b",
        showgrid=True,
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=rows,
        autorange="reversed",
        title=None,
    )
    log.debug("gantt: %d bars over %d agents", len(frame), len(rows))
    return fig


__all__ = [
    "SEGMENT_COLUMNS",
    "ColourBy",
    "agent_label",
    "day_cost",
    "roster_gantt",
    "roster_segments",
]
