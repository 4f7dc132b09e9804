"""Build the CP-SAT roster model from the rule families, solve it, read the roster back.

:func:`build_model` instantiates every rule family (the contract rules, the
rotation patterns, holidays, meals, coverage, standby, cost and fairness),
lets each add its hard constraints and collects its soft terms; the
objective is their weighted sum in integer fen (see
:data:`rostering.roster.facts.SCALE`). :func:`solve` searches with a
:class:`SolverConfig` (a constructive first roster, then the whole model or
large-neighbourhood search, see :mod:`rostering.roster.search`), reports
progress, and turns the best roster found into a
:class:`~rostering.roster.solution.RosterSolution`: assignments with local
times, meals and channels, the per-slot allocation and who serves what,
standby and backup duties, call-in suggestions, costs and the soft rules not
met. An infeasible instance comes back with the named conflicting rules.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rostering.domain.patterns import PatternKind
from rostering.roster.config import Progress, ProgressFn, SolverConfig
from rostering.roster.cover import deferred_window, requirements
from rostering.roster.facts import (
    SCALE,
    can_work,
    coverage_agents,
    excused_days,
    five_two_targets,
    follows_pattern,
    int_weight,
    local_time,
    meal_offsets,
    meal_slots,
    one_on_one_off_rota,
    serves,
    shift_slots,
)
from rostering.roster.instance import RosterInstance
from rostering.roster.pay import cost_lines
from rostering.roster.planning import plan_backups, suggest_call_ins
from rostering.roster.rules.base import Assumption, Rule, RuleContext, SoftTerm
from rostering.roster.rules.contract import CONTRACT_RULES
from rostering.roster.rules.cost import LABOUR, LabourCost
from rostering.roster.rules.coverage import IntervalCoverage
from rostering.roster.rules.coverage_floor import CoverageFloor
from rostering.roster.rules.deferred import DeferredWork
from rostering.roster.rules.fairness import Fairness
from rostering.roster.rules.floor import Floor
from rostering.roster.rules.holidays import HOLIDAY_RULES
from rostering.roster.rules.meals import Meals
from rostering.roster.rules.patterns import PATTERN_RULES
from rostering.roster.rules.standby import ManagementRatio, SupervisorStandby
from rostering.roster.rules.stretches import WorkStretches
from rostering.roster.solution import (
    MEAL,
    Allocation,
    Assignment,
    RosterSolution,
    SlotActivity,
    SolveStatus,
    StandbyDuty,
    Violation,
)
from rostering.roster.variables import RosterVars
from rostering.types import AgentId, ChannelId, ShiftId

log = logging.getLogger(__name__)


@dataclass
class BuiltModel:
    """A model ready to solve, with what is needed to read its solution back."""

    instance: RosterInstance
    model: cp_model.CpModel
    vars: RosterVars
    context: RuleContext
    floor: Floor
    coverage: IntervalCoverage
    standby: SupervisorStandby
    rules: list[Rule]
    terms: list[SoftTerm] = field(default_factory=list)

    @property
    def assumptions(self) -> list[Assumption]:
        """Assumption literals of the guarded hard rules (empty unless explaining)."""
        return self.context.assumptions


def build_model(
    instance: RosterInstance, *, explain: bool = False, redundant: bool = True
) -> BuiltModel:
    """Every rule family applied to ``instance``, with the weighted objective.

    With ``explain`` every group of hard constraints is guarded by an
    assumption literal (see :mod:`rostering.roster.explain`). ``redundant``
    adds the formulations that only tighten the bound of a whole-model search
    (:mod:`rostering.roster.rules.stretches`); sub-models that must find a
    roster in a fraction of a second leave them out.
    """
    model = cp_model.CpModel()
    variables = RosterVars(model, instance)
    ctx = RuleContext(model, variables, instance, explain=explain)
    floor = Floor(model, variables, instance)
    standby = SupervisorStandby()
    coverage = IntervalCoverage(floor)
    rules: list[Rule] = [
        *(cls() for cls in CONTRACT_RULES),
        *([WorkStretches()] if redundant else []),
        *(cls() for cls in PATTERN_RULES),
        *(cls() for cls in HOLIDAY_RULES),
        Meals(floor),
        coverage,
        CoverageFloor(coverage),
        DeferredWork(coverage),
        standby,
        ManagementRatio(standby),
        LabourCost(standby),
        Fairness(standby),
    ]
    terms: list[SoftTerm] = []
    for rule in in_dependency_order(rules):
        if rule.applies(instance):
            terms += rule.build(ctx)
    _set_objective(model, terms)
    return BuiltModel(instance, model, variables, ctx, floor, coverage, standby, rules, terms)


def in_dependency_order(rules: Sequence[Rule]) -> list[Rule]:
    """``rules`` with every rule after the rules it builds on (:meth:`Rule.requires`).

    The order given is kept where it already holds, so the model is built the
    same way each time. A rule that builds on a rule not in the list is an error.
    """
    listed = {id(rule) for rule in rules}
    done: set[int] = set()
    out: list[Rule] = []

    def place(rule: Rule, path: tuple[int, ...]) -> None:
        if id(rule) in done:
            return
        if id(rule) in path:
            raise ValueError(f"rule {rule.name!r} depends on itself")
        for needed in rule.requires():
            if id(needed) not in listed:
                raise ValueError(f"rule {rule.name!r} needs rule {needed.name!r}, not in the model")
            place(needed, (*path, id(rule)))
        done.add(id(rule))
        out.append(rule)

    for rule in rules:
        place(rule, ())
    return out


def _set_objective(model: cp_model.CpModel, terms: list[SoftTerm]) -> None:
    exprs: list[cp_model.LinearExprT] = []
    coefs: list[int] = []
    offset = 0
    for term in terms:
        coef = int_weight(term.weight)
        if coef == 0:
            continue
        if isinstance(term.expr, int):
            offset += coef * term.expr
        else:
            exprs.append(term.expr)
            coefs.append(coef)
    model.minimize(cp_model.LinearExpr.weighted_sum(exprs, coefs) + offset)


def solver_status(code: cp_model.CpSolverStatus) -> SolveStatus:
    if code == cp_model.OPTIMAL:
        return SolveStatus.OPTIMAL
    if code == cp_model.FEASIBLE:
        return SolveStatus.FEASIBLE
    if code == cp_model.INFEASIBLE:
        return SolveStatus.INFEASIBLE
    if code == cp_model.MODEL_INVALID:
        return SolveStatus.MODEL_INVALID
    return SolveStatus.UNKNOWN


def add_hint(built: BuiltModel, hint: Mapping[tuple[AgentId, int], ShiftId]) -> None:
    """Start the search from a known roster (days not in ``hint`` are off)."""
    for (agent, day, shift), var in built.vars.items():
        built.model.add_hint(var, int(hint.get((agent, day)) == shift))


def roster_values(
    built: BuiltModel, roster: Mapping[tuple[AgentId, int], ShiftId]
) -> dict[int, int]:
    """Every ``works`` variable's index and its value in ``roster``."""
    return {
        var.index: int(roster.get((agent, day)) == shift)
        for (agent, day, shift), var in built.vars.items()
    }


