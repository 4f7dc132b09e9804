"""Standby: the supervisor on 7x24 standby, the management ratio and the backup pool."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rostering.roster.duties import can_stand_by, supervisors
from rostering.roster.facts import (
    coverage_agents,
    day_label,
)
from rostering.roster.instance import RosterInstance
from rostering.roster.rule_names import MANAGEMENT_RATIO, SUPERVISOR_STANDBY
from rostering.roster.rules.base import Rule, RuleContext, SoftTerm
from rostering.types import AgentId


class SupervisorStandby(Rule):
    """Every day a named supervisor is on 7x24 standby, by rota.

    The supervisor on standby runs the floor and fills gaps in emergencies; they
    are not counted in coverage. A supervisor on leave cannot be on standby.
    No more supervisors stand by on a day than the rota's ``standby_per_day``
    (one by default): the others lead from the floor or are off.
    """

    name = SUPERVISOR_STANDBY

    def __init__(self) -> None:
        self.duty: dict[tuple[AgentId, int], cp_model.IntVar] = {}
        """Supervisor on standby on a day."""

    def applies(self, instance: RosterInstance) -> bool:
        return instance.standby is not None and (
            instance.standby.supervisor_standby_24x7 or bool(supervisors(instance))
        )

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        assert inst.standby is not None
        people = supervisors(inst)
        for d in range(inst.n_days):
            for a in people:
                if can_stand_by(inst, a, d):
                    self.duty[(a, d)] = ctx.vars.new_bool(f"standby(agent={a}, day={d})", day=d)
        # hard
        cap = inst.standby.standby_per_day
        for d in range(inst.n_days):
            on_call = [v for (a, day), v in self.duty.items() if day == d]
            if len(on_call) > cap:
                m.add(sum(on_call) <= cap)
        if inst.standby.supervisor_standby_24x7:
            for d in range(inst.n_days):
                on_call = [v for (a, day), v in self.duty.items() if day == d]
                guard = ctx.guard(
                    f"{day_label(inst, d)}: a supervisor must be on 7x24 standby "
                    f"({len(on_call)} supervisor(s) available)"
                )
                if on_call:
                    ct = m.add(sum(on_call) >= 1)
                    if guard:
                        ct.only_enforce_if(guard)
                else:
                    m.add_bool_or([g.Not() for g in guard])
        # soft: none
        return []


class ManagementRatio(Rule):
    """At least one supervisor on duty or on standby for every five agents on duty.

    The ratio is the scenario's (1:5 in the reference project). A supervisor
    counts once a day whether working a shift, on standby or both. This is a
    checked rule: a roster cannot create supervisors, so each supervisor missing
    on a day is reported and costs one agent-slot of shortfall, enough to put
    an available supervisor on standby, never enough to send agents home.
    """

    name = MANAGEMENT_RATIO

    def __init__(self, standby: SupervisorStandby) -> None:
        self.standby = standby

    def applies(self, instance: RosterInstance) -> bool:
        return instance.standby is not None and bool(coverage_agents(instance))

    def build(self, ctx: RuleContext) -> list[SoftTerm]:
        inst, m = ctx.instance, ctx.model
        assert inst.standby is not None
        ratio = inst.standby.management_ratio
        agents = coverage_agents(inst)
        people = supervisors(inst)
        most = -(-len(agents) // ratio)
        terms: list[SoftTerm] = []
        # hard: none
        # soft
        for d in range(inst.n_days):
            present: list[cp_model.IntVar] = []
            for a in people:
                on = ctx.vars.on_day(a, d)
                duty = self.standby.duty.get((a, d))
                if duty is None:
                    present.append(on)
                    continue
                either = ctx.vars.new_bool(f"manager_present(agent={a}, day={d})", day=d)
                m.add_max_equality(either, [on, duty])
                present.append(either)
            on_duty = sum(ctx.vars.on_day(a.id, d) for a in agents)
            need = ctx.vars.new_int(0, most, f"managers_needed(day={d})", day=d)
            m.add(ratio * need >= on_duty)
            m.add(ratio * need <= on_duty + ratio - 1)
            short = ctx.vars.new_int(0, most, f"managers_short(day={d})", day=d)
            m.add_max_equality(short, [need - sum(present), 0])
            where = f"{day_label(inst, d)}: 1:{ratio}"
            terms.append(
                SoftTerm(MANAGEMENT_RATIO, where, short, inst.weights.shortfall_per_agent_slot)
            )
        return terms


__all__ = [
    "ManagementRatio",
    "SupervisorStandby",
]
