"""The cover-pricing lower bound: valid, tight where known, and used by the search."""

from __future__ import annotations

import time

import numpy as np
import pytest
from ortools.sat.python import cp_model

from rostering.nrp import strategy as strategy_module
from rostering.nrp.curtois import (
    benchmark_objective,
    benchmark_violations,
    load_instance,
    parse_instance,
)
from rostering.nrp.pricing import CoverPricing, NoBoundError, PricingThread, splits_by_agent
from rostering.nrp.rules import nrp_model, nrp_rules
from rostering.nrp.strategy import NRP
from rostering.roster import search as search_module
from rostering.roster.config import SolverConfig
from rostering.roster.facts import SCALE
from rostering.roster.incumbent import Tracker, run_search
from rostering.roster.model import build_model
from rostering.roster.solution import SolveStatus
from rostering.roster.solver import solve
from tests.roster.factories import reference_instance

from .test_curtois import DATA, TINY, generated_text, needs_data


def optimum(text: str) -> int:
    """The proven optimum of a small benchmark file, in model units."""
    built = nrp_model(parse_instance(text, name="small"))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(built.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def pricing_bound(text: str) -> tuple[int | None, list[int]]:
    built = nrp_model(parse_instance(text, name="small"))
    assert splits_by_agent(built)
    seen: list[int] = []
    bound = CoverPricing(built).run(deadline=time.perf_counter() + 60, on_bound=seen.append)
    return bound, seen


@pytest.mark.parametrize(
    "text",
    [
        TINY,
        *(generated_text(14, 5, seed=seed) for seed in (1, 2, 6)),
        generated_text(14, 6, seed=5),
    ],
    ids=["tiny", "14x5-1", "14x5-2", "14x5-6", "14x6-5"],
)
def test_bound_never_exceeds_the_optimum_and_only_rises(text: str) -> None:
    bound, seen = pricing_bound(text)
    best = optimum(text)
    assert bound is not None and 0 < bound <= best
    assert seen == sorted(set(seen)) and seen[-1] == bound
    # Every roster costs a whole number of benchmark units: so does the bound.
    assert bound % SCALE == 0


@needs_data
@pytest.mark.parametrize(("n", "best"), [(1, 558), (3, 1001), (4, 1716)])
def test_bound_of_instances_1_3_and_4(n: int, best: int) -> None:
    # The optima of 3 and 4 are their Dantzig-Wolfe bound (CP-SAT's own bound on 4
    # often ends near 1,646 after 60 s); on 1 (optimum 607) the bound is weaker.
    built = nrp_model(load_instance(DATA / f"Instance{n}.txt"))
    pricing = CoverPricing(built)
    bound = pricing.run(deadline=time.perf_counter() + 120, on_bound=lambda _: None)
    assert bound == best * SCALE


def test_only_instances_joined_by_the_day_cover_alone_are_priced() -> None:
    assert splits_by_agent(nrp_model(parse_instance(generated_text(14, 5), name="g")))
    # Interval needs, standby and rotations bind agents together.
    assert not splits_by_agent(nrp_model(reference_instance()))
    # No cover: nothing to price.
    no_cover = parse_instance(generated_text(14, 5), name="g").model_copy(update={"day_cover": []})
    assert not splits_by_agent(
        build_model(no_cover, extra_rules=nrp_rules(no_cover, redundant=True))
    )


def test_an_agent_without_a_roster_gives_no_bound() -> None:
    text = generated_text(14, 3).replace(
        "SECTION_DAYS_OFF\r\n", "SECTION_DAYS_OFF\r\nP1," + ",".join(map(str, range(14))) + "\r\n"
    )
    built = nrp_model(parse_instance(text, name="no-days-left"))
    with pytest.raises(NoBoundError, match="no feasible roster"):
        CoverPricing(built).run(deadline=time.perf_counter() + 30, on_bound=lambda _: None)
    thread = PricingThread(built, time.perf_counter() + 30, lambda _: None)
    thread.start()
    thread.finish()  # logged, not raised: the search reports the infeasibility
    assert thread.bound is None


class _Search:
    """A search under way, as the tracker sees it: something to stop."""

    def __init__(self) -> None:
        self.stopped = 0

    def stop_search(self) -> None:
        self.stopped += 1


def tracker_with_a_search() -> tuple[Tracker, _Search]:
    tracker = Tracker(None, time.perf_counter())
    running = _Search()
    tracker.running.add(running)  # type: ignore[arg-type]
    return tracker, running


def test_a_bound_from_outside_stops_a_search_it_proves() -> None:
    tracker, running = tracker_with_a_search()
    tracker.solution(500)
    tracker.new_bound(400)
    assert running.stopped == 0
    tracker.new_bound(500)
    assert running.stopped == 1


def test_the_pricing_bound_proves_the_roster_the_search_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # CP-SAT alone, with its linear relaxation, takes 24 s on 2 workers to prove
    # this optimum (1,500); without a linear relaxation it cannot within the time
    # given. The pricing bound, equal to the optimum here, proves it.
    text = generated_text(14, 6, seed=3)
    bounds: list[int] = []

    class Spy(PricingThread):
        def __init__(self, built, deadline, on_bound, *rest, **options):  # type: ignore[no-untyped-def]
            def record(value: int) -> None:
                bounds.append(value)
                on_bound(value)

            super().__init__(built, deadline, record, *rest, **options)

    monkeypatch.setattr(strategy_module, "PricingThread", Spy)
    inst = parse_instance(text, name="small")
    config = SolverConfig(time_limit_s=30, workers=2, subsolvers=["no_lp", "quick_restart_no_lp"])
    solution = solve(inst, config, strategy=NRP)
    assert solution.status is SolveStatus.OPTIMAL
    assert solution.objective == 1500
    assert max(bounds) == 1500 * SCALE


def test_the_search_kept_to_priced_shifts_finds_a_real_roster_at_the_bound() -> None:
    # On this instance the model kept to the shifts of the master's rosters holds
    # an optimal roster (1,503, the bound): read back, it breaks no rule and costs
    # what the model says.
    inst = parse_instance(generated_text(14, 6, seed=2), name="small")
    built = build_model(inst, extra_rules=nrp_rules(inst, redundant=True))
    pricing = CoverPricing(built)
    assert pricing.restricted_model() is None  # no master solved yet
    bound = pricing.run(deadline=time.perf_counter() + 60, on_bound=lambda _: None)
    assert bound == 1503 * SCALE
    restricted = pricing.restricted_model()
    assert restricted is not None
    barred = sum(
        1
        for var in restricted.proto.variables
        if list(var.domain) == [0, 0] and var.name.startswith("works")
    )
    assert barred > 0  # it is a restriction, not the whole model again
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(restricted) == cp_model.OPTIMAL
    assert round(solver.objective_value) == bound
    roster = built.vars.extract(solver)
    assert benchmark_violations(inst, roster) == []
    assert benchmark_objective(inst, roster) == 1503


def test_each_roster_the_pricing_search_finds_is_a_column() -> None:
    # Every roster met on the way to the cheapest joins the master, once: each is a
    # roster of its agent's own model, counted in the cover rows it works, at its
    # own cost (the agent's objective, without cover prices).
    inst = parse_instance(generated_text(14, 5, seed=1), name="small")
    built = build_model(inst, extra_rules=nrp_rules(inst, redundant=True))
    pricing = CoverPricing(built)
    pricing.run(deadline=time.perf_counter() + 60, on_bound=lambda _: None)
    columns = pricing.master.columns
    assert len({(c.agent, c.rows) for c in columns}) == len(columns)
    for column in columns[:: max(1, len(columns) // 10)]:
        agent = pricing.agents[column.agent]
        fixed = agent.built.model.clone()
        worked: list[int] = []
        for (who, day, shift), var in agent.built.vars.items():
            value = int(column.roster.get((who, day)) == shift)
            fixed.add(fixed.get_int_var_from_proto_index(var.index) == value)
            if value and (day, shift) in pricing.rows:
                worked.append(pricing.rows[(day, shift)])
        assert tuple(sorted(worked)) == column.rows
        own = [fixed.get_int_var_from_proto_index(v) for v in agent.cost]
        fixed.minimize(cp_model.LinearExpr.weighted_sum(own, list(agent.cost.values())))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(fixed) == cp_model.OPTIMAL
        assert round(solver.objective_value) + agent.offset == column.cost
    assert len(columns) > len(pricing.agents)


def test_the_search_keeps_the_priced_roster_when_it_is_better(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    searched: list[int] = []

    class Spy(PricingThread):
        def __init__(self, built, deadline, on_bound, on_converged, **options):  # type: ignore[no-untyped-def]
            def record(model: cp_model.CpModel) -> None:
                searched.append(len(model.proto.variables))
                on_converged(model)

            super().__init__(built, deadline, on_bound, record, **options)

    monkeypatch.setattr(strategy_module, "PricingThread", Spy)

    def finds_nothing(built, config, tracker, time_limit_s, **kwargs):  # type: ignore[no-untyped-def]
        # A whole-model search that finds no roster: it waits for the time limit,
        # or for a roster found beside it to be proven optimal.
        ends = time.perf_counter() + time_limit_s
        while time.perf_counter() < ends and not tracker.settled:
            time.sleep(0.05)

    monkeypatch.setattr(search_module, "_run_whole", finds_nothing)
    inst = parse_instance(generated_text(14, 6, seed=2), name="small")
    solution = solve(inst, SolverConfig(time_limit_s=20, workers=2), strategy=NRP)
    assert len(searched) == 1
    assert solution.status is SolveStatus.OPTIMAL
    assert solution.objective == 1503
    schedule = {(x.agent, x.day): x.shift for x in solution.assignments}
    assert benchmark_objective(inst, schedule) == 1503


def test_a_search_beside_an_ended_search_stops_and_none_starts() -> None:
    tracker, running = tracker_with_a_search()
    tracker.close()
    assert running.stopped == 1
    built = nrp_model(parse_instance(TINY, name="tiny"))
    config = SolverConfig(time_limit_s=5, workers=1)
    assert run_search(built.model, config, tracker, time_limit_s=5, workers=1) is None


def test_agents_priced_two_at_a_time_reach_the_same_bound() -> None:
    # Each agent's model is priced on its own thread; the bound is the exact
    # optimum of the master whichever order the agents finish in.
    text = generated_text(14, 6, seed=2)
    alone, _ = pricing_bound(text)
    built = nrp_model(parse_instance(text, name="small"))
    two = CoverPricing(built).run(
        deadline=time.perf_counter() + 60, on_bound=lambda _: None, workers=2
    )
    assert alone == two == 1503 * SCALE


def test_an_offered_roster_joins_the_master_at_its_true_cost() -> None:
    inst = parse_instance(generated_text(14, 6, seed=2), name="small")
    built = nrp_model(inst)
    roster = solve(inst, SolverConfig(time_limit_s=5, workers=2), strategy=NRP)
    whole = {(a.agent, a.day): a.shift for a in roster.assignments}
    pricing = CoverPricing(built)
    pricing.offer(whole)
    columns = pricing._take_offered()
    # one column per agent, each with that agent's own roster
    assert sorted(c.agent for c in columns) == list(range(len(inst.agents)))
    assert {k: s for c in columns for k, s in c.roster.items()} == whole
    # the columns together cost what the evaluator says the roster costs
    m = pricing.master
    cover = np.zeros(len(m.required))
    for col in columns:
        cover[list(col.rows)] += 1
    short = np.minimum(m.under_max, np.maximum(0.0, m.required - cover))
    extra = np.minimum(m.over_max, np.maximum(0.0, cover - m.required))
    slack = round(float(short @ m.under_cost + extra @ m.over_cost))
    assert sum(c.cost for c in columns) + slack == benchmark_objective(inst, whole) * SCALE
