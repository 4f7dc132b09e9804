"""Rostering one agent, or a few, at a time: for instances whose hard rules bind agents alone.

In benchmark-style instances (shift cover per day, contract limits, requests)
every hard rule concerns one agent: cover is soft. A roster is then feasible
as soon as each agent's own roster is, and two things become cheap:

* :func:`agentwise_roster`, a first roster built agent by agent, each on a
  small model of their own against the cover the others left open;
* :func:`improve_by_agents`, large-neighbourhood search that frees a few
  agents who share a shift type, re-solves just them on a small model (the
  same model builder) against the cover of everyone else, and keeps the
  result when it costs less.

Both build sub-instances with :func:`agents_instance`. The cover row of a
sub-instance asks for what the other agents leave open (never below zero);
the cost of a sub-roster then differs from its share of the full objective
only by a constant, so comparing two sub-rosters compares the full rosters.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

from ortools.sat.python import cp_model

from rostering.nrp.instance import NrpInstance
from rostering.nrp.rules import nrp_rules
from rostering.roster.config import SolverConfig
from rostering.roster.cpsat import add_hint, fixed_copy, roster_values
from rostering.roster.facts import follows_pattern
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.model import BuiltModel, build_model
from rostering.roster.solution import Roster
from rostering.types import AgentId, ShiftId

log = logging.getLogger(__name__)


AGENTWISE_MIN_S = 0.2
"""Least time one agent's own model gets in the agent-by-agent first roster."""
AGENTWISE_RULES_S = 10.0
"""Time one agent's rules alone get when their model found no roster in its share."""
NEIGHBOURHOOD_S = 3.0
"""Time limit of one neighbourhood of :func:`improve_by_agents`."""
MAX_FREE_AGENTS = 24
"""Most agents one neighbourhood frees."""

_OK = (cp_model.OPTIMAL, cp_model.FEASIBLE)


def agentwise_applies(instance: RosterInstance) -> bool:
    """Whether every hard rule binds one agent alone, so agents can be rostered apart.

    True for benchmark-style instances: shift cover per day (soft), contract
    limits, requests; no interval coverage, standby or rotations.
    """
    return (
        not instance.needs
        and instance.standby is None
        and all(not follows_pattern(a) for a in instance.agents)
    )


def cover_counts(roster: Mapping[tuple[AgentId, int], ShiftId]) -> Counter[tuple[int, ShiftId]]:
    """Agents on each (day, shift) in ``roster``."""
    return Counter((day, shift) for (_, day), shift in roster.items())


def agents_instance(
    instance: NrpInstance,
    agents: list[AgentSpec],
    others: Mapping[tuple[int, ShiftId], int],
) -> NrpInstance:
    """``instance`` cut down to ``agents``: their requests, and the cover ``others`` leave open."""
    ids = {a.id for a in agents}
    shifts = {s for a in agents for s in a.shifts}
    return NrpInstance(
        **{
            **dict(instance),
            "name": f"{instance.name}/{'+'.join(sorted(ids))}",
            # Only the shift types these agents work: building the model then
            # scales with them, not with the whole site.
            "shifts": [
                s.model_copy(update={"cannot_follow": [f for f in s.cannot_follow if f in shifts]})
                for s in instance.shifts
                if s.id in shifts
            ],
            "agents": agents,
            "requests": [r for r in instance.requests if r.agent in ids],
            "day_cover": [
                row.model_copy(
                    update={"required": max(0, row.required - others.get((row.day, row.shift), 0))}
                )
                for row in instance.day_cover
                if row.shift in shifts
            ],
        }
    )


def _agents_model(instance: NrpInstance) -> BuiltModel:
    """The model of a few agents, without the formulations that only tighten the bound."""
    return build_model(instance, extra_rules=nrp_rules(instance, redundant=False))


