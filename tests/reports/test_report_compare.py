"""What-if comparison figures: KPI and cost deltas, coverage change, changed assignments."""

from __future__ import annotations

import datetime as dt

import pytest

from rostering.reports import theme
from rostering.reports.compare import comparison_figure, judge, variants_figure
from rostering.results import (
    AssignmentChange,
    ChannelKpis,
    Comparison,
    CostDelta,
    CoverageDelta,
    KpiDelta,
    RunKpis,
)
from rostering.roster.solution import SolveStatus


def _trace(fig, name):  # type: ignore[no-untyped-def]
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, f"expected one trace {name!r}, got {[t.name for t in fig.data]}"
    return found[0]


def _comparison(changes: int = 3) -> Comparison:
    day = dt.date(2026, 10, 1)
    return Comparison(
        label_a="base",
        label_b="surge",
        kpis=[
            KpiDelta(name="labour_cost", a=1000.0, b=1200.0, delta=200.0),
            KpiDelta(name="wall_time_s", a=1.0, b=2.0, delta=1.0),
            KpiDelta(name="service_level", channel="inbound", a=0.85, b=0.9, delta=0.05),
            KpiDelta(name="volume", channel="inbound", a=100.0, b=150.0, delta=50.0),
            KpiDelta(name="asa_s", channel="chat", a=None, b=12.0, delta=None),
        ],
        costs=[
            CostDelta(agent="A1", a=600.0, b=700.0, delta=100.0),
            CostDelta(agent="A2", a=400.0, b=500.0, delta=100.0),
            CostDelta(agent="TOTAL", a=1000.0, b=1200.0, delta=200.0),
        ],
        coverage=[
            CoverageDelta(
                date=day,
                channel=channel,
                required_a=10,
                required_b=12,
                scheduled_a=10,
                scheduled_b=10,
                shortfall_a=0,
                shortfall_b=short,
                shortfall_delta=short,
            )
            for channel, short in (("inbound", 2.0), ("chat", -0.5))
        ],
        assignments=[
            AssignmentChange(
                agent=f"A{i}",
                date=day,
                change="changed",
                before="A 09:00-21:00 inbound|chat",
                after="A 09:00-21:00 inbound|chat|outbound",
                fields=["channels"],
            )
            for i in range(changes)
        ],
        assignments_changed=changes,
    )


def test_judge_knows_which_way_is_better() -> None:
    assert judge(KpiDelta(name="labour_cost", a=1, b=2, delta=1)) == -1
    assert judge(KpiDelta(name="service_level", a=0.8, b=0.9, delta=0.1)) == 1
    assert judge(KpiDelta(name="coverage", a=0.9, b=0.8, delta=-0.1)) == -1
    assert judge(KpiDelta(name="volume", a=1, b=2, delta=1)) == 0
    assert judge(KpiDelta(name="asa_s", a=None, b=2, delta=None)) == 0


def test_comparison_panels() -> None:
    fig = comparison_figure(_comparison())
    names = [t.name for t in fig.data]
    assert names == [
        "kpis",
        "base",
        "surge",
        "inbound shortfall change",
        "chat shortfall change",
        "assignments",
    ]
    assert list(_trace(fig, "base").y) == [600.0, 400.0]
    assert list(_trace(fig, "surge").x) == ["A1", "A2"]  # the TOTAL row is not a person
    assert "+200" in fig.layout.title.text
    colours = theme.channel_colours(["inbound", "chat"])
    assert _trace(fig, "chat shortfall change").marker.color == colours["chat"]
    assert list(_trace(fig, "chat shortfall change").y) == [-0.5]


def test_kpi_table_colours_better_and_worse() -> None:
    table = _trace(comparison_figure(_comparison()), "kpis")
    kpi, channel, a, b, change = (list(c) for c in table.cells["values"])
    assert "wall time s" not in kpi
    assert kpi[:2] == ["labour cost", "service level"]
    assert channel[:2] == ["all", "inbound"]
    assert change[:2] == ["+200", "+5.0 pp"]
    assert a[3] == "-" and b[3] == "12"
    fills = list(table.cells["fill"]["color"][-1])
    assert "214, 39, 40" in fills[0]  # more cost: worse
    assert "44, 160, 44" in fills[1]  # higher service level: better
    assert fills[2] == "white"  # volume: neither


def test_changed_assignments_are_listed_and_capped() -> None:
    table = _trace(comparison_figure(_comparison(changes=5), max_changes=2), "assignments")
    dates, agents, change, before, after = (list(c) for c in table.cells["values"])
    assert agents == ["A0", "A1"] and change == ["changed", "changed"]
    assert before[0] == "A 09:00-21:00 inbound|chat"
    assert dates[-1] == "... 3 more"
    assert after[0].endswith("outbound")
    assert "assignments changed: 5" in [a.text for a in fig_annotations(_comparison(changes=5))]


def fig_annotations(comparison: Comparison):  # type: ignore[no-untyped-def]
    return comparison_figure(comparison).layout.annotations


def _kpis(cost: float, level: float) -> RunKpis:
    return RunKpis(
        scenario="s",
        status=SolveStatus.OPTIMAL,
        objective=cost,
        best_bound=cost,
        gap=0.0,
        wall_time_s=1.0,
        labour_cost=cost,
        valid=True,
        hard_violations=0,
        soft_violations=0,
        channels=[
            ChannelKpis(
                channel="inbound",
                volume=10,
                required_agent_hours=5,
                scheduled_agent_hours=5,
                coverage=1.0,
                service_level=level,
            ),
            ChannelKpis(
                channel="outbound",
                volume=10,
                required_agent_hours=5,
                scheduled_agent_hours=4,
                coverage=0.8,
                service_level=None,
            ),
        ],
    )


def test_variants_side_by_side() -> None:
    fig = variants_figure({"base": _kpis(1000, 0.8), "surge": _kpis(1300, 0.7)})
    assert [t.name for t in fig.data] == [
        "labour cost",
        "inbound SL",
        "inbound coverage",
        "outbound coverage",
    ]
    assert list(_trace(fig, "labour cost").y) == [1000, 1300]
    assert list(_trace(fig, "inbound SL").y) == [pytest.approx(80.0), pytest.approx(70.0)]
    assert list(_trace(fig, "outbound coverage").y) == [pytest.approx(80.0)] * 2
    colours = theme.channel_colours(["inbound", "outbound"])
    assert _trace(fig, "outbound coverage").marker.color == colours["outbound"]
