"""What-if overrides applied to the reference scenario."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from rostering.domain.agents import LeaveKind
from rostering.domain.scenario import Scenario
from rostering.errors import ScenarioError
from rostering.io import load_scenario
from rostering.whatif import (
    CHANGED_FILE,
    WHATIF_FILE,
    Absence,
    AgentCopy,
    AhtChange,
    TargetChange,
    VolumeChange,
    WhatIf,
    apply_whatif,
)

MONDAY = dt.date(2026, 9, 28)


@pytest.fixture(scope="module")
def reference() -> Scenario:
    return load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "reference-online")


def _daily(s: Scenario, channel: str, day: dt.date) -> tuple[float, float]:
    row = next(r for r in s.demand.daily if r.channel == channel and r.date == day)
    return row.volume, row.aht_s


def test_an_empty_whatif_changes_nothing(reference: Scenario) -> None:
    assert apply_whatif(reference, WhatIf()) == reference
    assert not WhatIf(time_limit_s=3).changes_scenario


def test_volume_factors_match_channel_date_and_weekday_and_multiply(
    reference: Scenario,
) -> None:
    whatif = WhatIf(
        volume=[
            VolumeChange(factor=1.2, weekday=0),
            VolumeChange(factor=2, channel="chat", date=MONDAY),
        ]
    )
    untouched = reference.model_copy(deep=True)
    changed = apply_whatif(reference, whatif)
    assert reference == untouched
    for day in reference.horizon.dates:
        for channel in ("inbound", "chat", "outbound"):
            before, _ = _daily(reference, channel, day)
            after, _ = _daily(changed, channel, day)
            expected = before * (1.2 if day.weekday() == 0 else 1.0)
            expected *= 2 if (channel, day) == ("chat", MONDAY) else 1
            assert after == pytest.approx(expected), (channel, day)


def test_interval_demand_is_matched_by_local_date() -> None:
    scenario = load_scenario(Path(__file__).resolve().parents[1] / "scenarios" / "reference-online")
    data = scenario.model_dump()
    data["demand"] = {
        "intervals": [
            {
                "interval_start": dt.datetime(2026, 9, 28, 9, 0),
                "channel": "inbound",
                "volume": 10,
                "aht_s": 180,
            },
            {
                "interval_start": dt.datetime(2026, 9, 29, 9, 0),
                "channel": "inbound",
                "volume": 10,
                "aht_s": 180,
            },
        ]
    }
    changed = apply_whatif(
        Scenario.model_validate(data),
        WhatIf(volume=[VolumeChange(factor=3, date=MONDAY)], aht=[AhtChange(aht_s=200)]),
    )
    assert [r.volume for r in changed.demand.intervals] == [30, 10]
    assert [r.aht_s for r in changed.demand.intervals] == [200, 200]


def test_aht_factor_and_seconds_apply_in_order(reference: Scenario) -> None:
    changed = apply_whatif(
        reference,
        WhatIf(aht=[AhtChange(channel="inbound", aht_s=150), AhtChange(factor=1.1)]),
    )
    assert _daily(changed, "inbound", MONDAY)[1] == pytest.approx(165)
    assert _daily(changed, "chat", MONDAY)[1] == pytest.approx(176)
    with pytest.raises(ValidationError, match="exactly one of factor or aht_s"):
        AhtChange(factor=1.1, aht_s=100)


def test_targets_change_only_the_fields_given(reference: Scenario) -> None:
    changed = apply_whatif(
        reference,
        WhatIf(
            targets=[
                TargetChange(channel="inbound", service_level=0.9, threshold_s=15),
                TargetChange(channel="inbound", asa_s=None),
            ]
        ),
    )
    targets = changed.channel("inbound").targets
    assert (targets.service_level, targets.threshold_s, targets.asa_s) == (0.9, 15, None)
    assert targets.abandon_rate == reference.channel("inbound").targets.abandon_rate
    assert changed.channel("chat").targets == reference.channel("chat").targets


def test_agents_removed_added_copied_and_absent(reference: Scenario) -> None:
    extra = reference.agents[2].model_copy(update={"id": "B9", "name": "New"})
    changed = apply_whatif(
        reference,
        WhatIf(
            remove_agents=["B1"],
            add_agents=[extra],
            copy_agents=[AgentCopy(like="A1", count=2)],
            absences=[
                Absence(agent="A1+2", dates=[MONDAY], kind=LeaveKind.SICK),
                Absence(agent="A2", dates=[MONDAY, MONDAY + dt.timedelta(days=1)]),
            ],
        ),
    )
    by_id = {a.id: a for a in changed.agents}
    assert list(by_id) == ["A1", "A2", "A3", "A4", "S1", "B9", "A1+1", "A1+2"]
    copy = by_id["A1+1"]
    assert (copy.shifts, copy.pattern, copy.skills) == (
        by_id["A1"].shifts,
        by_id["A1"].pattern,
        by_id["A1"].skills,
    )
    assert copy.history == ""
    assert [(lv.date, lv.kind) for lv in by_id["A1+2"].leave] == [(MONDAY, LeaveKind.SICK)]
    assert [lv.date for lv in by_id["A2"].leave] == [MONDAY, MONDAY + dt.timedelta(days=1)]


def test_an_absence_replaces_a_fixed_shift_that_day(reference: Scenario) -> None:
    data = reference.model_dump()
    data["agents"][0]["preassigned"] = {MONDAY: "A"}
    scenario = Scenario.model_validate(data)
    changed = apply_whatif(scenario, WhatIf(absences=[Absence(agent="A1", dates=[MONDAY])]))
    assert changed.agents[0].preassigned == {}


@pytest.mark.parametrize(
    ("whatif", "location"),
    [
        (WhatIf(remove_agents=["nobody"]), "remove_agents.0"),
        (WhatIf(copy_agents=[AgentCopy(like="nobody")]), "copy_agents.0.like"),
        (WhatIf(absences=[Absence(agent="A1", dates=[dt.date(2030, 1, 1)])]), "absences.0.dates.0"),
        (WhatIf(volume=[VolumeChange(factor=2, channel="fax")]), "volume.0.channel"),
        (WhatIf(aht=[AhtChange(channel="fax", factor=2)]), "aht.0.channel"),
        (
            WhatIf(remove_agents=["A1"], absences=[Absence(agent="A1", dates=[MONDAY])]),
            "absences.0.agent",
        ),
    ],
)
def test_unknown_ids_and_dates_name_the_whatif_field(
    reference: Scenario, whatif: WhatIf, location: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        apply_whatif(reference, whatif)
    assert [(p.file, p.location) for p in info.value.problems] == [(WHATIF_FILE, location)]


def test_a_whatif_that_breaks_the_scenario_names_the_scenario(reference: Scenario) -> None:
    with pytest.raises(ScenarioError) as info:
        apply_whatif(reference, WhatIf(remove_agents=["A1", "A2", "A3", "A4", "B1"]))
    problem = info.value.problems[0]
    assert problem.file == CHANGED_FILE
    assert "no front-line agent" in problem.message