def fixed_copy(
    built: BuiltModel,
    keep: Mapping[int, int],
    hint: Sequence[int] | Mapping[int, int] | None = None,
) -> cp_model.CpModel:
    """A copy of the model with the variables in ``keep`` (index -> value) fixed.

    ``hint`` (a value per variable, or index -> value for some) replaces the
    hints of the copy.
    """
    clone = built.model.clone()
    proto = clone.proto
    for index, value in keep.items():
        domain = proto.variables[index].domain
        domain.clear()
        domain.extend([value, value])
    clone.clear_hints()  # type: ignore[no-untyped-call]
    if isinstance(hint, Mapping):
        proto.solution_hint.vars.extend(hint.keys())
        proto.solution_hint.values.extend(hint.values())
    elif hint is not None:
        proto.solution_hint.vars.extend(range(len(hint)))
        proto.solution_hint.values.extend(hint)
    return clone


def pattern_hint(instance: RosterInstance) -> dict[tuple[AgentId, int], ShiftId]:
    """A quick roster that keeps the rotations, to start the search from.

    One-on-one-off agents work their rota days, five-two agents the first
    allowed days of each week up to the weekly count, fixed days as fixed;
    each agent's shifts are taken in turn. It ignores coverage and may break
    contract limits: CP-SAT repairs what it must and improves the rest.
    """
    hint: dict[tuple[AgentId, int], ShiftId] = {}
    for i, agent in enumerate(instance.agents):
        if not follows_pattern(agent):
            continue
        excused = excused_days(instance, agent)
        days: set[int] = set()
        if agent.pattern is PatternKind.ONE_ON_ONE_OFF:
            off_first = one_on_one_off_rota(agent.history) or 0
            days = {
                d for d in range(instance.n_days) if (d + off_first) % 2 == 0 and d not in excused
            }
        else:
            allowed = set(agent.days_off_allowed or [])
            for target in five_two_targets(instance, agent):
                free = [d for d in target.week.days if d not in excused]
                free.sort(key=lambda d: (instance.date(d).weekday() in allowed, d))
                days |= set(free[: max(0, target.most)])
        for d, fixed in agent.fixed.items():
            days.discard(d)
            if fixed is not None and fixed in agent.shifts:
                hint[(agent.id, d)] = fixed
        for d in sorted(days):
            open_shifts = [s for s in agent.shifts if can_work(instance, instance.shift(s), d)]
            if open_shifts and (agent.id, d) not in hint:
                hint[(agent.id, d)] = open_shifts[(i + d // 7) % len(open_shifts)]
    return hint


# --------------------------------------------------------------------------- extraction


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


def _match(
    able: dict[AgentId, list[ChannelId]],
    quota: dict[ChannelId, int],
    previous: Mapping[AgentId, ChannelId],
) -> dict[AgentId, ChannelId]:
    """Give each agent one channel they can serve, ``quota[c]`` agents on channel ``c``.

    Agents keep their previous channel where the quota allows; the rest are
    placed by augmenting paths, which always succeed when the quotas meet the
    Hall conditions the model enforces.
    """
    load: dict[ChannelId, int] = defaultdict(int)
    holders: dict[ChannelId, list[AgentId]] = defaultdict(list)
    chosen: dict[AgentId, ChannelId] = {}

    def put(agent: AgentId, channel: ChannelId) -> None:
        chosen[agent] = channel
        load[channel] += 1
        holders[channel].append(agent)

    def take(agent: AgentId) -> None:
        channel = chosen.pop(agent)
        load[channel] -= 1
        holders[channel].remove(agent)

    for agent in sorted(able, key=lambda a: (len(able[a]), a)):
        c = previous.get(agent)
        if c is not None and c in able[agent] and load[c] < quota.get(c, 0):
            put(agent, c)

    def augment(agent: AgentId, seen: set[ChannelId]) -> bool:
        for c in able[agent]:
            if c in seen:
                continue
            seen.add(c)
            if load[c] < quota.get(c, 0):
                put(agent, c)
                return True
            for other in list(holders[c]):
                take(other)
                if augment(other, seen):
                    put(agent, c)
                    return True
                put(other, c)
        return False

    for agent in sorted(able, key=lambda a: (len(able[a]), a)):
        if agent in chosen:
            continue
        if not augment(agent, set()):
            # Quotas are exhausted: the agent is spare on their first channel.
            log.warning("slot matching left agent %s over quota", agent)
            put(agent, able[agent][0])
    return chosen


def _activities(
    instance: RosterInstance,
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    meals: Mapping[tuple[AgentId, int], int],
    serving: Mapping[tuple[int, ChannelId], int],
) -> list[SlotActivity]:
    """Who does what in each slot: the per-slot matching of on-floor agents to channels."""
    step = instance.interval_minutes
    on_floor: dict[int, dict[AgentId, list[ChannelId]]] = defaultdict(dict)
    out: list[SlotActivity] = []
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
                elif able:
                    on_floor[t][agent.id] = able
    previous: dict[AgentId, ChannelId] = {}
    for t in sorted(on_floor):
        present = on_floor[t]
        channels = {c for options in present.values() for c in options}
        quota = {c: serving.get((t, c), 0) for c in channels}
        chosen = _match(present, quota, previous)
        for agent_id, c in sorted(chosen.items()):
            out.append(SlotActivity(agent=agent_id, slot=t, activity=c))
        previous = chosen
    out.sort(key=lambda a: (a.slot, a.agent))
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
    serving = {key: int(solver.value(var)) for key, var in built.coverage.serving.items()}
    required = requirements(inst)
    allocations = [
        Allocation(
            slot=t, channel=c, scheduled=serving.get((t, c), 0), required=required.get((t, c), 0)
        )
        for t, c in sorted(set(serving) | set(required))
    ]
    activities = _activities(inst, schedule, meals, serving)
    served_by: dict[tuple[AgentId, int], set[ChannelId]] = defaultdict(set)
    per_day = inst.slots_per_day
    for act in activities:
        if act.activity != MEAL:
            served_by[(act.agent, act.slot // per_day)].add(ChannelId(act.activity))
    assignments: list[Assignment] = []
    for (agent_id, day), shift_id in sorted(schedule.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        shift = inst.shift(shift_id)
        agent = inst.agent(agent_id)
        meal_at = meals.get((agent_id, day))
        channels = served_by.get((agent_id, day)) or set(serves(inst, agent, shift, day))
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
                channels=sorted(channels),
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
    "BuiltModel",
    "Progress",
    "ProgressFn",
    "SolverConfig",
    "add_hint",
    "build_model",
    "extract_solution",
    "pattern_hint",
    "solver_status",
]
