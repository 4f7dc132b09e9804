"""Re-check a roster against every rule, without the solver, and recompute its cost.

:func:`validate` reads a :class:`RosterSolution` as a planner would hand it
over (assignments, meal times, who serves what in each slot, standby duties)
and checks it rule by rule with plain Python: the contract rules through
:func:`rostering.roster.validation_contract.check_contract_rules`, and here
the shift times, rotation patterns, fixed days, holidays, meals, the one
channel at a time rule, coverage, standby, the management ratio, the backup
pool and fairness. It recomputes the labour cost from the pay rules and the
objective from the soft terms, in the same integer units the model uses, so a
roster from the solver validates to exactly the solver's objective.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from rostering.domain.agents import Role
from rostering.domain.patterns import PatternKind
from rostering.domain.shifts import DayType
from rostering.roster.cover import (
    deferred_amounts,
    deferred_window,
    floor_groups,
    floor_where,
    requirements,
    tier_weights,
    tiered_amounts,
    worst_floor_gap,
)
from rostering.roster.duties import (
    can_stand_by,
    duty_count,
    fairness_measures,
    floor_support_amounts,
    on_duty_agents,
    required_managers,
)
from rostering.roster.facts import (
    SCALE,
    break_offsets,
    coverage_agents,
    day_label,
    excused_days,
    five_two_targets,
    follows_pattern,
    heads_on_break,
    int_weight,
    local_time,
    meal_offsets,
    meal_slots,
    one_on_one_off_rota,
    primary_units,
    serves,
    serves_channels,
    shift_slots,
    slot_label,
)
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.pay import cost_lines, shift_pay
from rostering.roster.planning import backup_shortage, backups_for_day, can_be_on_call
from rostering.roster.rule_names import (
    ASSIGNMENT,
    BACKUP_POOL,
    BREAKS,
    FAIRNESS,
    FIVE_ON_TWO_OFF,
    FLOOR,
    HOLIDAYS_OFF,
    LABOUR,
    LATE,
    MANAGEMENT_RATIO,
    MEALS,
    ONE_CHANNEL_AT_A_TIME,
    ONE_ON_ONE_OFF,
    PRE_ASSIGNED_DAYS,
    PRESENCE,
    SECONDARY,
    SHIFT_DAY_TYPES,
    SHIFT_TIMES,
    SHORTFALL,
    SUPERVISOR_STANDBY,
    SURPLUS,
)
from rostering.roster.solution import BREAK, MEAL, RosterSolution, Violation
from rostering.roster.validation_contract import check_contract_rules
from rostering.types import AgentId, ChannelId, ShiftId

COST_TOLERANCE = 0.01
"""Yuan by which a reported cost line may differ from the recomputed one (rounding)."""


class ValidationReport(BaseModel):
    """What the validator found: broken hard rules, soft costs, and the recomputed totals."""

    model_config = ConfigDict(extra="forbid")

    ok: bool = Field(description="True when no hard rule is broken.")
    hard: list[Violation] = Field(default_factory=list)
    soft: list[Violation] = Field(default_factory=list)
    labour_cost: float = Field(
        0.0,
        description="Recomputed pay in yuan: standby and paid holidays included, leave "
        "deductions not (the instance does not carry the kind of leave).",
    )
    objective: float = Field(0.0, description="Recomputed objective (cost units).")


def _hard(rule: str, where: str, amount: float = 1) -> Violation:
    return Violation(rule=rule, where=where, amount=amount, cost=0.0, hard=True)


class _Checker:
    def __init__(self, instance: RosterInstance, solution: RosterSolution) -> None:
        self.inst = instance
        self.sol = solution
        self.hard: list[Violation] = []
        self.soft: list[Violation] = []
        self.fen = 0
        self.schedule: dict[tuple[AgentId, int], ShiftId] = {}
        self.meals: dict[tuple[AgentId, int], int] = {}
        self.breaks: dict[tuple[AgentId, int], list[int]] = {}
        self.present: dict[tuple[int, ChannelId], int] = defaultdict(int)
        """Agents on the floor able to take each channel in each slot."""
        self.own: dict[tuple[int, ChannelId], int] = defaultdict(int)
        """Agents on the floor whose own work each coverage unit is, in each slot."""

    def soft_term(self, rule: str, where: str, amount: int, weight: float) -> None:
        if amount <= 0:
            return
        coef = int_weight(weight)
        self.fen += coef * amount
        self.soft.append(
            Violation(rule=rule, where=where, amount=amount, cost=coef * amount / SCALE)
        )

    # ------------------------------------------------------------------ assignments
    def assignments(self) -> None:
        inst = self.inst
        known = {a.id for a in inst.agents}
        for a in self.sol.assignments:
            where = f"{a.agent} day {a.day}"
            if a.agent not in known:
                self.hard.append(_hard(ASSIGNMENT, f"{where}: unknown agent"))
                continue
            if not 0 <= a.day < inst.n_days:
                self.hard.append(_hard(ASSIGNMENT, f"{where}: outside the horizon"))
                continue
            if a.shift not in inst.agent(a.agent).shifts:
                self.hard.append(_hard(ASSIGNMENT, f"{where}: shift {a.shift} not eligible"))
                continue
            if (a.agent, a.day) in self.schedule:
                self.hard.append(_hard(ASSIGNMENT, f"{where}: two shifts on one day"))
                continue
            shift = inst.shift(a.shift)
            start = local_time(inst, a.day, shift.start_minute)
            end = local_time(inst, a.day, shift.start_minute + shift.length_minutes)
            if a.start != start or a.end != end:
                self.hard.append(_hard(SHIFT_TIMES, f"{where}: {a.start}-{a.end} is not {a.shift}"))
            self.schedule[(a.agent, a.day)] = a.shift
            base = local_time(inst, a.day, 0)
            if a.meal_start is not None:
                self.meals[(a.agent, a.day)] = round((a.meal_start - base).total_seconds() / 60)
            self.breaks[(a.agent, a.day)] = [
                round((b.start - base).total_seconds() / 60) for b in a.breaks
            ]
            if len(a.breaks) != len(shift.breaks) or any(
                round((b.end - b.start).total_seconds() / 60) != w.minutes
                or self.breaks[(a.agent, a.day)][i] not in break_offsets(inst, shift, i)
                for i, (b, w) in enumerate(zip(a.breaks, shift.breaks, strict=False))
            ):
                self.hard.append(_hard(BREAKS, f"{where}: breaks not taken inside their windows"))

    # ------------------------------------------------------------------ patterns
    def patterns(self) -> None:
        inst = self.inst
        for agent in inst.agents:
            if follows_pattern(agent) and agent.pattern is PatternKind.ONE_ON_ONE_OFF:
                self.one_on_one_off(agent)
            if follows_pattern(agent) and agent.pattern is PatternKind.FIVE_ON_TWO_OFF:
                self.five_two(agent)
            for d, shift_id in agent.fixed.items():
                if not 0 <= d < inst.n_days:
                    continue
                if self.schedule.get((agent.id, d)) != shift_id:
                    wanted = shift_id or "day off"
                    self.hard.append(
                        _hard(PRE_ASSIGNED_DAYS, f"{agent.id} {day_label(inst, d)}: {wanted}")
                    )

    def one_on_one_off(self, agent: AgentSpec) -> None:
        inst = self.inst
        excused = excused_days(inst, agent)
        fixed = one_on_one_off_rota(agent.history)
        candidates = [fixed] if fixed is not None else [0, 1]
        best: list[int] | None = None
        for off_first in candidates:
            wrong = [
                d
                for d in range(inst.n_days)
                if d not in excused
                and ((agent.id, d) in self.schedule) != ((d + off_first) % 2 == 0)
            ]
            if best is None or len(wrong) < len(best):
                best = wrong
        for d in best or []:
            self.hard.append(_hard(ONE_ON_ONE_OFF, f"{agent.id} {day_label(inst, d)}"))

    def five_two(self, agent: AgentSpec) -> None:
        inst = self.inst
        for target in five_two_targets(inst, agent):
            worked = sum(1 for d in target.counted if (agent.id, d) in self.schedule)
            if worked < target.least or worked > target.most:
                miss = target.least - worked if worked < target.least else worked - target.most
                self.hard.append(
                    _hard(FIVE_ON_TWO_OFF, f"{agent.id} week {target.week.number}", miss)
                )
        if agent.days_off_allowed is None:
            return
        allowed = set(agent.days_off_allowed)
        excused = excused_days(inst, agent)
        for d in range(inst.n_days):
            if (
                d in excused
                or inst.date(d).weekday() in allowed
                or inst.day_types[d] is DayType.HOLIDAY
            ):
                continue
            if (agent.id, d) not in self.schedule:
                self.hard.append(_hard(FIVE_ON_TWO_OFF, f"{agent.id} off on {day_label(inst, d)}"))

    # ------------------------------------------------------------------ holidays
    def holidays(self) -> None:
        inst = self.inst
        for (agent_id, d), shift_id in self.schedule.items():
            agent = inst.agent(agent_id)
            if agent.off_on_holidays and inst.day_types[d] is DayType.HOLIDAY:
                self.hard.append(_hard(HOLIDAYS_OFF, f"{agent_id} {day_label(inst, d)}"))
            shift = inst.shift(shift_id)
            if shift.channels and not shift.channels.get(inst.day_types[d]):
                self.hard.append(
                    _hard(SHIFT_DAY_TYPES, f"{agent_id} {shift_id} {day_label(inst, d)}")
                )

    # ------------------------------------------------------------------ meals & activities
    def meals_and_floor(self) -> dict[tuple[int, ChannelId], int]:
        inst = self.inst
        step = inst.interval_minutes
        expected: dict[tuple[AgentId, int], tuple[set[int], frozenset[ChannelId]]] = {}
        meal_at: dict[tuple[AgentId, int], set[int]] = {}
        away = {
            (a, t)
            for t, agents in heads_on_break(inst, self.schedule, self.breaks).items()
            for a in agents
        }
        for (agent_id, d), shift_id in self.schedule.items():
            shift = inst.shift(shift_id)
            options = meal_offsets(inst, shift)
            meal: set[int] = set()
            if options:
                start = self.meals.get((agent_id, d))
                if start is None or start not in options:
                    self.hard.append(
                        _hard(MEALS, f"{agent_id} {day_label(inst, d)}: meal outside its window")
                    )
                else:
                    first = d * inst.slots_per_day + start // step
                    meal = set(range(first, first + meal_slots(inst, shift)))
            agent = inst.agent(agent_id)
            if agent.role is Role.AGENT:
                able = serves(inst, agent, shift, d)
                takes = serves_channels(inst, agent, shift, d)
                own = primary_units(inst, agent, shift, d)
                for t in shift_slots(inst, shift, d):
                    if t in meal:
                        meal_at.setdefault((agent_id, t), set()).add(t)
                    elif (agent_id, t) in away:
                        continue
                    else:
                        expected[(agent_id, t)] = (set(), able)
                        for c in takes:
                            self.present[(t, c)] += 1
                        for u in own:
                            self.own[(t, u)] += 1
        counts: dict[tuple[int, ChannelId], int] = defaultdict(int)
        seen: set[tuple[AgentId, int]] = set()
        for act in self.sol.activities:
            key = (act.agent, act.slot)
            where = f"{act.agent} {slot_label(inst, act.slot)}"
            if key in seen:
                self.hard.append(_hard(ONE_CHANNEL_AT_A_TIME, where))
                continue
            seen.add(key)
            if act.activity == MEAL:
                if key not in meal_at:
                    self.hard.append(_hard(MEALS, f"{where}: meal outside the agent's meal"))
                continue
            if act.activity == BREAK:
                if key not in away:
                    self.hard.append(_hard(BREAKS, f"{where}: not counted away at a break"))
                continue
            if key not in expected:
                self.hard.append(_hard(ONE_CHANNEL_AT_A_TIME, f"{where}: not on the floor"))
                continue
            channel = ChannelId(act.activity)
            if channel not in expected[key][1]:
                self.hard.append(
                    _hard(ONE_CHANNEL_AT_A_TIME, f"{where}: cannot serve {channel} then")
                )
                continue
            counts[(act.slot, channel)] += 1
        for key in sorted(away - seen):
            self.hard.append(
                _hard(BREAKS, f"{key[0]} {slot_label(inst, key[1])}: at a break, not marked")
            )
        for key, (_, able) in expected.items():
            if able and key not in seen:
                self.hard.append(
                    _hard(ONE_CHANNEL_AT_A_TIME, f"{key[0]} {slot_label(inst, key[1])}: idle")
                )
        return counts

    # ------------------------------------------------------------------ coverage
    def coverage(self, counts: dict[tuple[int, ChannelId], int]) -> None:
        inst = self.inst
        w = inst.weights
        required = requirements(inst)
        deferred = {c.id for c in inst.channels if deferred_window(inst, c.id)}
        for t, c in sorted(set(counts) | set(required)):
            if c in deferred:
                continue
            n, req = counts.get((t, c), 0), required.get((t, c), 0)
            where = f"{slot_label(inst, t)} {c}"
            weight = tier_weights(inst, c)
            for rule, amount in tiered_amounts(req, n).items():
                if rule in (SURPLUS, SHORTFALL) or weight[rule] > 0:
                    self.soft_term(rule, where, amount, weight[rule])
        covered = {key: min(req, counts.get(key, 0)) for key, req in required.items()}
        for d, groups in sorted(floor_groups(inst).items()):
            self.soft_term(
                FLOOR,
                floor_where(inst, d),
                worst_floor_gap(inst, groups, covered),
                w.coverage_floor_per_point,
            )
        for (t, c), n in sorted(counts.items()):
            helping = n - self.own.get((t, c), 0)
            where = f"{slot_label(inst, t)} {c}"
            self.soft_term(SECONDARY, where, helping, w.secondary_per_agent_slot)
        for need in sorted(inst.presence, key=lambda n: (n.slot, n.channel)):
            if self.present.get((need.slot, need.channel), 0) == 0:
                self.soft_term(
                    PRESENCE,
                    f"{slot_label(inst, need.slot)} {need.channel}",
                    1,
                    w.shortfall_per_agent_slot * inst.channel(need.channel).priority,
                )
        for c in sorted(deferred):
            served = {t: n for (t, ch), n in counts.items() if ch == c}
            late, idle = deferred_amounts(inst, c, served)
            for t, amount in sorted(idle.items()):
                where = f"{slot_label(inst, t)} {c}"
                self.soft_term(SURPLUS, where, amount, w.surplus_per_agent_slot)
            priority = inst.channel(c).priority
            for a, amount in sorted(late.items()):
                where = f"{slot_label(inst, a)} {c}"
                self.soft_term(LATE, where, amount, w.shortfall_per_agent_slot * priority)

    # ------------------------------------------------------------------ standby
    def standby(self) -> set[tuple[AgentId, int]]:
        inst = self.inst
        rules = inst.standby
        sup_days: set[tuple[AgentId, int]] = set()
        if rules is None:
            return sup_days
        day_of = {inst.date(d): d for d in range(inst.n_days)}
        backups: dict[int, int] = defaultdict(int)
        for duty in self.sol.standby:
            d = day_of.get(duty.date)
            where = f"{duty.agent} {duty.date}"
            if d is None or duty.agent not in {a.id for a in inst.agents}:
                self.hard.append(_hard(SUPERVISOR_STANDBY, f"{where}: outside the roster"))
                continue
            agent = inst.agent(duty.agent)
            if duty.kind == "supervisor":
                if agent.role is not Role.SUPERVISOR or not can_stand_by(inst, agent.id, d):
                    self.hard.append(_hard(SUPERVISOR_STANDBY, f"{where}: cannot stand by"))
                    continue
                sup_days.add((agent.id, d))
            elif duty.kind == "backup":
                if not can_be_on_call(inst, self.schedule, agent, d):
                    self.hard.append(_hard(BACKUP_POOL, f"{where}: cannot be on call"))
                    continue
                backups[d] += 1
            else:
                self.hard.append(_hard(SUPERVISOR_STANDBY, f"{where}: unknown kind {duty.kind}"))
        supervisors = [a.id for a in inst.agents if a.role is Role.SUPERVISOR]
        for d in range(inst.n_days):
            on_call = sum(1 for a in supervisors if (a, d) in sup_days)
            if rules.supervisor_standby_24x7 and on_call == 0:
                self.hard.append(_hard(SUPERVISOR_STANDBY, f"{day_label(inst, d)}: nobody"))
            if on_call > rules.standby_per_day:
                self.hard.append(
                    _hard(
                        SUPERVISOR_STANDBY,
                        f"{day_label(inst, d)}: {on_call} on standby, the rota has "
                        f"{rules.standby_per_day}",
                    )
                )
            if coverage_agents(inst):
                present = sum(
                    1 for a in supervisors if (a, d) in sup_days or (a, d) in self.schedule
                )
                need = required_managers(inst, on_duty_agents(inst, self.schedule, d))
                self.soft_term(
                    MANAGEMENT_RATIO,
                    f"{day_label(inst, d)}: 1:{rules.management_ratio}",
                    max(0, need - present),
                    inst.weights.shortfall_per_agent_slot,
                )
            need_backups = backups_for_day(inst, self.schedule, d)
            if backups[d] < need_backups:
                self.soft.append(backup_shortage(inst, d, need_backups - backups[d], need_backups))
        return sup_days

    # ------------------------------------------------------------------ fairness & cost
    def fairness(self, sup_days: set[tuple[AgentId, int]]) -> None:
        inst = self.inst
        for measure in fairness_measures(inst):
            counts = [
                duty_count(inst, inst.agent(a), measure.duty, self.schedule, sup_days)
                for a in measure.agents
            ]
            self.soft_term(
                FAIRNESS,
                f"{measure.duty} among {measure.group}",
                max(counts) - min(counts),
                inst.weights.fairness_per_day,
            )

    def cost(self, sup_days: set[tuple[AgentId, int]]) -> float:
        inst = self.inst
        weight = inst.weights.labour_cost
        if weight > 0:
            for (agent, d), shift in self.schedule.items():
                self.fen += int_weight(weight * shift_pay(inst, agent, d, shift).marginal)
            if inst.standby is not None:
                self.fen += len(sup_days) * int_weight(weight * inst.pay.standby_daily_allowance)
        # The instance knows days away but not the kind of leave: lines are
        # compared before leave deductions.
        lines = cost_lines(inst, self.schedule, self.sol.standby)
        reported = {c.agent: c.gross for c in self.sol.costs}
        for line in lines:
            if line.agent in reported and abs(reported[line.agent] - line.gross) > COST_TOLERANCE:
                self.hard.append(
                    _hard(
                        LABOUR,
                        f"{line.agent}: reported {reported[line.agent]:.2f}, "
                        f"pay rules give {line.gross:.2f}",
                    )
                )
        return sum(line.total for line in lines)


Check = Callable[[RosterInstance, Mapping[tuple[AgentId, int], ShiftId]], list[Violation]]
"""A check of rules the product's own do not cover: (instance, schedule) -> violations.

