"""Rosters corrected by simulation: raise a requirement where the day would miss, and re-roster.

The requirements the roster is built on come from queueing formulas; the
simulation plays the roster as the day would run it. Where a channel misses
its target in an interval *with confidence* (the 95 % interval of its
simulated service level lies wholly below the target, or that of its
abandonment wholly above), the requirement of the coverage unit carrying the
channel in that slot (its pool, or the channel itself) is raised by one
agent: a cut, in the sense of simulation-based cutting planes for staffing
(Atlason, Henderson and Epelman; Cezik and L'Ecuyer for several skills). The
roster is then solved again from the last one, and simulated again with the
same random numbers, so the rounds compare like with like.

The rounds stop when every interval meets its targets or cannot be shown to
miss them, when a round adds no cut the roster can act on (the raised slots
already ask more than anyone could staff, or the roster did not change), or
when the time budget ends. Each round is reported with what it changed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from rostering.domain.scenario import Scenario
from rostering.roster.config import Progress, SolverConfig
from rostering.roster.cover import staffable
from rostering.roster.facts import slot_label
from rostering.roster.instance import IntervalNeed, RosterInstance
from rostering.roster.solution import RosterSolution
from rostering.roster.solver import solve
from rostering.simulation.build import build_sim_input
from rostering.simulation.run import SimulationResult, simulate
from rostering.types import ChannelId

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Round:
    """One round of correction: the roster it solved and what the simulation found."""

    number: int
    raised: tuple[str, ...]
    """The requirements raised before this round's solve, as ``"<slot> <unit> -> n"``."""
    objective: float | None
    labour_cost: float
    meeting_share: float | None
    """Share of open intervals (queued channels with targets and contacts) meeting them."""
    misses: int
    """Channel-intervals missing a target with confidence."""


@dataclass
class Corrected:
    """The last roster, its instance (with the raised requirements) and its simulation."""

    instance: RosterInstance
    solution: RosterSolution
    simulation: SimulationResult
    rounds: list[Round] = field(default_factory=list)


def confident_misses(result: SimulationResult) -> pd.DataFrame:
    """Channel-intervals whose target is missed with confidence (columns channel, interval)."""
    verdicts = result.verdicts()
    return verdicts.loc[verdicts["confident_miss"], ["channel", "interval"]].reset_index(drop=True)


def meeting_share(result: SimulationResult) -> float | None:
    """Share of open intervals whose mean simulated KPIs meet every target of the channel."""
    verdicts = result.verdicts()
    return float(verdicts["meets"].mean()) if len(verdicts) else None


def _raise(
    instance: RosterInstance, misses: pd.DataFrame, able: set[tuple[int, ChannelId]]
) -> tuple[RosterInstance, list[str]]:
    """The instance with one more agent required per missed (slot, unit); labels of the raises."""
    needs = {(n.slot, n.channel): n.required for n in instance.needs}
    raised: list[str] = []
    units = sorted(
        {(int(i), instance.unit_of(ChannelId(str(c)))) for c, i in misses.itertuples(index=False)}
    )
    for slot, unit in units:
        if (slot, unit) not in able:
            continue
        needs[(slot, unit)] = needs.get((slot, unit), 0) + 1
        raised.append(f"{slot_label(instance, slot)} {unit} -> {needs[(slot, unit)]}")
    new_needs = [IntervalNeed(slot=s, channel=c, required=r) for (s, c), r in sorted(needs.items())]
    return instance.model_copy(update={"needs": new_needs}), raised


def _same_roster(a: RosterSolution, b: RosterSolution) -> bool:
    def key(s: RosterSolution) -> set[tuple[str, int, str, object]]:
        return {(x.agent, x.day, x.shift, x.meal_start) for x in s.assignments}

    return key(a) == key(b)


def correct_by_simulation(
    scenario: Scenario,
    demand: pd.DataFrame,
    instance: RosterInstance,
    solution: RosterSolution,
    config: SolverConfig,
    *,
    rounds: int,
    replications: int,
    seed: int,
    workers: int = 1,
    budget_s: float | None = None,
    progress: Callable[[Progress], None] | None = None,
    on_round: Callable[[Round], None] | None = None,
) -> Corrected:
    """Simulate ``solution``; while targets are missed with confidence, raise and re-roster.

    At most ``rounds`` re-solves, each from the last roster, within
    ``budget_s`` seconds in all (default: ``rounds + 1`` times the solver's time
    limit). Returns the last roster with its simulation and every round.
    """
    started = time.perf_counter()
    budget = budget_s if budget_s is not None else (rounds + 1) * config.time_limit_s
    able = staffable(instance)

    def play(sol: RosterSolution) -> SimulationResult:
        sim = build_sim_input(scenario, demand, sol.assignments)
        return simulate(sim, replications=replications, seed=seed, workers=workers)

    result = play(solution)
    misses = confident_misses(result)
    out = Corrected(instance, solution, result)
    first = Round(
        0, (), solution.objective, solution.labour_cost, meeting_share(result), len(misses)
    )
    out.rounds.append(first)
    if on_round:
        on_round(first)
    for number in range(1, rounds + 1):
        if misses.empty:
            break
        left = budget - (time.perf_counter() - started)
        if left < 1.0:
            log.info("correction stops: time budget used")
            break
        raised_instance, raised = _raise(out.instance, misses, able)
        if not raised:
            log.info("correction stops: the missed slots cannot be staffed further")
            break
        hint = {(a.agent, a.day): a.shift for a in out.solution.assignments}
        limit = min(config.time_limit_s, left)
        new = solve(
            raised_instance,
            config.model_copy(update={"time_limit_s": limit}),
            progress=progress,
            hint=hint,
        )
        if not new.assignments:
            log.warning("correction round %d found no roster; keeping the last", number)
            break
        changed = not _same_roster(new, out.solution)
        if changed:
            # The roster and the requirements it was solved for travel together.
            out.instance = raised_instance
            out.solution = new
            result = play(new)
            out.simulation = result
            misses = confident_misses(result)
        step = Round(
            number,
            tuple(raised),
            out.solution.objective,
            out.solution.labour_cost,
            meeting_share(out.simulation),
            len(misses),
        )
        out.rounds.append(step)
        if on_round:
            on_round(step)
        if not changed:
            log.info("correction stops: the raised requirements did not change the roster")
            break
    return out


__all__ = ["Corrected", "Round", "confident_misses", "correct_by_simulation", "meeting_share"]
