"""Stability: a what-if changes the baseline roster only where it has to.

:class:`BaselineStability` is the rule family; :func:`baseline_days` says which
agent-days of the baseline count (the model and the validator read it, so they
cannot disagree), and :func:`baseline_check` re-checks a roster against the
baseline without the solver, for :func:`rostering.roster.validation.validate`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from rostering.roster.duties import can_stand_by, supervisors
from rostering.roster.facts import SCALE, day_label, excused_days, int_weight
from rostering.roster.instance import RosterInstance
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm, enforce
from rostering.roster.rules.standby import SupervisorStandby
from rostering.roster.solution import StandbyDuty, Violation
from rostering.roster.validation import Check
from rostering.types import AgentId, ShiftId

BASELINE_CHANGE = "baseline change"
"""Rule name of an agent-day that differs from the what-if's baseline roster."""


@dataclass(frozen=True)
class BaselineDay:
    """One agent-day of the baseline that the roster is free to keep or change.

    ``shift`` is the baseline's shift (None: off) and ``shift_free`` whether
    the day's shift is the roster's choice; ``standby`` whether the agent was
    on supervisor standby and ``standby_free`` whether that is the roster's
    choice. A day with neither part free is not listed: the scenario decides it.
    """

    agent: AgentId
    day: int
    shift: ShiftId | None
    shift_free: bool
    standby: bool
    standby_free: bool

    def where(self, instance: RosterInstance) -> str:
        """``F001 Mon 2026-08-31: was M`` (or ``was off``, ``was standby``)."""
        was = [self.shift or "off"] if self.shift or not self.standby else []
        if self.standby:
            was.append("standby")
        return f"{self.agent} {day_label(instance, self.day)}: was {' + '.join(was)}"


def baseline_days(instance: RosterInstance) -> list[BaselineDay]:
    """The agent-days of the baseline a roster may change, by day then agent.

    A day's shift is free unless the scenario fixes it: a pre-assigned day,
    leave or unavailability, a public holiday for someone off on holidays, a
    day none of the person's shifts runs, or a baseline shift the person may
    no longer work. Standby is free for a supervisor who can stand by that day.
    """
    baseline = instance.baseline
    if baseline is None:
        return []
    sups = set(supervisors(instance)) if instance.standby is not None else set()
    out: list[BaselineDay] = []
    for agent_id, days in baseline.shifts.items():
        spec = instance.agent(agent_id)
        fixed = excused_days(instance, spec) | set(spec.fixed)
        on_standby = set(baseline.standby.get(agent_id, []))
        for day, shift in enumerate(days):
            shift_free = day not in fixed and (shift is None or shift in spec.shifts)
            standby_free = agent_id in sups and can_stand_by(instance, agent_id, day)
            if shift_free or standby_free:
                out.append(
                    BaselineDay(agent_id, day, shift, shift_free, day in on_standby, standby_free)
                )
    out.sort(key=lambda b: (b.day, b.agent))
    return out


class BaselineStability(Rule):
    """A what-if keeps the baseline roster except where the change is worth it.

    Every person's day that differs from the baseline roster (another shift, a
    day worked that was off, a day off that was worked, a supervisor's standby
    moved) costs the change weight, so the roster moves only where the
    what-if makes it pay: a day short of staff, not a tie broken another way.
    With a cap, no more than that many days may change. Days the scenario
    decides (leave, pre-assigned days, holidays off) are not changes: nobody
    chose them. People added by the what-if have no baseline and are rostered
    freely; people removed are gone.
    """

    name = BASELINE_CHANGE

    def __init__(self, standby: SupervisorStandby | None = None) -> None:
        self.standby = standby

    def requires(self) -> tuple[Rule, ...]:
        return (self.standby,) if self.standby is not None else ()

    def applies(self, instance: RosterInstance) -> bool:
        w = instance.weights
        return instance.baseline is not None and (
            w.change_per_assignment > 0 or w.max_changes is not None
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        weight = inst.weights.change_per_assignment
        duty = self.standby.duty if self.standby is not None else {}
        changed: list[tuple[BaselineDay, cp_model.LinearExprT]] = []
        for b in baseline_days(inst):
            parts: list[cp_model.LinearExprT] = []
            if b.shift_free:
                if b.shift is None:
                    parts.append(ctx.vars.on_day(b.agent, b.day))
                else:
                    works = ctx.vars.works(b.agent, b.day, b.shift)
                    assert works is not None  # shift_free: the shift is eligible
                    parts.append(1 - works)
            on_call = duty.get((b.agent, b.day))
            if b.standby_free and on_call is not None:
                parts.append(1 - on_call if b.standby else on_call)
            if not parts:
                continue
            if len(parts) == 1:
                changed.append((b, parts[0]))
                continue
            either = ctx.vars.new_bool(f"changed(agent={b.agent}, day={b.day})", day=b.day)
            m.add_max_equality(either, parts)
            changed.append((b, either))
        # hard
        cap = inst.weights.max_changes
        if cap is not None:
            guard = ctx.guard(f"at most {cap} agent-days changed from the baseline roster")
            enforce(m.add(sum(expr for _, expr in changed) <= cap), guard)
        # soft
        if weight <= 0:
            return []
        return [SoftTerm(BASELINE_CHANGE, b.where(inst), expr, weight) for b, expr in changed]


def baseline_changes(
    instance: RosterInstance,
    schedule: Mapping[tuple[AgentId, int], ShiftId],
    standby: Iterable[StandbyDuty] = (),
) -> list[BaselineDay]:
    """The free baseline days ``schedule`` (and the supervisor ``standby``) change."""
    on_call = {(d.agent, (d.date - instance.start).days) for d in standby if d.kind == "supervisor"}
    return [
        b
        for b in baseline_days(instance)
        if (b.shift_free and schedule.get((b.agent, b.day)) != b.shift)
        or (b.standby_free and ((b.agent, b.day) in on_call) != b.standby)
    ]


def baseline_check(standby: Iterable[StandbyDuty] = ()) -> Check:
    """A validator check of the baseline rule, for a roster with these standby duties.

    Each changed day is a soft violation priced as the model prices it; more
    changes than ``max_changes`` is a hard one. No baseline: nothing to check.
    """
    duties = list(standby)

    def check(
        instance: RosterInstance, schedule: Mapping[tuple[AgentId, int], ShiftId]
    ) -> list[Violation]:
        w = instance.weights
        if instance.baseline is None:
            return []
        changes = baseline_changes(instance, schedule, duties)
        out: list[Violation] = []
        if w.change_per_assignment > 0:
            cost = int_weight(w.change_per_assignment) / SCALE
            out += [
                Violation(rule=BASELINE_CHANGE, where=b.where(instance), amount=1, cost=cost)
                for b in changes
            ]
        if w.max_changes is not None and len(changes) > w.max_changes:
            out.append(
                Violation(
                    rule=BASELINE_CHANGE,
                    where=f"{len(changes)} agent-days changed, at most {w.max_changes}",
                    amount=len(changes) - w.max_changes,
                    hard=True,
                )
            )
        return out

    return check


__all__ = [
    "BASELINE_CHANGE",
    "BaselineDay",
    "BaselineStability",
    "baseline_changes",
    "baseline_check",
    "baseline_days",
]
