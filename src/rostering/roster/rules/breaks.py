"""Short breaks: taken inside their windows, staggered, off the floor."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from rostering.roster.facts import break_offsets, overlap_minutes
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import BREAKS
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.floor import Floor


class Breaks(Rule):
    """Every agent takes each of the shift's short breaks, inside its window, staggered.

    "Two paid 15-minute breaks, one mid-morning and one mid-afternoon." A
    break starts on a grid as fine as its length needs (a 15-minute break on
    a 30-minute interval grid may start on the hour or at a quarter past), and
    the agent is off the floor while on it. Coverage counts the heads away in
    each interval: the break minutes taken in it, rounded up to whole agents,
    so two quarter-hour breaks back to back cost one agent for the half-hour.
    Breaks are staggered: no start time takes more than about twice an even
    share of the crew, so a team never leaves the floor at once.
    """

    name = BREAKS

    def __init__(self, floor: Floor) -> None:
        self.floor = floor

    def applies(self, instance: RosterInstance) -> bool:
        return any(s.breaks for s in instance.shifts)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        step = inst.interval_minutes
        # hard
        for unit in self.floor.units.values():
            shift = inst.shift(unit.shift)
            if not shift.breaks:
                continue
            minutes_in: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
            for index, window in enumerate(shift.breaks):
                options = break_offsets(inst, shift, index)
                n = len(options)
                taking: dict[int, cp_model.LinearExprT] = {}
                for minute in options:
                    if n == 1:
                        taking[minute] = unit.count
                    else:
                        var = ctx.vars.new_int(
                            0,
                            len(unit.agents),
                            f"break_takers(day={unit.day}, shift={unit.shift}, "
                            f"skills={sorted(unit.skills)}, break={index}, minute={minute})",
                            day=unit.day,
                        )
                        # Staggered: at most about twice an even share at any one start.
                        m.add(n * var <= 2 * unit.count + n - 1)
                        taking[minute] = var
                    for t, mins in overlap_minutes(inst, unit.day, minute, window.minutes).items():
                        minutes_in[t].append(mins * taking[minute])
                if n > 1:
                    m.add(sum(taking.values()) == unit.count)
                unit.breaks.append(taking)
            for t, parts in minutes_in.items():
                away = ctx.vars.new_int(
                    0,
                    len(unit.agents),
                    f"on_break(slot={t}, shift={unit.shift}, skills={sorted(unit.skills)})",
                    slot=t,
                )
                total = sum(parts)
                # away = ceil(break minutes in the slot / slot minutes)
                m.add(step * away >= total)
                m.add(step * away <= total + step - 1)
                unit.off[t] = away
        # soft: none
        return []


__all__ = ["Breaks"]
