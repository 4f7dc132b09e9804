"""Two runs compared: KPI, cost, coverage and assignment deltas, B minus A."""

from __future__ import annotations

import datetime as dt

import pytest

from rostering.results import ChannelKpis, RequirementRow, RosterRow, RunKpis, RunOutcome
from rostering.roster.solution import CostLine, SolveStatus
from rostering.whatif import compare_runs


def _outcome(
    *, cost: dict[str, float], roster: list[tuple[str, str, str]], short: int, sl: float
) -> RunOutcome:
    kpis = RunKpis(
        scenario="s",
        status=SolveStatus.OPTIMAL,
        objective=100.0 + short,
        best_bound=100.0 + short,
        gap=0.0,
        wall_time_s=1.0,
        labour_cost=sum(cost.values()),
        valid=True,
        hard_violations=0,
        soft_violations=short,
        channels=[
            ChannelKpis(
                channel="inbound",
                volume=10,
                required_agent_hours=2,
                scheduled_agent_hours=2 - short / 2,
                coverage=1 - short / 4,
                service_level=sl,
            )
        ],
    )
    start = dt.datetime(2026, 9, 28, 9, 0)
    requirements = [
        RequirementRow(
            interval_start=start + dt.timedelta(minutes=30 * i),
            channel="inbound",
            volume=2.5,
            aht_s=180,
            required_agents=1,
            required=1,
            scheduled=0 if i < short else 1,
            shortfall=1 if i < short else 0,
            surplus=0,
        )
        for i in range(4)
    ]
    rows = [
        RosterRow(
            agent=agent,
            date=dt.date.fromisoformat(day),
            shift=shift,
            start=f"{day}T09:00:00+08:00",
            end=f"{day}T21:00:00+08:00",
            channels="inbound",
        )
        for agent, day, shift in roster
    ]
    return RunOutcome(
        interval_minutes=30,
        kpis=kpis,
        roster=rows,
        requirements=requirements,
        costs=[CostLine(agent=a, base=v) for a, v in cost.items()],
    )


def test_compare_gives_deltas_b_minus_a() -> None:
    a = _outcome(
        cost={"A1": 100, "A2": 50},
        roster=[("A1", "2026-09-28", "A"), ("A2", "2026-09-29", "A")],
        short=0,
        sl=0.9,
    )
    b = _outcome(
        cost={"A1": 100, "B1": 80},
        roster=[("A1", "2026-09-28", "B"), ("B1", "2026-09-30", "A")],
        short=2,
        sl=0.7,
    )
    c = compare_runs(a, b, label_a="base", label_b="surge")
    assert (c.label_a, c.label_b) == ("base", "surge")
    by_name = {(k.name, k.channel): k for k in c.kpis}
    assert by_name[("labour_cost", None)].delta == pytest.approx(30)
    assert by_name[("service_level", "inbound")].delta == pytest.approx(-0.2)
    assert by_name[("coverage", "inbound")].delta == pytest.approx(-0.5)
    assert by_name[("asa_s", "inbound")].delta is None
    assert [(x.agent, x.a, x.b, x.delta) for x in c.costs] == [
        ("A1", 100, 100, 0),
        ("A2", 50, 0, -50),
        ("B1", 0, 80, 80),
        ("TOTAL", 150, 180, 30),
    ]
    assert [(x.date, x.channel, x.shortfall_a, x.shortfall_b) for x in c.coverage] == [
        (dt.date(2026, 9, 28), "inbound", 0.0, 1.0)
    ]
    assert [(x.agent, str(x.date), x.change, x.fields) for x in c.assignments] == [
        ("A1", "2026-09-28", "changed", ["shift"]),
        ("A2", "2026-09-29", "removed", ["shift", "start", "end", "channels", "standby"]),
        ("B1", "2026-09-30", "added", ["shift", "start", "end", "channels", "standby"]),
    ]
    assert c.assignments[0].before == "A 09:00-21:00 inbound"
    assert c.assignments[0].after == "B 09:00-21:00 inbound"
    assert c.assignments_changed == 3


def test_a_run_compared_with_itself_shows_no_change() -> None:
    a = _outcome(cost={"A1": 100}, roster=[("A1", "2026-09-28", "A")], short=1, sl=0.8)
    c = compare_runs(a, a)
    assert c.assignments == []
    assert all(k.delta in (0, None) for k in c.kpis)
    assert all(x.delta == 0 for x in c.costs)
    assert all(x.shortfall_delta == 0 for x in c.coverage)


def test_simulated_figures_are_compared_where_both_runs_have_them() -> None:
    from rostering.results.simulated import Estimate, SimulatedKpis

    def simulated(outcome: RunOutcome, level: float) -> RunOutcome:
        sim = SimulatedKpis(service_level=Estimate(value=level, ci95=(level - 0.01, level + 0.01)))
        channels = [c.model_copy(update={"simulated": sim}) for c in outcome.kpis.channels]
        kpis = outcome.kpis.model_copy(update={"channels": channels})
        return outcome.model_copy(update={"kpis": kpis})

    base = _outcome(cost={"A1": 100.0}, roster=[], short=0, sl=0.9)
    a, b = simulated(base, 0.80), simulated(base, 0.86)
    deltas = {(d.name, d.channel): d for d in compare_runs(a, b).kpis}
    got = deltas[("simulated_service_level", "inbound")]
    assert (got.a, got.b) == (0.80, 0.86) and got.delta == pytest.approx(0.06)
    unsimulated = {(d.name, d.channel): d for d in compare_runs(base, b).kpis}
    assert unsimulated[("simulated_service_level", "inbound")].a is None
    assert unsimulated[("simulated_service_level", "inbound")].delta is None
