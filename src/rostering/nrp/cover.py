"""The benchmark's day cover: a preferred number of agents on each shift type each day.

Nurse-rostering benchmarks state demand as agents per shift type and day, with
weights for each agent under and over; contact-centre scenarios state it per
interval and channel instead (:mod:`rostering.roster.rules.coverage`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from rostering.nrp.instance import NrpInstance
from rostering.roster.instance import RosterInstance
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.solution import Violation
from rostering.types import AgentId, ShiftId


class DayCoverRule(Rule):
    """Each shift type is staffed by the preferred number of agents each day.

    "Three on the early shift on Monday": every agent missing costs the
    under-cover weight, every agent too many the over-cover weight.
    """

    name = "day cover"
    UNDER = "day cover under"
    OVER = "day cover over"

    @staticmethod
    def where(day: int, shift: ShiftId) -> str:
        """Where a row's soft terms say they are: ``day 3 shift E``."""
        return f"day {day} shift {shift}"

    def applies(self, instance: RosterInstance) -> bool:
        return isinstance(instance, NrpInstance) and bool(instance.day_cover)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, v, m = ctx.instance, ctx.vars, ctx.model
        assert isinstance(inst, NrpInstance)  # applies() holds
        terms: list[SoftTerm] = []
        # hard: none
        # soft
        for row in inst.day_cover:
            eligible = v.eligible(row.shift)
            staff = [x for a in eligible if (x := v.works(a, row.day, row.shift)) is not None]
            where = self.where(row.day, row.shift)
            under = v.new_int(
                0, row.required, f"under_cover(day={row.day}, shift={row.shift})", day=row.day
            )
            over = v.new_int(
                0,
                max(0, len(staff) - row.required),
                f"over_cover(day={row.day}, shift={row.shift})",
                day=row.day,
            )
            m.add(sum(staff) + under - over == row.required)
            if row.required > 0 and len(staff) > row.required:
                # Never both short and over: the slacks measure exactly the deviation.
                short = v.new_bool(f"is_short(day={row.day}, shift={row.shift})", day=row.day)
                m.add(over == 0).only_enforce_if(short)
                m.add(under == 0).only_enforce_if(short.Not())
            if row.weight_under and row.required:
                terms.append(SoftTerm(self.UNDER, where, under, float(row.weight_under)))
            if row.weight_over and len(staff) > row.required:
                terms.append(SoftTerm(self.OVER, where, over, float(row.weight_over)))
        return terms


def day_cover_violations(
    instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
) -> list[Violation]:
    """Each day and shift type under or over its cover, priced by the cover's weights.

    A check for :func:`rostering.roster.validation.validate`: the same amounts
    and costs :class:`DayCoverRule` puts in the objective.
    """
    out: list[Violation] = []
    if not isinstance(instance, NrpInstance):
        return out
    staffed: dict[tuple[int, ShiftId], int] = defaultdict(int)
    for (_, day), shift_id in schedule.items():
        staffed[(day, shift_id)] += 1
    for row in instance.day_cover:
        n = staffed[(row.day, row.shift)]
        where = DayCoverRule.where(row.day, row.shift)
        if n < row.required and row.weight_under:
            short = row.required - n
            out.append(
                Violation(
                    rule=DayCoverRule.UNDER,
                    where=where,
                    amount=short,
                    cost=float(short * row.weight_under),
                )
            )
        if n > row.required and row.weight_over:
            extra = n - row.required
            out.append(
                Violation(
                    rule=DayCoverRule.OVER,
                    where=where,
                    amount=extra,
                    cost=float(extra * row.weight_over),
                )
            )
    return out


__all__ = [
    "DayCoverRule",
    "day_cover_violations",
]
