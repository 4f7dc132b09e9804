"""Cost breakdown by agent and pay component, and the shared colour theme."""

from __future__ import annotations

import pytest

from rostering.reports import theme
from rostering.reports.cost import COMPONENTS, cost_figure, cost_table
from rostering.roster.instance import RosterInstance
from rostering.roster.pay import shift_pay
from rostering.roster.solution import RosterSolution
from rostering.types import AgentId

#: The fixture's cost lines are in yuan rounded to the fen.
FEN = 0.005


@pytest.fixture
def priced(instance: RosterInstance) -> RosterInstance:
    """The pay rules the fixture's cost lines follow: B1's contract day is seven hours
    (so shift B, eight paid hours, earns one hour of overtime) and a standby day pays 50."""
    instance.agent(AgentId("B1")).contract_minutes = 7 * 60
    instance.pay.standby_daily_allowance = 50.0
    return instance


def _pay_by_the_rules(
    instance: RosterInstance, solution: RosterSolution
) -> dict[str, dict[str, float]]:
    """Each agent's pay worked out afresh from the roster: every shift worked priced by
    the pay rules, plus the standby allowance for every standby duty."""
    pay = {
        str(a.id): {"days_worked": 0.0, **dict.fromkeys(COMPONENTS, 0.0)} for a in instance.agents
    }
    for a in solution.assignments:
        day = shift_pay(instance, a.agent, a.day, a.shift)
        row = pay[str(a.agent)]
        row["days_worked"] += 1
        row["base"] += day.base
        row["overtime"] += day.overtime
        row["holiday_premium"] += day.holiday_premium
    for duty in solution.standby:
        pay[str(duty.agent)]["standby"] += instance.pay.standby_daily_allowance
    return pay


def test_cost_table_totals(solution: RosterSolution) -> None:
    table = cost_table(solution)
    assert list(table["agent"]) == ["A1", "A2", "B1", "S1"]
    assert table.loc[table["agent"] == "A2", "holiday_premium"].item() == pytest.approx(316.13)


def test_cost_table_and_figure_match_the_pay_rules(
    priced: RosterInstance, solution: RosterSolution
) -> None:
    expected = _pay_by_the_rules(priced, solution)
    totals = {agent: sum(row[k] for k in COMPONENTS) for agent, row in expected.items()}
    grand_total = sum(totals.values())
    # A2's holiday: 3 x the rate for 11 paid hours of a 12-hour day (meal excluded).
    assert grand_total == pytest.approx(
        2800 / 15.5 * (3 + 3 * 11 / 12) + 2800 / 21.75 * (1 + 1.5 / 8) + 200
    )

    table = cost_table(solution).set_index("agent")
    assert sorted(table.index) == sorted(expected)
    for agent, row in expected.items():
        assert table.loc[agent, "days_worked"] == row["days_worked"], agent
        for component in COMPONENTS:
            assert table.loc[agent, component] == pytest.approx(row[component], abs=FEN), (
                agent,
                component,
            )
        assert table.loc[agent, "total"] == pytest.approx(totals[agent], abs=2 * FEN), agent
    assert table["total"].sum() == pytest.approx(grand_total, abs=4 * FEN)

    fig = cost_figure(solution)
    bars = {t.name: t for t in fig.data if t.type == "bar"}
    for component, name in COMPONENTS.items():
        shown = dict(zip(bars[name].x, bars[name].y, strict=True))
        assert shown == {
            agent: pytest.approx(row[component], abs=FEN) for agent, row in expected.items()
        }, component
    total = next(t for t in fig.data if t.name == "total")
    assert dict(zip(total.x, total.y, strict=True)) == {
        agent: pytest.approx(value, abs=2 * FEN) for agent, value in totals.items()
    }
    assert f"total ¥{grand_total:,.0f}" in fig.layout.title.text


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
    assert list(total.text) == ["¥361", "¥677", "¥153", "¥200"]
    assert "1,392" in fig.layout.title.text


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
