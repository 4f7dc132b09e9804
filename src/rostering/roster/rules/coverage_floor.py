"""The coverage floor: no channel left far behind while another is well served."""

from __future__ import annotations

from collections.abc import Mapping

from ortools.sat.python import cp_model

from rostering.roster.cover import floor_groups, floor_where, worst_floor_gap
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import FLOOR
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.roster.rules.coverage import IntervalCoverage
from rostering.types import ChannelId


class CoverageFloor(Rule):
    """Scarce agents are shared, so that no channel is left empty while another is served.

    Each day, every channel due in its slot is held to a coverage floor
    (``Weights.coverage_floor_percent`` of the agent-slots it needs that day,
    50 % by default, counting only slots someone could serve). The
    worst-covered channel's distance below the floor, in whole percentage
    points, costs ``Weights.coverage_floor_per_point`` per point. The planner
    gets: where agents cannot cover everything, their time is split so that
    the channels' daily coverage ratios are lifted together, worst first, up to
    the floor; above the floor the channel priorities decide as before. For
    example one agent carrying inbound (priority 3) and chat (priority 2) all
    day serves both in turns instead of leaving chat at 0 %. The penalty is a
    maximum of linear terms, hence convex, and is recomputed exactly by the
    validator.
    """

    name = FLOOR

    def __init__(self, cover: IntervalCoverage) -> None:
        self.cover = cover

    def requires(self) -> tuple[Rule, ...]:
        return (self.cover,)

    def applies(self, instance: RosterInstance) -> bool:
        return self.cover.applies(instance)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        return self._floor(ctx, self.cover.covered)

    def exact_amounts(
        self, instance: RosterInstance, serving: Mapping[tuple[int, ChannelId], int]
    ) -> dict[tuple[str, str], int]:
        """The exact worst gap of each day for the agents serving each slot."""
        required = self.cover.required
        covered = {key: min(req, serving.get(key, 0)) for key, req in required.items()}
        return {
            (FLOOR, floor_where(instance, d)): worst_floor_gap(instance, groups, covered)
            for d, groups in floor_groups(instance).items()
        }

    def _floor(
        self, ctx: RuleContext, covered: dict[tuple[int, ChannelId], cp_model.LinearExprT]
    ) -> list[SoftTerm]:
        """Per day, the worst-covered channel's gap below the coverage floor."""
        inst, m = ctx.instance, ctx.model
        percent = inst.weights.coverage_floor_percent
        terms: list[SoftTerm] = []
        for d, groups in sorted(floor_groups(inst).items()):
            worst = ctx.vars.new_int(0, percent, f"floor_worst(day={d})", day=d)
            for c, slots in sorted(groups.items()):
                need = sum(slots.values())
                done = sum(covered[(t, c)] for t in slots)
                # worst >= ceil(percent - 100 * done / need) for every channel; minimising
                # makes it the largest of them (extraction recomputes it exactly).
                m.add(need * worst >= percent * need - 100 * done)
            terms.append(
                SoftTerm(FLOOR, floor_where(inst, d), worst, inst.weights.coverage_floor_per_point)
            )
        return terms


__all__ = ["CoverageFloor"]
