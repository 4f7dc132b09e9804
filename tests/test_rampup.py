"""New agents and new projects ramp up (seeds 004 and 000)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rostering.domain.rampup import RampUp
from rostering.io import load_scenario
from rostering.pipeline import size_scenario

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "reference-online"
HORIZON = dt.date(2026, 9, 28)


@pytest.mark.parametrize(
    ("days", "share"),
    [
        (0, 0.1),
        (6, 0.1),
        (7, 0.2),
        (14, 0.2),
        (15, 0.4),
        (29, 0.4),
        (30, 0.9),
        (59, 0.9),
        (60, 1.0),
        (89, 1.0),
        (400, 1.0),
    ],
)
def test_seed_stages_map_days_since_hire_to_proficiency(days: int, share: float) -> None:
    ramp = RampUp()
    assert ramp.proficiency(HORIZON - dt.timedelta(days=days), HORIZON) == pytest.approx(share)


def test_a_new_project_breaks_its_targets_in_over_two_months() -> None:
    ramp = RampUp(project_start=dt.date(2026, 9, 1))
    assert ramp.target_share(dt.date(2026, 8, 31)) == 1.0
    assert ramp.target_share(dt.date(2026, 9, 30)) == 0.8
    assert ramp.target_share(dt.date(2026, 10, 1)) == 0.9
    assert ramp.target_share(dt.date(2026, 11, 1)) == 1.0
    assert RampUp().target_share(dt.date(2026, 9, 30)) == 1.0


def _pool_need(update: dict[str, object] | None = None, agents: float | None = None) -> int:
    scenario = load_scenario(REFERENCE)
    if agents is not None:
        people = [
            a.model_copy(update={"proficiency": agents}) if a.role.value == "agent" else a
            for a in scenario.agents
        ]
        scenario = scenario.model_copy(update={"agents": people})
    if update:
        scenario = scenario.model_copy(update={"ramp_up": RampUp(**update)})  # type: ignore[arg-type]
    frame = size_scenario(scenario)
    pooled = frame[frame["channel"].isin(["inbound", "chat"])]
    return int(pooled.groupby("interval_start")["pool_required_staff"].max().sum())


def test_proficiency_raises_the_staff_the_team_needs() -> None:
    assert _pool_need(agents=0.6) > _pool_need()


def test_a_project_in_its_first_month_needs_fewer_staff_for_its_softer_target() -> None:
    assert _pool_need({"project_start": dt.date(2026, 9, 15)}) < _pool_need()
