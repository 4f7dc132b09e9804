"""How a roster is searched for: the whole model when small, else a first roster improved.

:func:`search` is what :func:`rostering.roster.solver.solve` runs:

1. **Small models** (fewer than :data:`LNS_MIN_WORKS` ``works`` variables) are
   solved whole, the search started from the rotations. Should that find no
   roster within the limit, the constructive roster below is the fallback.
2. **First roster** (larger models). The constructive roster of
   :mod:`rostering.roster.heuristic` (or the caller's hint) is completed by
   CP-SAT with every ``works`` variable fixed: meals, the split of agents
   over channels and standby duties are chosen for that roster (a second for
   L, about three for M). It is reported at once and kept, so a time limit
   always returns a roster. When it cannot be completed, the search
   strategy may give a first roster of its own (the benchmark strategy
   builds one agent by agent), which is completed the same way and then
   improved by the strategy's improver, or else by CP-SAT on the whole model
   from that roster, beside the bounding thread of step 4. Failing both
   first rosters, the whole model is searched.
3. **Improvement.** The first roster is improved by large-neighbourhood
   search (:mod:`rostering.roster.neighbourhoods`): a window of days is
   freed (for all agents, or a share of them when the window is too hard),
   every variable tied to a day outside it fixed to the incumbent, and the
   sub-model re-solved from the incumbent; a better roster replaces it.
   Windows come in passes over the horizon, one day wide first (the shift of
   each agent on each day), then wider, up to whole calendar weeks (where
   five-two days off can move).
4. **Bound.** Meanwhile one thread searches the full model for its lower bound
   (richer linear relaxation, lower-bound tree search); that bound is the one
   reported (never a sub-model's), so the gap is honest: no roster can cost
   less. When that thread proves optimality, or the gap reaches
   ``SolverConfig.relative_gap``, the search stops early.
5. **Beside the search.** A search strategy (:mod:`rostering.roster.strategy`)
   may run a search of its own beside every path above, reporting bounds to
   the same tracker (:mod:`rostering.roster.incumbent`) and handing over
   restricted models, which are searched with the search's own workers. Any
   roster that meets the best bound stops every search under way. The
   product's own strategy runs nothing beside; the benchmark strategy
   (:mod:`rostering.nrp.strategy`) prices agents apart there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping

from ortools.sat.python import cp_model

from rostering.roster.config import ProgressFn, SolverConfig
from rostering.roster.cpsat import add_hint, break_hint, fixed_copy, roster_values
from rostering.roster.extract import extract_solution
from rostering.roster.facts import works_count
from rostering.roster.heuristic import greedy_roster, pattern_hint
from rostering.roster.incumbent import (
    BoundThread,
    Incumbent,
    Tracker,
    run_search,
)
from rostering.roster.model import BuiltModel
from rostering.roster.neighbourhoods import Neighbourhoods
from rostering.roster.solution import Roster, RosterSolution, SolveStatus
from rostering.roster.strategy import PRODUCT, Improver, SearchStrategy
from rostering.types import AgentId, ShiftId

log = logging.getLogger(__name__)

LNS_MIN_WORKS = 5000
"""``works`` variables from which a model is improved by neighbourhoods, not whole."""


COMPLETION_MIN_S = 2.0
"""Least time given to completing the constructive roster, whatever the time limit."""
COMPLETION_SHARE = 0.15
"""Share of the time limit the completion of the first roster may take (large models)."""
COMPLETION_FLOOR_S = 10.0
"""Time the completion of the first roster may take whatever the share, when the limit
leaves it: the 500-agent site of ``benchmarks/roster.py`` (size XL) needs about 5 s,
so at a 20 s limit a share alone (2.6 s) returned no roster at all."""

PROBE_SHARE = 0.25
"""Share of the time limit after which a small model's search, with no roster yet, stops."""
PROBE_MIN_S = 1.0
"""Least time before that stop, and least time worth a second search."""

