"""Weekends and public holidays: who is off, and which shifts run."""

from __future__ import annotations

from rostering.domain.shifts import DayType
from rostering.roster.facts import can_work, day_label
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import HOLIDAYS_OFF, SHIFT_DAY_TYPES
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm


class HolidaysOff(Rule):
    """Agents whose pattern is off on public holidays do not work on them.

    "B agents are off on public holidays": such an agent works no shift on a
    statutory public holiday of the site's calendar.
    """

    name = HOLIDAYS_OFF

    def applies(self, instance: RosterInstance) -> bool:
        return any(a.off_on_holidays for a in instance.agents) and DayType.HOLIDAY in set(
            instance.day_types
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        # hard
        for agent in inst.agents:
            if not agent.off_on_holidays:
                continue
            for d, kind in enumerate(inst.day_types):
                if kind is not DayType.HOLIDAY:
                    continue
                name = inst.holiday_names.get(d, "public holiday")
                guard = ctx.guard(
                    f"agent {agent.id}: off on public holidays, and {day_label(inst, d)} is {name}"
                )
                ct = m.add(ctx.vars.on_day(agent.id, d) == 0)
                if guard:
                    ct.only_enforce_if(guard)
        # soft: none
        return []


class ShiftDayTypes(Rule):
    """A shift runs only on the day types for which it carries channels.

    "On weekends and public holidays outbound is carried by shift A": the B
    shift carries nothing on a public holiday, so nobody works B that day.
    """

    name = SHIFT_DAY_TYPES

    def applies(self, instance: RosterInstance) -> bool:
        return any(
            not can_work(instance, s, d) for s in instance.shifts for d in range(instance.n_days)
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        # hard
        for shift in inst.shifts:
            for d in range(inst.n_days):
                if can_work(inst, shift, d):
                    continue
                workers = [
                    x for a in inst.agents if (x := ctx.vars.works(a.id, d, shift.id)) is not None
                ]
                if not workers:
                    continue
                guard = ctx.guard(
                    f"shift {shift.id} carries no channel on a {inst.day_types[d].value}, "
                    f"so it is not worked on {day_label(inst, d)}"
                )
                for x in workers:
                    ct = m.add(x == 0)
                    if guard:
                        ct.only_enforce_if(guard)
        # soft: none
        return []


HOLIDAY_RULES: list[type[Rule]] = [HolidaysOff, ShiftDayTypes]

__all__ = ["HOLIDAY_RULES", "HolidaysOff", "ShiftDayTypes"]
