"""Fairness: unpopular duties spread evenly among agents of the same pattern."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rostering.domain.shifts import DayType
from rostering.roster.duties import (
    HOLIDAYS,
    OVERTIME,
    STANDBY,
    WEEKENDS,
    carried,
    fairness_measures,
    overtime_shifts,
)
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.rule_names import FAIRNESS
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.standby import SupervisorStandby


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
        overtime = overtime_shifts(inst, agent)
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
    "Fairness",
]