READ_BACK_SHARE = 0.4
"""Time reading the roster back takes, as a share of the time building the model took
(2 s of 7.5 s at 364 days x 150 agents): a large search stops that much before the
time limit."""


SUB_LIMIT_S = 5.0
"""Time limit of one neighbourhood's search."""


def complete(
    built: BuiltModel,
    roster: Mapping[tuple[AgentId, int], ShiftId],
    config: SolverConfig,
    tracker: Tracker,
    *,
    time_limit_s: float,
    first_only: bool = False,
) -> Incumbent | None:
    """The best completion of ``roster`` (every ``works`` variable fixed), or None.

    ``first_only``: the first completion found, when the whole model will go on from it.
    """
    found = run_search(
        fixed_copy(built, roster_values(built, roster), break_hint(built, roster)),
        config,
        tracker,
        time_limit_s=time_limit_s,
        workers=config.workers,
        first_only=first_only,
    )
    if found is None:
        log.info("the constructive roster of %s cannot be completed", built.instance.name)
    return found


def search(
    built: BuiltModel,
    config: SolverConfig,
    *,
    progress: ProgressFn | None,
    hint: Mapping[tuple[AgentId, int], ShiftId] | None,
    started: float,
    strategy: SearchStrategy = PRODUCT,
) -> RosterSolution | None:
    """The best roster found within ``config``'s limits, or None when none was found.

    ``strategy`` may run a search beside this one, and give a first roster and
    its improver where the constructive roster cannot be completed (see
    :mod:`rostering.roster.strategy`).
    """
    deadline = started + config.time_limit_s
    tracker = Tracker(progress, started)

    def search_restricted(model: cp_model.CpModel, *, time_limit_s: float, stall_s: float) -> None:
        found = run_search(
            model,
            config,
            tracker,
            time_limit_s=min(time_limit_s, deadline - time.perf_counter()),
            workers=config.workers,
            stall_s=stall_s,
        )
        log.info(
            "search of a restricted model beside the search: %s",
            None if found is None else found.objective,
        )
        if found is not None:
            with tracker.lock:
                if tracker.aside is None or found.objective < tracker.aside.objective:
                    tracker.aside = found

    beside = strategy.beside(
        built,
        deadline=deadline,
        on_bound=lambda bound: tracker.new_bound(bound, final=True),
        search_restricted=search_restricted,
    )
    if beside is not None:
        beside.start()
    try:
        best, proven = _search(
            built,
            config,
            tracker,
            hint,
            deadline,
            started,
            strategy,
            offer=None if beside is None else beside.offer,
        )
    finally:
        if beside is not None:
            tracker.close()  # the restricted search, if it runs
            beside.finish()
    return _finish(built, tracker, best, proven)


def _search(
    built: BuiltModel,
    config: SolverConfig,
    tracker: Tracker,
    hint: Mapping[tuple[AgentId, int], ShiftId] | None,
    deadline: float,
    started: float,
    strategy: SearchStrategy,
    *,
    offer: Callable[[Roster], None] | None = None,
) -> tuple[Incumbent | None, bool]:
    inst = built.instance

    def left() -> float:
        return deadline - time.perf_counter()

    n_works = works_count(inst)
    if n_works < LNS_MIN_WORKS:
        return _search_small(built, config, tracker, hint, deadline)
    deadline -= READ_BACK_SHARE * (time.perf_counter() - started)
    proven = False

    def first(roster: Mapping[tuple[AgentId, int], ShiftId]) -> Incumbent | None:
        # The first roster is what a time limit returns, so its completion (a
        # small model: every works variable fixed) gets COMPLETION_FLOOR_S when
        # the limit leaves it, and at least COMPLETION_MIN_S even past a shorter one.
        share = min(left(), max(COMPLETION_FLOOR_S, left() * COMPLETION_SHARE))
        return complete(built, roster, config, tracker, time_limit_s=max(COMPLETION_MIN_S, share))

    best = first(hint if hint is not None else greedy_roster(inst))
    by_agents: Roster | None = None
    if best is None:
        # Rules the constructive roster does not know: the strategy's first roster.
        by_agents = strategy.first_roster(built, config, time_limit_s=left())
        if by_agents is not None:
            best = first(by_agents)
            if offer is not None:
                offer(by_agents)
    improver = strategy.improver(built, config) if by_agents is not None else None
    if best is None:
        # No first roster: solve the whole model.
        add_hint(built, hint if hint is not None else pattern_hint(inst))
        best = _run_whole(built, config, tracker, left())
        proven = best is not None and best.optimal
    elif by_agents is not None and improver is not None:
        best, proven = _improve(built, config, tracker, best, by_agents, deadline, improver)
    elif by_agents is not None:
        # CP-SAT's own search on the whole model, from that roster.
        add_hint(built, by_agents)
        whole = _run_whole(built, config, tracker, left())
        proven = whole is not None and whole.optimal
        if whole is not None and whole.objective <= best.objective:
            best = whole
    else:
        best, proven = _lns(built, config, tracker, best, deadline)
    return best, proven


