"""Rotation patterns and pre-assigned days."""

from __future__ import annotations

from rostering.domain.patterns import PatternKind
from rostering.domain.shifts import DayType
from rostering.roster.facts import (
    WEEKDAY_NAMES,
    day_label,
    excused_days,
    five_two_targets,
    follows_pattern,
    one_on_one_off_rota,
)
from rostering.roster.instance import AgentSpec, RosterInstance
from rostering.roster.rule_names import FIVE_ON_TWO_OFF, ONE_ON_ONE_OFF, PRE_ASSIGNED_DAYS
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm, enforce


class OneOnOneOff(Rule):
    """One-on-one-off: the agent works one day and rests the next, strictly alternating.

    The rotation continues from the previous period: when the last day of the
    history was worked, the first day of the horizon is off. Leave, public
    holidays (for agents off on them) and days when none of the agent's shifts
    runs replace a rota day; they never shift the rotation.
    """

    name = ONE_ON_ONE_OFF

    def applies(self, instance: RosterInstance) -> bool:
        return any(
            follows_pattern(a) and a.pattern is PatternKind.ONE_ON_ONE_OFF for a in instance.agents
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        # hard
        for agent in inst.agents:
            if not (follows_pattern(agent) and agent.pattern is PatternKind.ONE_ON_ONE_OFF):
                continue
            off_first = m.new_bool_var(f"rota_off_first(agent={agent.id})")
            parity = one_on_one_off_rota(agent.history)
            if parity is not None:
                last = "worked" if parity else "was off"
                guard = ctx.guard(
                    f"agent {agent.id}: one-on-one-off continues last period "
                    f"(the day before the start {last}, so {day_label(inst, 0)} is "
                    f"{'off' if parity else 'a working day'})"
                )
                enforce(m.add(off_first == parity), guard)
            excused = excused_days(inst, agent)
            for d in range(inst.n_days):
                if d in excused:
                    continue
                on = ctx.vars.on_day(agent.id, d)
                guard = ctx.guard(
                    f"agent {agent.id}: one-on-one-off puts {day_label(inst, d)} "
                    "in the rotation (worked or off by turn)"
                )
                if d % 2 == 0:
                    enforce(m.add(on + off_first == 1), guard)
                else:
                    enforce(m.add(on == off_first), guard)
        # soft: none
        return []


def _weekday_list(days: list[int]) -> str:
    return ", ".join(WEEKDAY_NAMES[d] for d in sorted(days))


class FiveOnTwoOff(Rule):
    """Five-on-two-off: exactly five working days in every calendar week (Mon-Sun).

    The number of days is the pattern's (``working_days_per_week``). Days off
    fall only on the weekdays the pattern allows (e.g. the weekend). Leave of
    any kind and statutory public holidays count as worked days of the week,
    as payroll and labour law count them: three days of leave leave two to
    work and the two rest days stand. A statutory holiday worked is paid at the
    holiday rate on top of the week. Closed days on weekdays that allow no day
    off count as worked too; unavailable days are rest days. An adjusted
    working day (a weekend day the holiday calendar makes a working day) on
    one of the usual days off is worked: it adds a day to that week. Weeks cut
    by the horizon continue the history when it covers the missing days and
    are prorated otherwise.
    """

    name = FIVE_ON_TWO_OFF

    def applies(self, instance: RosterInstance) -> bool:
        return any(
            follows_pattern(a) and a.pattern is PatternKind.FIVE_ON_TWO_OFF for a in instance.agents
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        # hard
        for agent in ctx.instance.agents:
            if not (follows_pattern(agent) and agent.pattern is PatternKind.FIVE_ON_TWO_OFF):
                continue
            self._weeks(ctx, agent)
            self._allowed_days_off(ctx, agent)
        # soft: none
        return []

    @staticmethod
    def _weeks(ctx: RuleContext, agent: AgentSpec) -> None:
        inst, m = ctx.instance, ctx.model
        leave = set(agent.leave)
        unavailable = set(agent.days_off) - leave
        for target in five_two_targets(inst, agent):
            week = target.week
            worked = sum(ctx.vars.on_day(agent.id, d) for d in target.counted)
            need = agent.working_days_per_week
            parts = [f"agent {agent.id}: five-two needs {need} working days in week {week.number}"]
            if target.least == target.most:
                parts.append(f"({target.most} of them on its working days inside the horizon)")
            else:
                parts.append(
                    f"({target.least}-{target.most} of them on its working days inside the horizon)"
                )
            reasons = []
            if target.credited:
                reasons.append(f"{target.credited} are counted as worked (leave or holidays)")
            away = sum(1 for d in week.days if d in unavailable)
            if away:
                reasons.append(f"{away} of its days are unavailable")
            if reasons:
                parts.append("; " + " and ".join(reasons))
            guard = ctx.guard(" ".join(parts))
            if target.least == target.most:
                enforce(m.add(worked == target.most), guard)
            else:
                enforce(m.add(worked <= target.most), guard)
                if target.least > 0:
                    enforce(m.add(worked >= target.least), guard)

    @staticmethod
    def _allowed_days_off(ctx: RuleContext, agent: AgentSpec) -> None:
        inst, m = ctx.instance, ctx.model
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
            guard = ctx.guard(
                f"agent {agent.id}: five-two allows days off only on "
                f"{_weekday_list(list(allowed))}, so {day_label(inst, d)} is worked"
            )
            enforce(m.add(ctx.vars.on_day(agent.id, d) == 1), guard)


class FixedDays(Rule):
    """Pre-assigned days: a shift the planner has fixed, or a fixed day off."""

    name = PRE_ASSIGNED_DAYS

    def applies(self, instance: RosterInstance) -> bool:
        return any(a.fixed for a in instance.agents)

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        # hard
        for agent in inst.agents:
            for d, shift_id in sorted(agent.fixed.items()):
                if not 0 <= d < inst.n_days:
                    continue
                if shift_id is None:
                    guard = ctx.guard(f"agent {agent.id}: day off fixed on {day_label(inst, d)}")
                    enforce(m.add(ctx.vars.on_day(agent.id, d) == 0), guard)
                    continue
                guard = ctx.guard(
                    f"agent {agent.id}: shift {shift_id} fixed on {day_label(inst, d)}"
                )
                var = ctx.vars.works(agent.id, d, shift_id)
                if var is None:
                    m.add_bool_or([g.Not() for g in guard])
                else:
                    enforce(m.add(var == 1), guard)
        # soft: none
        return []


PATTERN_RULES: list[type[Rule]] = [OneOnOneOff, FiveOnTwoOff, FixedDays]


__all__ = [
    "PATTERN_RULES",
    "FiveOnTwoOff",
    "FixedDays",
    "OneOnOneOff",
]
