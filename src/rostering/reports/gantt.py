"""The roster as a Gantt chart: one row per agent, one bar per activity.

Bars are coloured by what the agent does (a channel, a meal) or by shift;
weekends and public holidays are shaded (:mod:`.gantt_days`), standby duties
drawn as hatched day-long bars and suggested call-ins as outlined bars.
Hovering a bar shows the shift, its times, its channels and what the day
costs. :func:`gantt_rows` gives each row's team, skills and shifts, by which
the run report filters and pages the chart (:mod:`.gantt_view`).

Times are shown in the site's local wall-clock time (plotly date axes have no
time zones).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import plotly.graph_objects as go

from rostering.errors import InputError
from rostering.reports import theme
from rostering.reports.gantt_days import LABEL_LINE_PX, shade_days
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


@dataclass(frozen=True)
class GanttRow:
    """One row of the Gantt and what a planner can pick it by."""

    agent: str
    label: str
    team: str
    skills: tuple[str, ...]
    shifts: tuple[str, ...]
    """Shifts worked in the roster, then standby duties as ``"<kind> standby"``."""


def gantt_rows(instance: RosterInstance, solution: RosterSolution) -> list[GanttRow]:
    """The Gantt's rows in instance order, with each person's team, skills and shifts."""
    worked: dict[str, set[str]] = {}
    for a in solution.assignments:
        worked.setdefault(str(a.agent), set()).add(str(a.shift))
    duties: dict[str, set[str]] = {}
    for duty in solution.standby:
        duties.setdefault(str(duty.agent), set()).add(f"{duty.kind} standby")
    return [
        GanttRow(
            agent=str(spec.id),
            label=agent_label(instance, spec.id),
            team=spec.team,
            skills=tuple(str(s) for s in spec.skills),
            shifts=(
                *sorted(worked.get(str(spec.id), set())),
                *sorted(duties.get(str(spec.id), set())),
            ),
        )
        for spec in instance.agents
    ]


ROW_PX = 24
"""Height of one person's row."""
TITLE_PX = 40
TICKS_PX = 34
"""Height of the date ticks above the rows."""
BOTTOM_PX = 16
MIN_HEIGHT_PX = 280


def gantt_height(n_rows: int, *, margin_px: int) -> int:
    """Height in pixels of a Gantt with ``n_rows`` rows and ``margin_px`` of top and bottom."""
    return max(MIN_HEIGHT_PX, margin_px + ROW_PX * max(1, n_rows))


_WHEN = "<b>%{y}</b><br>%{base|%a %d %b}<br>"
_COST = "<br>channels: %{customdata[1]}<br>cost of the day: ¥%{customdata[2]:,.0f}<extra></extra>"
#: Hover of each kind of bar; customdata holds (shift, channels, cost of the day).
HOVER: Mapping[str, str] = {
    "work": _WHEN + "shift %{customdata[0]}: %{fullData.name} %{base|%H:%M}-%{x|%H:%M}" + _COST,
    "call-in": _WHEN + "suggested call-in %{base|%H:%M}-%{x|%H:%M}" + _COST,
    "standby": _WHEN + "on standby (%{customdata[0]}), all day<extra></extra>",
}