def _search_small(
    built: BuiltModel,
    config: SolverConfig,
    tracker: Tracker,
    hint: Mapping[tuple[AgentId, int], ShiftId] | None,
    deadline: float,
) -> tuple[Incumbent | None, bool]:
    """A small model: the whole model, from the rotations, with a roster kept at the limit.

    The whole model is searched for the whole time, starting from the
    rotations alone (measured better than the constructive roster); most
    small models are proven optimal in well under a second (reference week:
    0.3 s). Completing the constructive roster first would cost more than
    that (1.2 s), so it only follows when the search has found no roster
    after a share of the time (:data:`PROBE_SHARE`): it is stopped, the
    constructive roster completed (the roster a time limit returns), and the
    whole model searched again from it for the time left.
    """
    inst = built.instance

    def left() -> float:
        return deadline - time.perf_counter()

    # One worker has no portfolio beside it: with the richer linear relaxation
    # it proves the two-week reference optimal in 0.2 s, with the default one
    # not within 10 s.
    level = 2 if config.workers == 1 else None
    add_hint(built, hint if hint is not None else pattern_hint(inst))
    give_up = max(PROBE_MIN_S, PROBE_SHARE * config.time_limit_s)
    best = _run_whole(built, config, tracker, left(), linearization_level=level, give_up_s=give_up)
    proven = best is not None and best.optimal
    if best is None:
        # The roster a time limit returns: all the time left if need be.
        roster = hint if hint is not None else greedy_roster(inst)
        best = complete(
            built,
            roster,
            config,
            tracker,
            time_limit_s=max(COMPLETION_MIN_S, left()),
            first_only=True,
        )
        if left() > PROBE_MIN_S:
            if best is not None:
                built.model.clear_hints()  # type: ignore[no-untyped-call]
                add_hint(built, built.vars.extract(best.solver))
            again = _run_whole(built, config, tracker, left(), linearization_level=level)
            if again is not None:
                proven = again.optimal
                if best is None or again.objective <= best.objective:
                    best = again
    return best, proven


def _run_whole(
    built: BuiltModel,
    config: SolverConfig,
    tracker: Tracker,
    time_limit_s: float,
    *,
    linearization_level: int | None = None,
    give_up_s: float | None = None,
) -> Incumbent | None:
    """The whole model searched from its hint; its bound is recorded."""
    found = run_search(
        built.model,
        config,
        tracker,
        time_limit_s=time_limit_s,
        workers=config.workers,
        full=True,
        linearization_level=linearization_level,
        give_up_s=give_up_s,
    )
    if found is not None:
        tracker.new_bound(found.solver.best_objective_bound, final=True)
    return found


def _finish(
    built: BuiltModel, tracker: Tracker, best: Incumbent | None, proven: bool
) -> RosterSolution | None:
    aside = tracker.aside
    if aside is not None and (best is None or aside.objective < best.objective):
        best, proven = aside, False
    if best is None:
        return None
    done = proven or best.objective <= tracker.bound
    status = SolveStatus.OPTIMAL if done else SolveStatus.FEASIBLE
    return extract_solution(built, best.solver, status, bound=tracker.bound)


