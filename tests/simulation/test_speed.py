"""Agents' handling speed (``SimInput.speed``): slower agents take longer over the same draws.

Hand-worked queues and backlogs with exact handling times; the compiled loop
against the reference on random sites with random speeds; no speed and full
speed give the same tallies bit for bit; and the reference project with
slower agents on the same roster serves worse.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from rostering.domain.agents import Role
from rostering.domain.scenario import Scenario
from rostering.errors import InputError
from rostering.io import load_scenario
from rostering.pipeline import run_scenario
from rostering.results import RunResult
from rostering.roster.config import SolverConfig
from rostering.simulation import HandleTime, SimChannel, SimInput, Tally, play
from rostering.simulation.build import build_sim_input
from rostering.simulation.engine import play_reference
from rostering.simulation.run import simulate
from tests.simulation.factories import channel, site
from tests.simulation.test_compiled import WHOLE, random_site

REFERENCE = Path(__file__).resolve().parents[2] / "scenarios" / "reference-online"


def _whole(ch: SimChannel) -> SimChannel:
    """``ch`` with handling times exactly equal to their mean."""
    return dataclasses.replace(ch, handle=HandleTime.LOGNORMAL, handle_cv=WHOLE)


def _with_speed(sim: SimInput, speed: list[float] | None) -> SimInput:
    return dataclasses.replace(
        sim, speed=None if speed is None else np.asarray(speed, dtype=np.float64)
    )


def _same(a: Tally, b: Tally) -> None:
    for field in dataclasses.fields(a):
        np.testing.assert_array_equal(
            getattr(a, field.name), getattr(b, field.name), err_msg=field.name, strict=True
        )
    assert a.identical(b)


def _both(sim: SimInput, seed: int) -> Tally:
    """The compiled tally, checked identical to the reference one."""
    ours = play(sim, np.random.SeedSequence(seed))
    _same(ours, play_reference(sim, np.random.SeedSequence(seed)))
    return ours


def test_a_half_speed_agent_doubles_busy_time_and_the_wait_behind_it() -> None:
    # One agent, 100 s calls arriving at 0, 10 and 500 s. Full speed: answered at 0, 100, 500
    # (waits 0, 90, 0), busy 300 s. Half speed: 200 s calls, answered at 0, 200, 500
    # (waits 0, 190, 0), busy 600 s.
    sim = site(
        [_whole(channel(threshold_s=100.0))],
        rate_per_s=[0.0],
        aht_s=[100.0],
        agents=1,
        intervals=1,
        arrivals={0: [0.0, 10.0, 500.0]},
    )
    full = _both(sim, 1)
    assert full.wait_s[0, 0] == 90.0
    assert full.busy_s[0, 0] == 300.0
    assert full.answered_in_threshold[0, 0] == 3.0
    half = _both(_with_speed(sim, [0.5]), 1)
    assert half.answered[0, 0] == 3.0
    assert half.wait_s[0, 0] == 190.0
    assert half.busy_s[0, 0] == 600.0
    assert half.answered_in_threshold[0, 0] == 2.0  # the second waited 190 s > 100 s


def test_a_half_speed_agent_finishes_backlog_items_late() -> None:
    # Four 600 s items released at 0, due at the end of the hour. Full speed: done at 600,
    # 1200, 1800 and 2400 s, all on time, busy 2400 s. Half speed: done at 1200, 2400, 3600
    # (on time: due at 3600) and 4800 (late); busy the whole hour.
    sim = site(
        [_whole(channel("email", queued=False, rank=2))],
        rate_per_s=[4],
        aht_s=[600.0],
        agents=1,
        intervals=1,
    )
    full = _both(sim, 2)
    assert (full.done_on_time[0, 0], full.done_late[0, 0]) == (4.0, 0.0)
    assert full.busy_s[0, 0] == 2400.0
    half = _both(_with_speed(sim, [0.5]), 2)
    assert (half.done_on_time[0, 0], half.done_late[0, 0]) == (3.0, 1.0)
    assert half.busy_s[0, 0] == 3600.0


def test_the_slow_agent_serves_only_its_own_contacts_slower() -> None:
    # Agents 0 (full) and 1 (half speed), 100 s calls at 0 and 1 s: agent 0 (idle longest,
    # first in order) takes the first for 100 s, agent 1 the second for 200 s.
    sim = site(
        [_whole(channel())],
        rate_per_s=[0.0],
        aht_s=[100.0],
        agents=2,
        intervals=1,
        arrivals={0: [0.0, 1.0]},
    )
    tally = _both(_with_speed(sim, [1.0, 0.5]), 3)
    assert tally.busy_s[0, 0] == 300.0
    assert tally.wait_s[0, 0] == 0.0


def _random_speeds(sim: SimInput, seed: int, *, ties: bool) -> SimInput:
    rng = np.random.default_rng(seed)
    n = len(sim.agents)
    if ties:  # exact quotients of whole minutes: completions still tie
        speed = rng.choice([0.25, 0.5, 1.0], size=n)
    else:
        speed = np.where(rng.random(n) < 0.3, 1.0, rng.uniform(0.3, 1.0, size=n))
    return dataclasses.replace(sim, speed=speed.astype(np.float64))


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("case", range(25))
def test_random_sites_with_speeds_play_identically(case: int, ties: bool) -> None:
    base = random_site(case + (20_000 if ties else 0), ties=ties)
    sim = _random_speeds(base, case, ties=ties)
    for seed in range(3):
        _both(sim, 1000 * case + seed)


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("case", range(4))
def test_medium_random_sites_with_speeds_play_identically(case: int, ties: bool) -> None:
    base = random_site(case + (30_000 if ties else 10_000), medium=True, ties=ties)
    _both(_random_speeds(base, case, ties=ties), case)


@pytest.mark.parametrize("case", range(15))
def test_no_speed_and_full_speed_give_identical_tallies(case: int) -> None:
    sim = random_site(case, ties=bool(case % 2))
    none = play(sim, np.random.SeedSequence(case))
    ones = _with_speed(sim, [1.0] * len(sim.agents))
    _same(none, play(ones, np.random.SeedSequence(case)))
    _same(none, play_reference(ones, np.random.SeedSequence(case)))


def test_slower_agents_serve_worse_over_the_same_contacts() -> None:
    sim = random_site(7, medium=True)
    fast = play(sim, np.random.SeedSequence(7))
    slow = play(_with_speed(sim, [0.5] * len(sim.agents)), np.random.SeedSequence(7))
    np.testing.assert_array_equal(fast.offered, slow.offered)  # common random numbers
    assert slow.busy_s.sum() > fast.busy_s.sum()


@pytest.mark.parametrize(
    ("speed", "message"),
    [
        ([1.0], "one factor per agent"),
        ([1.0, 0.0], "> 0"),
        ([1.0, np.nan], "> 0"),
        ([1.0, 1.5], "<= 1"),
    ],
)
def test_bad_speeds_are_refused(speed: list[float], message: str) -> None:
    sim = site([channel()], rate_per_s=[0.01], aht_s=[60.0], agents=2, intervals=1)
    with pytest.raises(InputError, match=message):
        _with_speed(sim, speed).check()


def _with_proficiency(scenario: Scenario, value: float) -> Scenario:
    agents = [
        a.model_copy(update={"proficiency": value}) if a.role is Role.AGENT else a
        for a in scenario.agents
    ]
    return scenario.model_copy(update={"agents": agents})


@pytest.fixture(scope="module")
def reference_run() -> RunResult:
    scenario = _with_proficiency(load_scenario(REFERENCE), 1.0)
    return run_scenario(scenario, solver=SolverConfig(time_limit_s=20), simulate=False)


def test_build_carries_proficiency_as_speed(reference_run: RunResult) -> None:
    scenario, demand = reference_run.scenario, reference_run.demand
    assignments = reference_run.solution.assignments
    assert build_sim_input(scenario, demand, assignments).speed is None
    slow = build_sim_input(_with_proficiency(scenario, 0.6), demand, assignments)
    assert slow.speed is not None
    np.testing.assert_array_equal(slow.speed, np.full(len(slow.agents), 0.6))


def test_slower_agents_on_the_reference_roster_serve_inbound_worse(
    reference_run: RunResult,
) -> None:
    scenario, demand = reference_run.scenario, reference_run.demand
    assignments = reference_run.solution.assignments
    levels = {}
    for value in (1.0, 0.6):
        sim = build_sim_input(_with_proficiency(scenario, value), demand, assignments)
        table = simulate(sim, replications=10, seed=0).by_channel()
        levels[value] = float(table.loc[table["channel"] == "inbound", "service_level"].iloc[0])
    print(f"inbound service level: proficiency 1.0 {levels[1.0]:.4f}, 0.6 {levels[0.6]:.4f}")
    assert levels[0.6] < levels[1.0] - 0.02
