"""Duties shared by the model and the validator: supervisor standby, managers, fairness.

Solver-free facts: who can stand by, how many managers and backups a day
needs, and which duties (weekends, holidays, overtime, standby) are shared
out fairly among whom.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scipy.special import bdtrc

from rostering.domain.agents import Role
from rostering.domain.shifts import DayType
from rostering.roster.facts import coverage_agents, shift_slots, slot_label
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.rule_names import FLOOR_SUPPORT
from rostering.roster.solution import BREAK, MEAL, SlotActivity
from rostering.types import AgentId, ShiftId


def supervisors(instance: RosterInstance) -> list[AgentId]:
    """Ids of the supervisors, who can be on standby."""
    return [a.id for a in instance.agents if a.role is Role.SUPERVISOR]


def can_stand_by(instance: RosterInstance, agent: AgentId, day: int) -> bool:
    """A supervisor can be on standby on any day that is not leave or unavailable."""
    return day not in set(instance.agent(agent).days_off)


def backups_needed(on_duty: int, *, absenteeism: float, risk: float, minimum: int = 0) -> int:
    """Backups on call so that absences exceed them with probability at most ``risk``.

    The smallest ``k`` with ``P(Binomial(on_duty, absenteeism) > k) <= risk``,
    and at least ``minimum``. With 2 agents on duty, 5 % absenteeism and 5 %
    risk one backup is needed (``P(X > 0) = 9.75 %``, ``P(X > 1) = 0.25 %``).
    """
    if on_duty <= 0 or absenteeism <= 0:
        return minimum
    for k in range(on_duty + 1):
        if float(bdtrc(k, on_duty, absenteeism)) <= risk:
            return max(k, minimum)
    return max(on_duty, minimum)


def on_duty_agents(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId], day: int
) -> int:
    """Front-line agents working a shift on ``day``."""
    return sum(1 for a in coverage_agents(instance) if (a.id, day) in schedule)


def required_managers(instance: RosterInstance, on_duty: int) -> int:
    """Supervisors on duty or standby needed for ``on_duty`` agents at the management ratio."""
    if instance.standby is None:
        return 0
    return math.ceil(on_duty / instance.standby.management_ratio)


def open_slots(instance: RosterInstance) -> list[int]:
    """Slots in which the site is open: some channel has a requirement."""
    return sorted({n.slot for n in instance.needs if n.required > 0})


def floor_support_need(instance: RosterInstance, on_floor: int) -> int:
    """Leads needed on the floor for ``on_floor`` agents: one per ratio, and never none."""
    ratio = instance.standby.floor_support_ratio if instance.standby else None
    if ratio is None:
        return 0
    return max(1, math.ceil(on_floor / ratio))


def leads(instance: RosterInstance) -> list[AgentSpec]:
    """Team leads and supervisors who work shifts (on the floor when they do)."""
    return [a for a in instance.agents if a.role is Role.SUPERVISOR and a.shifts]


def floor_support_amounts(
    instance: RosterInstance,
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    on_floor: Mapping[int, int],
) -> dict[tuple[str, str], int]:
    """Leads short per open slot, for a roster: ``on_floor`` agents serving per slot."""
    if instance.standby is None or instance.standby.floor_support_ratio is None:
        return {}
    present: dict[int, int] = defaultdict(int)
    for agent in leads(instance):
        for d in range(instance.n_days):
            shift_id = schedule.get((agent.id, d))
            if shift_id is not None:
                for t in shift_slots(instance, instance.shift(shift_id), d):
                    present[t] += 1
    return {
        (FLOOR_SUPPORT, slot_label(instance, t)): max(
            0, floor_support_need(instance, on_floor.get(t, 0)) - present[t]
        )
        for t in open_slots(instance)
    }


def agents_on_floor(activities: Iterable[SlotActivity]) -> dict[int, int]:
    """Front-line agents serving a channel in each slot (not at a meal or a break)."""
    out: dict[int, int] = defaultdict(int)
    for act in activities:
        if act.activity not in (MEAL, BREAK):
            out[act.slot] += 1
    return dict(out)


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


def overtime_shifts(instance: RosterInstance, agent: AgentSpec) -> set[ShiftId]:
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
            if any(overtime_shifts(instance, a) for a in members):
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
    overtime = overtime_shifts(instance, agent)
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


__all__ = [
    "HOLIDAYS",
    "OVERTIME",
    "STANDBY",
    "WEEKENDS",
    "Measure",
    "backups_needed",
    "can_stand_by",
    "carried",
    "duty_count",
    "fairness_measures",
    "on_duty_agents",
    "overtime_shifts",
    "required_managers",
    "supervisors",
]