def _lns(
    built: BuiltModel,
    config: SolverConfig,
    tracker: Tracker,
    best: Incumbent,
    deadline: float,
) -> tuple[Incumbent, bool]:
    """Improve ``best`` by neighbourhoods while a thread bounds the full model."""
    bound = BoundThread(built, config, tracker)
    bound.time_limit_s = max(0.1, deadline - time.perf_counter())
    bound.start()
    hoods = Neighbourhoods(built, config.seed)
    workers = max(1, config.workers - 1)
    rounds = 0
    try:
        while True:
            left = deadline - time.perf_counter()
            if left < 0.5 or not bound.is_alive():
                break
            if tracker.gap() <= config.relative_gap:
                break  # proven optimal, or within the gap asked for
            first, width, fixed = hoods.next()
            keep = {i: best.values[i] for i in fixed}
            model = fixed_copy(built, keep, best.values)
            tick = time.perf_counter()
            found = run_search(
                model, config, tracker, time_limit_s=min(left, SUB_LIMIT_S), workers=workers
            )
            rounds += 1
            log.debug(
                "LNS days %d-%d, %.0f%% of agents: %s in %.1fs",
                first,
                first + width - 1,
                100 * hoods.share,
                None if found is None else (found.objective, found.optimal),
                time.perf_counter() - tick,
            )
            hoods.adapt(solved=found is not None and found.optimal)
            if found is not None and found.objective < best.objective:
                best = found
    finally:
        bound.solver.stop_search()
        bound.join()
    if bound.error is not None:
        raise bound.error
    log.info("LNS on %s: %d neighbourhoods", built.instance.name, rounds)
    whole = bound.result()
    proven = bound.status == cp_model.OPTIMAL
    if whole is not None and whole.objective <= best.objective:
        best = whole
    return best, proven


def _improve(
    built: BuiltModel,
    config: SolverConfig,
    tracker: Tracker,
    best: Incumbent,
    roster: Roster,
    deadline: float,
    improver: Improver,
) -> tuple[Incumbent, bool]:
    """Improve ``best`` (the completion of ``roster``) by the strategy's ``improver``.

    The improver searches models of its own (agent neighbourhoods, say), so
    the full model is never copied while it runs; a thread bounds the full
    model meanwhile.
    The improved roster is completed on the full model at the end, in the
    time its first completion took (and a half again) kept back for it.
    """
    inst = built.instance
    bound = BoundThread(built, config, tracker)
    reserve = max(COMPLETION_MIN_S, 1.5 * best.solver.wall_time)
    bound.time_limit_s = max(0.1, deadline - time.perf_counter())
    bound.start()
    first = best.objective
    try:
        roster, saved = improver(
            roster,
            deadline=deadline - reserve,
            workers=max(1, config.workers - 1),
            on_better=lambda saved: tracker.solution(first - saved),
            stop=lambda: not bound.is_alive() or tracker.gap() <= config.relative_gap,
        )
    finally:
        bound.solver.stop_search()
        bound.join()
    if bound.error is not None:
        raise bound.error
    if saved > 0:
        final = complete(built, roster, config, tracker, time_limit_s=reserve)
        if final is not None and final.objective != first - saved:
            log.warning(
                "improved roster of %s: completed objective %d, expected %d",
                inst.name,
                final.objective,
                first - saved,
            )
        if final is not None and final.objective <= best.objective:
            best = final
    whole = bound.result()
    proven = bound.status == cp_model.OPTIMAL
    if whole is not None and whole.objective <= best.objective:
        best = whole
    return best, proven


__all__ = [
    "COMPLETION_FLOOR_S",
    "COMPLETION_MIN_S",
    "COMPLETION_SHARE",
    "LNS_MIN_WORKS",
    "PROBE_MIN_S",
    "PROBE_SHARE",
    "READ_BACK_SHARE",
    "SUB_LIMIT_S",
    "complete",
    "search",
]