def _solve(
    model: cp_model.CpModel, config: SolverConfig, seconds: float, workers: int
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    solver = cp_model.CpSolver()
    config.apply(solver, time_limit_s=seconds, workers=workers)
    return solver, solver.solve(model)


def _own_roster(
    built: BuiltModel, config: SolverConfig, seconds: float
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """One agent's best roster within ``seconds`` on their own model ``built``.

    One worker optimising may not find a first roster in so short a time;
    the rules alone, without the objective, are then quick to meet.
    """
    solver, status = _solve(built.model, config, seconds, 1)
    if status == cp_model.UNKNOWN:
        plain = built.model.clone()
        plain.clear_objective()  # type: ignore[no-untyped-call]
        solver, status = _solve(plain, config, AGENTWISE_RULES_S, 1)
    return solver, status


def agentwise_roster(
    instance: NrpInstance,
    config: SolverConfig,
    *,
    time_limit_s: float,
    workers: int = 1,
) -> Roster | None:
    """A first roster built one agent at a time, each on their own small model.

    Agents are taken with the fewest eligible shift types first. Each gets a
    model holding only their rules, their requests and the shift cover of
    the agents rostered before them, solved for an even share of the time
    left of ``time_limit_s`` (at least :data:`AGENTWISE_MIN_S`); their roster
    then counts against the cover of the next. ``workers`` agents are solved
    at once, each against the agents finished when it starts. Because every
    hard rule binds one agent alone (see :func:`agentwise_applies`), the
    rosters together meet every hard rule. None when an agent's rules cannot
    all hold or no roster was found for them.
    """
    started = time.perf_counter()
    deadline = started + time_limit_s
    order = sorted(instance.agents, key=lambda a: len(a.shifts))
    workers = max(1, min(workers, len(order)))
    covered: Counter[tuple[int, ShiftId]] = Counter()
    roster: Roster = {}
    lock = threading.Lock()
    queue = iter(enumerate(order))
    failed: list[AgentId] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            take_agents()
        except BaseException as exc:  # re-raised by the calling thread
            with lock:
                errors.append(exc)

    def take_agents() -> None:
        while True:
            with lock:
                if failed or errors:
                    return
                taken = next(queue, None)
                if taken is None:
                    return
                i, agent = taken
                others = Counter(covered)
            built = _agents_model(agents_instance(instance, [agent], others))
            # Agents not yet started share the time left with this one, `workers` at once.
            rounds = 1 + (len(order) - i - 1) // workers
            share = max(AGENTWISE_MIN_S, (deadline - time.perf_counter()) / rounds)
            solver, status = _own_roster(built, config, share)
            with lock:
                if status not in _OK:
                    log.info("agent %s alone: %s", agent.id, solver.status_name(status))
                    failed.append(agent.id)
                    return
                mine = built.vars.extract(solver)
                roster.update(mine)
                covered.update(cover_counts(mine))

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers - 1)]
    for thread in threads:
        thread.start()
    work()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    if failed:
        return None
    log.info(
        "agent-by-agent roster of %s: %d agents in %.1fs",
        instance.name,
        len(order),
        time.perf_counter() - started,
    )
    return roster


def _sub_cost(
    instance: NrpInstance,
    agents: list[AgentSpec],
    others: Mapping[tuple[int, ShiftId], int],
    roster: Roster,
    config: SolverConfig,
    *,
    seconds: float,
    workers: int,
) -> tuple[int, int | None, Roster | None, bool]:
    """(cost of the agents' current roster, best cost found, its roster, proven) on their model."""
    built = _agents_model(agents_instance(instance, agents, others))
    current = _of(roster, agents)
    # The current roster's cost on this model: every works variable fixed.
    fixed = fixed_copy(built, roster_values(built, current))
    solver, status = _solve(fixed, config, seconds, 1)
    if status not in _OK:  # cannot happen for a roster that meets the rules
        raise RuntimeError(
            f"the incumbent roster of {sorted(a.id for a in agents)} breaks a hard rule"
        )
    before = round(solver.objective_value)
    add_hint(built, current)
    solver, status = _solve(built.model, config, seconds, workers)
    if status not in _OK:
        return before, None, None, False
    return (
        before,
        round(solver.objective_value),
        built.vars.extract(solver),
        status == cp_model.OPTIMAL,
    )


def improve_by_agents(
    instance: NrpInstance,
    config: SolverConfig,
    roster: Roster,
    *,
    deadline: float,
    workers: int = 1,
    on_better: Callable[[int], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> tuple[Roster, int]:
    """Improve ``roster`` until ``deadline``: (the better roster, objective units saved).

    Each neighbourhood frees a few agents who can work a common shift type
    (picked at random), re-solves them together from their current roster,
    and keeps the new one when it costs less. The number freed grows while
    neighbourhoods are solved to optimality and shrinks when they are not.
    ``on_better`` receives the total saving so far after each improvement;
    ``stop`` ends the search early when it returns True.
    """
    rng = random.Random(config.seed)
    by_shift: dict[ShiftId, list[AgentSpec]] = defaultdict(list)
    for agent in instance.agents:
        for shift in agent.shifts:
            by_shift[shift].append(agent)
    shifts = sorted(s for s, people in by_shift.items() if len(people) > 1)
    if not shifts:
        return roster, 0
    roster = dict(roster)
    counts = cover_counts(roster)
    size, saved, rounds = 3, 0, 0
    while True:
        left = deadline - time.perf_counter()
        if left < 0.5 or (stop is not None and stop()):
            break
        people = by_shift[rng.choice(shifts)]
        chosen = rng.sample(people, k=min(size, len(people)))
        others = counts - cover_counts(_of(roster, chosen))
        before, after, found, proven = _sub_cost(
            instance,
            chosen,
            others,
            roster,
            config,
            seconds=min(left, NEIGHBOURHOOD_S),
            workers=workers,
        )
        rounds += 1
        if found is not None and after is not None and after < before:
            for agent in chosen:
                for day in range(instance.n_days):
                    roster.pop((agent.id, day), None)
            roster.update(found)
            counts = cover_counts(roster)
            saved += before - after
            if on_better is not None:
                on_better(saved)
        size = min(MAX_FREE_AGENTS, size + 1) if proven else max(2, size - 1)
    log.info("agent neighbourhoods on %s: %d, saved %d", instance.name, rounds, saved)
    return roster, saved


def _of(roster: Roster, agents: Iterable[AgentSpec]) -> Roster:
    ids = {a.id for a in agents}
    return {key: shift for key, shift in roster.items() if key[0] in ids}


__all__ = [
    "AGENTWISE_MIN_S",
    "AGENTWISE_RULES_S",
    "MAX_FREE_AGENTS",
    "NEIGHBOURHOOD_S",
    "agents_instance",
    "agentwise_applies",
    "agentwise_roster",
    "cover_counts",
    "improve_by_agents",
]