``schedule`` maps (agent, day) to the shift worked. Hard violations carry
``hard=True``; soft ones the cost the model puts on them.
"""


def validate(
    instance: RosterInstance, solution: RosterSolution, *, checks: Sequence[Check] = ()
) -> ValidationReport:
    """Every rule re-checked on ``solution``, with the cost and objective recomputed.

    ``checks`` add the rules of a model built with extra rules (see
    :class:`rostering.roster.strategy.SearchStrategy`).
    """
    check = _Checker(instance, solution)
    check.assignments()
    found = check_contract_rules(instance, check.schedule)
    for extra in checks:
        found += extra(instance, check.schedule)
    for v in found:
        if v.hard:
            check.hard.append(v)
        else:
            check.soft.append(v)
            check.fen += round(v.cost * SCALE)
    check.patterns()
    check.holidays()
    counts = check.meals_and_floor()
    check.coverage(counts)
    on_floor: dict[int, int] = defaultdict(int)
    for (t, _), n in counts.items():
        on_floor[t] += n
    for (rule, where), amount in sorted(
        floor_support_amounts(instance, check.schedule, on_floor).items()
    ):
        check.soft_term(rule, where, amount, instance.weights.shortfall_per_agent_slot)
    sup_days = check.standby()
    check.fairness(sup_days)
    labour = check.cost(sup_days)
    return ValidationReport(
        ok=not check.hard,
        hard=check.hard,
        soft=check.soft,
        labour_cost=labour,
        objective=check.fen / SCALE,
    )


__all__ = ["Check", "ValidationReport", "validate"]