def _minute(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _customdata(bars: pd.DataFrame) -> list[list[object]]:
    return [
        [shift, ", ".join(channels), None if pd.isna(cost) else round(float(cost))]
        for shift, channels, cost in zip(
            bars["shift"], bars["channels"], bars["day_cost"], strict=True
        )
    ]


def _marker(kind: str, name: str, colour: str) -> tuple[dict[str, object], float]:
    if kind == "standby":
        pattern = {"shape": "/", "fgcolor": colour, "size": 6, "solidity": 0.3}
        return {
            "color": "rgba(0,0,0,0)",
            "line": {"color": colour, "width": 1},
            "pattern": pattern,
        }, 0.9
    if kind == "call-in":
        pattern = {"shape": "x", "fgcolor": colour, "size": 5}
        return {
            "color": "rgba(0,0,0,0)",
            "line": {"color": colour, "width": 2},
            "pattern": pattern,
        }, 0.5
    return {"color": colour, "line": {"width": 0}}, 0.45 if name == theme.MEAL else 0.7


def roster_gantt(
    instance: RosterInstance,
    solution: RosterSolution,
    *,
    colour_by: ColourBy = "activity",
    colours: Mapping[str, str] | None = None,
    title: str | None = None,
    agents: Sequence[str] | None = None,
) -> go.Figure:
    """The roster as a Gantt chart, one row per agent of the instance.

    ``colour_by="activity"`` colours each interval by the channel the agent
    serves (from ``solution.activities``; a shift whose activities are not
    recorded is drawn as one bar in its single channel, or grey when it
    carries several), with meals in grey; ``colour_by="shift"`` draws one bar
    per shift in the shift's colour. Standby duties are hatched day-long bars,
    call-ins outlined bars. One trace per activity, named after it; each bar's
    ``customdata`` is (shift, channels, cost of the day in whole yuan), which
    the trace's ``hovertemplate`` (:data:`HOVER`) shows. ``agents`` (ids)
    draws only those people, in that order; the height follows the rows drawn
    (:func:`gantt_height`).
    """
    frame = roster_segments(instance, solution, colour_by=colour_by)
    channel_ids = [str(c.id) for c in instance.channels]
    palette = dict(colours) if colours is not None else theme.activity_colours(channel_ids)
    if colour_by == "shift":
        for shift_id, colour in theme.channel_colours(str(s.id) for s in instance.shifts).items():
            palette.setdefault(shift_id, colour)
    if agents is None:
        ids = [str(a.id) for a in instance.agents]
    else:
        ids = [str(a) for a in agents]
        unknown = sorted(set(ids) - {str(a.id) for a in instance.agents})
        if unknown:
            raise InputError(f"agents: the instance does not know {unknown}")
        frame = frame[frame["agent"].isin(set(ids))]
    rows = [agent_label(instance, a) for a in ids]
    fig = go.Figure()
    order = {name: i for i, name in enumerate([*channel_ids, theme.MEAL, theme.WORK])}
    for kind in ("standby", "work", "call-in"):  # drawn bottom to top
        part = frame[frame["kind"] == kind]
        names = sorted(part["activity"].unique(), key=lambda n: (order.get(n, len(order)), n))
        for name in names:
            bars = part[part["activity"] == name]
            marker, width = _marker(kind, name, theme.colour_of(name, palette))
            fig.add_trace(
                go.Bar(
                    name=name,
                    orientation="h",
                    y=bars["row"].tolist(),
                    base=[_minute(t) for t in bars["start"]],
                    # plotly measures date bars in milliseconds
                    x=[
                        int((e - s).total_seconds()) * 1000
                        for s, e in zip(bars["start"], bars["end"], strict=True)
                    ],
                    width=width,
                    marker=marker,
                    customdata=_customdata(bars),
                    hovertemplate=HOVER[kind],
                    legendgroup=name,
                    meta={"kind": kind},
                )
            )
    # An invisible marker per agent keeps a row for agents with nothing rostered.
    origin = dt.datetime.combine(instance.start, dt.time())
    fig.add_trace(
        go.Scatter(
            name="agents",
            x=[_minute(origin)] * len(rows),
            y=rows,
            mode="markers",
            marker={"opacity": 0},
            showlegend=False,
            hoverinfo="skip",
        )
    )
    lines = shade_days(fig, instance, ticks_px=TICKS_PX)
    top = TITLE_PX + TICKS_PX + lines * LABEL_LINE_PX + 4
    fig.update_layout(
        template=theme.TEMPLATE,
        font={"family": theme.FONT},
        title={
            "text": title or f"Roster: {instance.name}",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
            "pad": {"t": 10},
            "x": 0,
            "xanchor": "left",
        },
        barmode="overlay",
        height=gantt_height(len(rows), margin_px=top + BOTTOM_PX),
        margin={"l": 10, "r": 10, "t": top, "b": BOTTOM_PX},
        legend={"orientation": "v", "x": 1.01, "xanchor": "left", "y": 1, "yanchor": "top"},
        hovermode="closest",
    )
    fig.update_xaxes(
        type="date",
        side="top",
        range=[_minute(origin), _minute(origin + dt.timedelta(days=instance.n_days))],
        dtick=_MS_PER_MINUTE * 60 * 24,
        tickformat="%a\n%d %b",
        ticklabelmode="period",
        tickfont={"size": 10},
        showgrid=True,
    )
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=rows,
        # First row on top; a fixed range, as the invisible markers would pad an automatic one.
        range=[len(rows) - 0.5, -0.5],
        autorange=False,
        title=None,
        tickfont={"size": 11},
    )
    log.debug("gantt: %d bars over %d agents", len(frame), len(rows))
    return fig


__all__ = [
    "BOTTOM_PX",
    "HOVER",
    "MIN_HEIGHT_PX",
    "ROW_PX",
    "SEGMENT_COLUMNS",
    "TICKS_PX",
    "TITLE_PX",
    "ColourBy",
    "GanttRow",
    "agent_label",
    "day_cost",
    "gantt_height",
    "gantt_rows",
    "roster_gantt",
    "roster_segments",
]
