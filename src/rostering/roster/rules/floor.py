"""Who is on the floor in each slot, counted by crews of interchangeable agents.

Coverage never needs to know *which* agent serves a slot, only how many of
each kind are there. Front-line agents with the same skills are a crew; for
each day, shift and crew the model keeps one integer: how many of the crew
work that shift that day, and (when the shift has a meal) how many take the
meal at each allowed start, and likewise for its short breaks. The on-floor
count of a crew in a slot is the number working a shift covering it less
those at their meal and those at a break. The per-agent
meal times and channels are recovered after solving (see
:mod:`rostering.roster.model`); the counts are exact for the coverage rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from rostering.roster.facts import (
    can_work,
    crews,
    meal_offsets,
    meal_slots,
    primary_units,
    serves,
    serves_channels,
    shift_slots,
)
from rostering.roster.instance import RosterInstance
from rostering.roster.variables import RosterVars
from rostering.types import AgentId, ChannelId, ShiftId


@dataclass
class Unit:
    """Agents of one crew working one shift on one day."""

    day: int
    shift: ShiftId
    skills: frozenset[ChannelId]
    serves: frozenset[ChannelId]
    """Coverage units (pools and lone channels) the unit's agents serve."""
    channels: frozenset[ChannelId]
    """Channels the unit's agents can take."""
    primary: frozenset[ChannelId]
    """Coverage units that are the agents' own work (not secondary help)."""
    agents: list[AgentId]
    count: cp_model.IntVar
    slots: range
    meals: dict[int, cp_model.LinearExprT] = field(default_factory=dict)
    """Meal start (minutes after midnight of ``day``) -> how many take it then."""
    breaks: list[dict[int, cp_model.LinearExprT]] = field(default_factory=list)
    """Per break of the shift: start (minutes after midnight of ``day``) -> how many take it."""
    off: dict[int, cp_model.LinearExprT] = field(default_factory=dict)
    """Slot -> agents off the floor at short breaks then (break time rounded up to heads)."""


UnitKey = tuple[int, ShiftId, frozenset[ChannelId]]


class Floor:
    """Crew counts per day and shift, and the on-floor expressions per slot."""

    def __init__(self, model: cp_model.CpModel, variables: RosterVars, instance: RosterInstance):
        self.model = model
        self.instance = instance
        self.units: dict[UnitKey, Unit] = {}
        by_skills = crews(instance)
        # The members of each crew who may work each shift type.
        on_shift = {
            (skills, shift.id): [a.id for a in members if shift.id in a.shifts]
            for skills, members in by_skills.items()
            for shift in instance.shifts
        }
        for d in range(instance.n_days):
            for shift in instance.shifts:
                if not can_work(instance, shift, d):
                    continue
                for skills in by_skills:
                    works = [
                        (a, x)
                        for a in on_shift[(skills, shift.id)]
                        if (x := variables.works(a, d, shift.id)) is not None
                    ]
                    if not works:
                        continue
                    agent = instance.agent(works[0][0])
                    serving = serves(instance, agent, shift, d)
                    if not serving:
                        continue
                    count = variables.new_int(
                        0,
                        len(works),
                        f"crew_count(day={d}, shift={shift.id}, skills={sorted(skills)})",
                        day=d,
                    )
                    model.add(count == sum(x for _, x in works))
                    self.units[(d, shift.id, skills)] = Unit(
                        day=d,
                        shift=shift.id,
                        skills=skills,
                        serves=serving,
                        channels=serves_channels(instance, agent, shift, d),
                        primary=primary_units(instance, agent, shift, d),
                        agents=[a for a, _ in works],
                        count=count,
                        slots=shift_slots(instance, shift, d),
                    )

    def meal_windows(self, unit: Unit) -> list[int]:
        """Meal starts the unit's shift allows."""
        return meal_offsets(self.instance, self.instance.shift(unit.shift))

    def by_slot(
        self, *, key: str = "units"
    ) -> dict[int, dict[frozenset[ChannelId], list[cp_model.LinearExprT]]]:
        """Per slot, per set of coverage units served: terms summing to the agents on the floor.

        ``key``: ``"units"`` (the units served), ``"channels"`` (the channels the
        agents can take) or ``"primary"`` (the units that are their own work).
        """
        inst = self.instance
        out: dict[int, dict[frozenset[ChannelId], list[cp_model.LinearExprT]]] = defaultdict(
            lambda: defaultdict(list)
        )
        step = inst.interval_minutes
        field = {"units": "serves", "channels": "channels", "primary": "primary"}[key]
        for unit in self.units.values():
            group: frozenset[ChannelId] = getattr(unit, field)
            for t in unit.slots:
                out[t][group].append(unit.count)
            length = meal_slots(inst, inst.shift(unit.shift))
            for minute, taking in unit.meals.items():
                first = unit.day * inst.slots_per_day + minute // step
                for t in range(first, first + length):
                    if t in unit.slots:
                        out[t][group].append(-taking)
            for t, away in unit.off.items():
                if t in unit.slots:
                    out[t][group].append(-away)
        return out

    def upper_bounds(self) -> dict[int, dict[frozenset[ChannelId], int]]:
        """Per slot, per set of channels served: the most agents that can be on the floor."""
        out: dict[int, dict[frozenset[ChannelId], int]] = defaultdict(lambda: defaultdict(int))
        for unit in self.units.values():
            for t in unit.slots:
                out[t][unit.serves] += len(unit.agents)
        return out


__all__ = ["Floor", "Unit", "UnitKey"]
