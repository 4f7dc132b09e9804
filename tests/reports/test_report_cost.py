"""Cost breakdown by agent and pay component, and the shared colour theme."""

from __future__ import annotations

import pytest

from rostering.reports import theme
from rostering.reports.cost import COMPONENTS, cost_figure, cost_table
from rostering.roster.solution import RosterSolution


def test_cost_table_totals(solution: RosterSolution) -> None:
    table = cost_table(solution)
    assert list(table["agent"]) == ["A1", "A2", "B1", "S1"]
    assert table["total"].sum() == pytest.approx(solution.labour_cost)
    assert table.loc[table["agent"] == "A2", "holiday_premium"].item() == pytest.approx(361.29)


def test_one_stacked_trace_per_component(solution: RosterSolution) -> None:
    fig = cost_figure(solution, labels={"A1": "A1 Chen Jing"})
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == list(COMPONENTS.values())
    assert fig.layout.barmode == "stack"
    by_name = {t.name: t for t in bars}
    assert list(by_name["base pay"].x) == ["A1 Chen Jing", "A2", "B1", "S1"]
    assert list(by_name["overtime"].y) == [0.0, 0.0, pytest.approx(24.14), 0.0]
    assert list(by_name["standby"].y) == [0.0, 0.0, 0.0, 200.0]
    assert by_name["holiday premium"].marker.color == theme.COST_COLOURS["holiday_premium"]
    total = next(t for t in fig.data if t.name == "total")
    assert list(total.text) == ["¥361", "¥723", "¥153", "¥200"]
    assert "1,437" in fig.layout.title.text


def test_channel_colours_are_stable_and_distinct() -> None:
    a = theme.channel_colours(["inbound", "chat", "outbound"])
    b = theme.channel_colours(["inbound", "chat", "outbound", "email"])
    assert {k: b[k] for k in a} == a
    assert len(set(b.values())) == 4
    assert theme.channel_colours(["x", "x"]) == {"x": theme.CHANNEL_PALETTE[0]}
    every = theme.activity_colours(["inbound"])
    assert every["meal"] == theme.ACTIVITY_COLOURS["meal"]
    assert every["inbound"] not in theme.ACTIVITY_COLOURS.values()
    assert theme.colour_of("unknown", every) == theme.ACTIVITY_COLOURS["work"]
