"""Read the roster CP-SAT found into a :class:`~rostering.roster.solution.RosterSolution`.

Assignments with local times, meals and channels; the per-slot allocation
and who serves what; standby and backup duties; call-in suggestions; costs;
and the soft rules not met, each priced exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from ortools.sat.python import cp_model

from rostering.roster.cover import deferred_window, requirements
from rostering.roster.duties import agents_on_floor, floor_support_amounts
from rostering.roster.facts import (
    SCALE,
    break_offsets,
    coverage_agents,
    heads_on_break,
    int_weight,
    local_time,
    meal_offsets,
    meal_slots,
    primary_channels,
    primary_units,
    serves,
    serves_channels,
    shift_slots,
)
from rostering.roster.instance import RosterInstance
from rostering.roster.matching import match_channels
from rostering.roster.model import BuiltModel
from rostering.roster.pay import cost_lines
from rostering.roster.planning import plan_backups, suggest_call_ins
from rostering.roster.rule_names import LABOUR
from rostering.roster.solution import (
    BREAK,
    MEAL,
    Allocation,
    Assignment,
    BreakTime,
    RosterSolution,
    SlotActivity,
    SolveStatus,
    StandbyDuty,
    Stretch,
    Violation,
)
from rostering.types import AgentId, ChannelId, ShiftId


def _meal_starts(
    built: BuiltModel, solver: cp_model.CpSolver, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> dict[tuple[AgentId, int], int]:
    """Meal start (minutes after midnight of the day) per agent-day, from the crew counts."""
    inst = built.instance
    out: dict[tuple[AgentId, int], int] = {}
    for unit in built.floor.units.values():
        if not unit.meals:
            continue
        working = sorted(a for a in unit.agents if schedule.get((a, unit.day)) == unit.shift)
        queue = iter(working)
        for minute, taking in sorted(unit.meals.items()):
            for _ in range(int(solver.value(taking))):
                out[(next(queue), unit.day)] = minute
    for (agent, day), shift_id in schedule.items():
        if (agent, day) not in out:
            options = meal_offsets(inst, inst.shift(shift_id))
            if options:
                out[(agent, day)] = options[0]
    return out


def _break_starts(
    built: BuiltModel, solver: cp_model.CpSolver, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> dict[tuple[AgentId, int], list[int]]:
    """Short-break starts (minutes after midnight of the day) per agent-day, from the counts.

    Within a crew, agents are dealt the break starts in turn, so the ones whose
    quarter-hours share an interval are paired the way the model counted them.
    """
    inst = built.instance
    out: dict[tuple[AgentId, int], list[int]] = {}
    for unit in built.floor.units.values():
        if not unit.breaks:
            continue
        working = sorted(a for a in unit.agents if schedule.get((a, unit.day)) == unit.shift)
        for taking in unit.breaks:
            queue = iter(working)
            for minute, count in sorted(taking.items()):
                for _ in range(int(solver.value(count))):
                    out.setdefault((next(queue), unit.day), []).append(minute)
    for (agent, day), shift_id in schedule.items():
        shift = inst.shift(shift_id)
        if shift.breaks and len(out.get((agent, day), [])) != len(shift.breaks):
            out[(agent, day)] = [break_offsets(inst, shift, i)[0] for i in range(len(shift.breaks))]
    return out


def _activities(
    instance: RosterInstance,
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    meals: Mapping[tuple[AgentId, int], int],
    serving: Mapping[tuple[int, ChannelId], int],
    breaks: Mapping[tuple[AgentId, int], list[int]] | None = None,
) -> list[SlotActivity]:
    """Who does what in each slot: the per-slot matching of on-floor agents to channels."""
    step = instance.interval_minutes
    on_floor: dict[int, dict[AgentId, list[ChannelId]]] = defaultdict(dict)
    out: list[SlotActivity] = []
    away = {
        (a, t)
        for t, agents in heads_on_break(instance, schedule, breaks or {}).items()
        for a in agents
    }
    for agent in coverage_agents(instance):
        for d in range(instance.n_days):
            shift_id = schedule.get((agent.id, d))
            if shift_id is None:
                continue
            shift = instance.shift(shift_id)
            able = sorted(serves(instance, agent, shift, d))
            meal_at = meals.get((agent.id, d))
            meal: set[int] = set()
            if meal_at is not None:
                first = d * instance.slots_per_day + meal_at // step
                meal = set(range(first, first + meal_slots(instance, shift)))
            for t in shift_slots(instance, shift, d):
                if t in meal:
                    out.append(SlotActivity(agent=agent.id, slot=t, activity=MEAL))
                elif (agent.id, t) in away:
                    out.append(SlotActivity(agent=agent.id, slot=t, activity=BREAK))
                elif able:
                    on_floor[t][agent.id] = able
    previous: dict[AgentId, ChannelId] = {}
    for t in sorted(on_floor):
        present = on_floor[t]
        channels = {c for options in present.values() for c in options}
        quota = {c: serving.get((t, c), 0) for c in channels}
        chosen = match_channels(present, quota, previous)
        for agent_id, c in sorted(chosen.items()):
            out.append(SlotActivity(agent=agent_id, slot=t, activity=c))
        previous = chosen
    out.sort(key=lambda a: (a.slot, a.agent))
    return out


def _stretches(
    instance: RosterInstance,
    day: int,
    slots: list[tuple[int, ChannelId]],
    own: frozenset[ChannelId],
    takes: frozenset[ChannelId],
) -> list[Stretch]:
    """Runs of slots an agent spends on units outside its own work, merged."""
    step = instance.interval_minutes
    origin = day * instance.slots_per_day
    out: list[Stretch] = []
    last: tuple[int, ChannelId] | None = None
    for t, unit in sorted(slots):
        if unit in own:
            last = None
            continue
        members = sorted(c for c in takes if instance.unit_of(c) == unit)
        start = local_time(instance, day, (t - origin) * step)
        end = local_time(instance, day, (t - origin + 1) * step)
        if last is not None and last == (t - 1, unit) and out:
            out[-1] = out[-1].model_copy(update={"end": end})
        else:
            out.append(Stretch(start=start, end=end, channels=members))
        last = (t, unit)
    return out


def extract_solution(
    built: BuiltModel,
    solver: cp_model.CpSolver,
    status: SolveStatus,
    *,
    bound: float | None = None,
) -> RosterSolution:
    """Read the roster the solver found into a :class:`RosterSolution`.

    ``bound`` (objective units, fen) is a lower bound of the full model when the
    solver ran a sub-model; by default the solver's own bound.
    """
    inst = built.instance
    schedule = built.vars.extract(solver)
    meals = _meal_starts(built, solver, schedule)
    breaks = _break_starts(built, solver, schedule)
    serving = {key: int(solver.value(var)) for key, var in built.coverage.serving.items()}
    required = requirements(inst)
    allocations = [
        Allocation(
            slot=t, channel=c, scheduled=serving.get((t, c), 0), required=required.get((t, c), 0)
        )
        for t, c in sorted(set(serving) | set(required))
    ]
    activities = _activities(inst, schedule, meals, serving, breaks)
    helping: dict[tuple[AgentId, int], list[tuple[int, ChannelId]]] = defaultdict(list)
    per_day = inst.slots_per_day
    for act in activities:
        if act.activity not in (MEAL, BREAK):
            helping[(act.agent, act.slot // per_day)].append((act.slot, ChannelId(act.activity)))
    assignments: list[Assignment] = []
    for (agent_id, day), shift_id in sorted(schedule.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        shift = inst.shift(shift_id)
        agent = inst.agent(agent_id)
        meal_at = meals.get((agent_id, day))
        channels = primary_channels(inst, agent, shift, day)
        own = primary_units(inst, agent, shift, day)
        takes = serves_channels(inst, agent, shift, day)
        stretches = _stretches(inst, day, helping.get((agent_id, day), []), own, takes)
        assignments.append(
            Assignment(
                agent=agent_id,
                day=day,
                date=inst.date(day),
                shift=shift_id,
                start=local_time(inst, day, shift.start_minute),
                end=local_time(inst, day, shift.start_minute + shift.length_minutes),
                meal_start=None if meal_at is None else local_time(inst, day, meal_at),
                meal_end=None
                if meal_at is None
                else local_time(inst, day, meal_at + shift.meal_minutes),
                breaks=[
                    BreakTime(
                        start=local_time(inst, day, at),
                        end=local_time(inst, day, at + window.minutes),
                    )
                    for at, window in zip(
                        breaks.get((agent_id, day), []), shift.breaks, strict=False
                    )
                ],
                channels=sorted(channels),
                secondary=stretches,
            )
        )
    duties = [
        StandbyDuty(date=inst.date(d), agent=a, kind="supervisor")
        for (a, d), var in sorted(built.standby.duty.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if solver.boolean_value(var)
    ]
    backups, pool_problems = plan_backups(inst, schedule)
    duties += backups
    violations: list[Violation] = []
    objective = 0
    # Coverage terms are bounded from one side in the model; the roster's own figures
    # are the tightest ones, recomputed from the allocation.
    exact: dict[tuple[str, str], int] = {}
    for rule in built.rules:
        if rule.applies(inst):
            exact.update(rule.exact_amounts(inst, serving))
    exact.update(floor_support_amounts(inst, schedule, agents_on_floor(activities)))
    for term in built.terms:
        known = exact.get((term.rule, term.where))
        amount = int(solver.value(term.expr)) if known is None else known
        objective += int_weight(term.weight) * amount
        if term.rule == LABOUR:
            continue
        if amount > 0:
            cost = int_weight(term.weight) * amount / SCALE
            violations.append(Violation(rule=term.rule, where=term.where, amount=amount, cost=cost))
    violations += pool_problems
    deferred = {c.id for c in inst.channels if deferred_window(inst, c.id)}
    return RosterSolution(
        instance=inst.name,
        status=status,
        # The objective of the roster returned, summed from its terms: the solver's
        # own figure can lag behind the solution it returns when stopped by a limit.
        objective=objective / SCALE,
        best_bound=min(objective, round(solver.best_objective_bound if bound is None else bound))
        / SCALE,
        wall_time_s=solver.wall_time,
        assignments=assignments,
        allocations=allocations,
        activities=activities,
        standby=duties,
        call_ins=suggest_call_ins(inst, allocations, duties, schedule, deferred=deferred),
        costs=cost_lines(inst, schedule, duties),
        violations=violations,
    )


__all__ = [
    "extract_solution",
]
