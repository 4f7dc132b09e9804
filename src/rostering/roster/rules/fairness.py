"""Fairness: unpopular duties spread evenly among agents of the same pattern."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rostering.domain.agents import Role
from rostering.domain.shifts import DayType
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.standby import SupervisorStandby
from rostering.types import AgentId, ShiftId

FAIRNESS = "fairness"
WEEKENDS = "weekends"
HOLIDAYS = "holidays"
OVERTIME = "overtime"
STANDBY = "standby"


@dataclass(frozen=True)
class Measure:
    """One duty counted for one group of agents who should share it evenly."""

    duty: str
    group: str
    agents: tuple[AgentId, ...]


def _overtime_shifts(instance: RosterInstance, agent: AgentSpec) -> set[ShiftId]:
    return {s for s in agent.shifts if instance.shift(s).paid_minutes > agent.contract_minutes}


def fairness_measures(instance: RosterInstance) -> list[Measure]:
    """The (duty, group) pairs the fairness rule balances.

    Groups are people of the same role and pattern, two or more of them. Shift
    duties (weekend days, public holidays, overtime days) are counted for people
    with shifts when the horizon holds such days; standby days for supervisors.
    """
    if instance.weights.fairness_per_day <= 0:
        return []
    groups: dict[tuple[str, str], list[AgentSpec]] = defaultdict(list)
    for agent in instance.agents:
        groups[(agent.role.value, agent.pattern.value)].append(agent)
    kinds = set(instance.day_types)
    out: list[Measure] = []
    for (role, pattern), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        label = f"{role}s on {pattern}"
        ids = tuple(a.id for a in members)
        with_shifts = any(a.shifts for a in members)
        if with_shifts and role != Role.BACKUP.value:
            if DayType.WEEKEND in kinds:
                out.append(Measure(WEEKENDS, label, ids))
            if DayType.HOLIDAY in kinds:
                out.append(Measure(HOLIDAYS, label, ids))
            if any(_overtime_shifts(instance, a) for a in members):
                out.append(Measure(OVERTIME, label, ids))
        if role == Role.SUPERVISOR.value and instance.standby is not None:
            out.append(Measure(STANDBY, label, ids))
    return out


def carried(agent: AgentSpec, duty: str) -> int:
    """Duties of this kind already done in earlier periods (the carry-over ledger)."""
    return round(agent.fairness_carry.get(duty, 0.0))


def duty_count(
    instance: RosterInstance,
    agent: AgentSpec,
    duty: str,
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    standby_days: set[tuple[AgentId, int]],
) -> int:
    """How many of ``duty`` an agent has, carry-over included, in a given roster."""
    total = carried(agent, duty)
    overtime = _overtime_shifts(instance, agent)
    for d in range(instance.n_days):
        shift = schedule.get((agent.id, d))
        kind = instance.day_types[d]
        if duty == STANDBY:
            total += (agent.id, d) in standby_days
        elif shift is not None and (
            (duty == WEEKENDS and kind is DayType.WEEKEND)
            or (duty == HOLIDAYS and kind is DayType.HOLIDAY)
            or (duty == OVERTIME and shift in overtime)
        ):
            total += 1
    return total


class Fairness(Rule):
    """Weekends, public holidays, standby days and overtime are shared evenly.

    Among agents of the same role and pattern, the gap between whoever has done
    the most of a duty and whoever has done the least costs the fairness weight
    per day of gap. Duties done in earlier periods (the carry-over ledger)
    count, so the roster evens out over time.
    """

    name = FAIRNESS

    def __init__(self, standby: SupervisorStandby | None = None) -> None:
        self.standby = standby

    def applies(self, instance: RosterInstance) -> bool:
        return bool(fairness_measures(instance))

    def _expr(self, ctx: RuleContext, agent: AgentSpec, duty: str) -> cp_model.LinearExprT:
        inst, v = ctx.instance, ctx.vars
        items: list[cp_model.LinearExprT] = []
        overtime = _overtime_shifts(inst, agent)
        for d in range(inst.n_days):
            kind = inst.day_types[d]
            if (duty == WEEKENDS and kind is DayType.WEEKEND) or (
                duty == HOLIDAYS and kind is DayType.HOLIDAY
            ):
                items.append(v.on_day(agent.id, d))
            elif duty == OVERTIME:
                items += [x for s, x in v.shifts_on(agent.id, d).items() if s in overtime]
            elif duty == STANDBY and self.standby is not None:
                duty_var = self.standby.duty.get((agent.id, d))
                if duty_var is not None:
                    items.append(duty_var)
        return carried(agent, duty) + sum(items)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        terms: list[SoftTerm] = []
        # hard: none
        # soft
        for measure in fairness_measures(inst):
            agents = [inst.agent(a) for a in measure.agents]
            counts = [self._expr(ctx, a, measure.duty) for a in agents]
            low = min(carried(a, measure.duty) for a in agents)
            high = max(carried(a, measure.duty) for a in agents) + inst.n_days
            tag = f"{measure.duty}, {measure.group}"
            most = m.new_int_var(low, high, f"fair_max({tag})")
            least = m.new_int_var(low, high, f"fair_min({tag})")
            m.add_max_equality(most, counts)
            m.add_min_equality(least, counts)
            terms.append(
                SoftTerm(
                    FAIRNESS,
                    f"{measure.duty} among {measure.group}",
                    most - least,
                    inst.weights.fairness_per_day,
                )
            )
        return terms


__all__ = [
    "FAIRNESS",
    "HOLIDAYS",
    "OVERTIME",
    "STANDBY",
    "WEEKENDS",
    "Fairness",
    "Measure",
    "carried",
    "duty_count",
    "fairness_measures",
]
