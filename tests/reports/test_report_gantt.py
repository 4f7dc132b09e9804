"""The roster Gantt: rows, bars, colours by channel, shading, standby and hover."""

from __future__ import annotations

import datetime as dt

import pytest

from rostering.errors import InputError
from rostering.reports import theme
from rostering.reports.gantt import HOVER, day_cost, roster_gantt, roster_segments
from rostering.roster.instance import RosterInstance
from rostering.roster.solution import RosterSolution, StandbyDuty
from rostering.types import AgentId

ROWS = ["A1 Chen Jing", "A2 Li Na", "B1 Wang Fang", "S1 Zhao Lei"]


def _trace(fig, name):  # type: ignore[no-untyped-def]
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, f"expected one trace {name!r}, got {[t.name for t in fig.data]}"
    return found[0]


def _hours(trace) -> float:  # type: ignore[no-untyped-def]
    return sum(trace.x) / 3_600_000


def test_one_row_per_agent_in_instance_order(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    fig = roster_gantt(instance, solution)
    assert list(fig.layout.yaxis.categoryarray) == ROWS
    assert list(fig.layout.yaxis.range) == [3.5, -0.5]  # first row on top
    assert list(_trace(fig, "agents").y) == ROWS


def test_agent_without_duties_keeps_a_row(instance: RosterInstance) -> None:
    empty = RosterSolution(instance="tiny", status="FEASIBLE")
    fig = roster_gantt(instance, empty)
    assert list(_trace(fig, "agents").y) == ROWS
    assert [t.name for t in fig.data] == ["agents"]


def test_bars_coloured_by_channel_with_meals(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    fig = roster_gantt(instance, solution)
    colours = theme.channel_colours(["inbound", "chat", "outbound"])
    assert len(set(colours.values())) == 3
    for channel, hours in (("inbound", 29), ("chat", 12), ("outbound", 11)):
        trace = _trace(fig, channel)
        assert trace.marker.color == colours[channel]
        assert _hours(trace) == pytest.approx(hours)
    meal = _trace(fig, "meal")
    assert meal.marker.color == theme.ACTIVITY_COLOURS["meal"]
    assert _hours(meal) == pytest.approx(5)
    assert fig.layout.barmode == "overlay"


def test_segments_tile_each_shift(instance: RosterInstance, solution: RosterSolution) -> None:
    frame = roster_segments(instance, solution)
    day0 = frame[(frame["agent"] == "A1") & (frame["date"] == dt.date(2026, 9, 30))]
    assert list(day0["activity"]) == ["inbound", "meal", "chat", "inbound"]
    starts, ends = list(day0["start"]), list(day0["end"])
    assert starts[0] == dt.datetime(2026, 9, 30, 9) and ends[-1] == dt.datetime(2026, 9, 30, 21)
    assert starts[1:] == ends[:-1]


def test_shift_without_activities_falls_back_to_assignment(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    frame = roster_segments(instance, solution)
    b1 = frame[frame["agent"] == "B1"]
    assert list(b1["activity"]) == ["outbound", "meal", "outbound"]
    assert b1["start"].iloc[1] == dt.datetime(2026, 9, 30, 12)
    assert b1["end"].iloc[2] == dt.datetime(2026, 9, 30, 18)


def test_weekends_and_holidays_shaded_and_named(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    fig = roster_gantt(instance, solution)
    shapes = {str(s.x0)[:10]: s for s in fig.layout.shapes}
    assert set(shapes) == {"2026-10-01", "2026-10-02"}
    holiday = shapes["2026-10-01"]
    assert holiday.name == "public holiday" and holiday.showlegend
    assert holiday.fillcolor == theme.DAY_SHADING[theme.DayType.HOLIDAY]
    assert holiday.layer == "below" and holiday.yref == "paper"
    assert str(holiday.x1).startswith("2026-10-02")
    assert shapes["2026-10-02"].name == "weekend"
    assert shapes["2026-10-02"].fillcolor == theme.DAY_SHADING[theme.DayType.WEEKEND]
    texts = {a.text for a in fig.layout.annotations}
    assert texts == {"National Day", "working day (adjusted)"}


def test_standby_duties_are_hatched_day_bars(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    fig = roster_gantt(instance, solution)
    standby = _trace(fig, "standby")
    assert list(standby.y) == ["S1 Zhao Lei"] * 4
    assert list(standby.x) == [24 * 3_600_000] * 4
    assert standby.marker.pattern.shape == "/"
    call_in = _trace(fig, "call-in")
    assert list(call_in.y) == ["S1 Zhao Lei"] and _hours(call_in) == pytest.approx(2)
    # standby is drawn first so that work bars lie on top of it
    assert fig.data[0].name == "standby"


def test_hover_shows_times_channels_and_cost(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    fig = roster_gantt(instance, solution)
    outbound = _trace(fig, "outbound")
    holiday = [i for i, base in enumerate(outbound.base) if base.startswith("2026-10-01")]
    assert len(holiday) == 1
    bar = holiday[0]
    # 09:00 to 12:00: plotly shows the base as the start and base + x as the end
    assert outbound.base[bar] == "2026-10-01 09:00"
    assert outbound.x[bar] == 3 * 3_600_000
    # (shift, channels, cost of the day): 3 x 2800 / 15.5 on the public holiday,
    # for 11 paid hours of 12 (meal excluded)
    assert list(outbound.customdata[bar]) == ["A", "inbound, outbound", 497]
    template = outbound.hovertemplate
    assert template == HOVER["work"]
    for part in ("%{y}", "%{base|%a %d %b}", "%{base|%H:%M}-%{x|%H:%M}", "%{customdata[1]}"):
        assert part in template
    assert "¥%{customdata[2]:,.0f}" in template
    assert outbound.hovertext is None
    assert _trace(fig, "standby").hovertemplate == HOVER["standby"]
    assert _trace(fig, "call-in").customdata[0][2] == 90


def test_colour_by_shift(instance: RosterInstance, solution: RosterSolution) -> None:
    fig = roster_gantt(instance, solution, colour_by="shift")
    names = {t.name for t in fig.data}
    assert names == {"A", "B", "meal", "standby", "call-in", "agents"}
    assert _hours(_trace(fig, "A")) == pytest.approx(4 * 11)
    assert _trace(fig, "A").marker.color != _trace(fig, "B").marker.color


def test_custom_colours_are_used(instance: RosterInstance, solution: RosterSolution) -> None:
    fig = roster_gantt(instance, solution, colours={"inbound": "#000000"})
    assert _trace(fig, "inbound").marker.color == "#000000"


def test_unknown_agent_and_bad_mode_raise(
    instance: RosterInstance, solution: RosterSolution
) -> None:
    stray = solution.model_copy(
        update={
            "standby": [StandbyDuty(date=dt.date(2026, 9, 30), agent=AgentId("X9"), kind="backup")]
        }
    )
    with pytest.raises(InputError, match="X9"):
        roster_gantt(instance, stray)
    with pytest.raises(InputError, match="colour_by"):
        roster_segments(instance, solution, colour_by="team")  # type: ignore[arg-type]


def test_day_cost_known_answers(instance: RosterInstance, solution: RosterSolution) -> None:
    by_key = {(a.agent, a.day): a for a in solution.assignments}
    rate_11 = 2800 / 15.5
    assert day_cost(instance, by_key[(AgentId("A1"), 0)]) == pytest.approx(rate_11)
    assert day_cost(instance, by_key[(AgentId("A2"), 1)]) == pytest.approx(3 * rate_11 * 11 / 12)
    assert day_cost(instance, by_key[(AgentId("B1"), 0)]) == pytest.approx(2800 / 21.75)
    # One paid hour past the contract day is paid as overtime.
    b1 = instance.agent("B1")
    b1.contract_minutes = 7 * 60
    assert day_cost(instance, by_key[(AgentId("B1"), 0)]) == pytest.approx(
        2800 / 21.75 + b1.overtime_hourly
    )
