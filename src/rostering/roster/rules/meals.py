"""Meals: taken inside the shift's window, off the floor."""

from __future__ import annotations

from rostering.roster.facts import meal_offsets
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import MEALS
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.floor import Floor


class Meals(Rule):
    """Every agent on a shift with a meal takes it inside the template's window.

    "Lunch starts between 11:30 and 13:30." The meal starts on the interval
    grid; while at their meal an agent is off the floor and does not count
    towards coverage. The model decides, per day and shift, how many agents of
    each crew start their meal at each allowed time.
    """

    name = MEALS

    def __init__(self, floor: Floor) -> None:
        self.floor = floor

    def applies(self, instance: RosterInstance) -> bool:
        return any(s.meal_minutes > 0 for s in instance.shifts)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        # hard
        for unit in self.floor.units.values():
            options = meal_offsets(inst, inst.shift(unit.shift))
            if not options:
                continue
            if len(options) == 1:
                unit.meals[options[0]] = unit.count
                continue
            taking = {
                minute: ctx.vars.new_int(
                    0,
                    len(unit.agents),
                    f"meal_takers(day={unit.day}, shift={unit.shift}, "
                    f"skills={sorted(unit.skills)}, minute={minute})",
                    day=unit.day,
                )
                for minute in options
            }
            # Everyone on the shift takes exactly one meal.
            m.add(sum(taking.values()) == unit.count)
            unit.meals.update(taking)
        # soft: none
        return []


__all__ = ["Meals"]
