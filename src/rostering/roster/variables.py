"""The decision variables of the roster model, in one container.

Rules never index raw arrays: they ask the container what they need
(``works(agent, day, shift)``, ``on_day(agent, day)``), so the layout of the
variables can change without touching a rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from ortools.sat.python import cp_model

from rostering.roster.instance import RosterInstance
from rostering.types import AgentId, ShiftId


class RosterVars:
    """Boolean ``works(agent, day, shift)`` for every eligible triple, plus day indicators.

    A triple that is not eligible (shift not in the agent's list) has no variable:
    ``works`` returns ``None`` and ``shifts_on`` leaves it out.
    """

    def __init__(self, model: cp_model.CpModel, instance: RosterInstance) -> None:
        self.model = model
        self.instance = instance
        self._work: dict[tuple[AgentId, int, ShiftId], cp_model.IntVar] = {}
        self._day: dict[tuple[AgentId, int], cp_model.IntVar] = {}
        self._eligible: dict[ShiftId, list[AgentId]] = {s.id: [] for s in instance.shifts}
        self.day_of: dict[int, int] = {}
        """The day each variable tied to one belongs to, by variable index (recorded
        when the variable is made): a neighbourhood of days frees exactly these."""
        for agent in instance.agents:
            for shift_id in agent.shifts:
                self._eligible[shift_id].append(agent.id)
            for day in range(instance.n_days):
                shifts: list[cp_model.IntVar] = []
                for shift_id in agent.shifts:
                    var = self.new_bool(
                        f"works(agent={agent.id}, day={day}, shift={shift_id})", day=day
                    )
                    self._work[(agent.id, day, shift_id)] = var
                    shifts.append(var)
                on = self.new_bool(f"on_day(agent={agent.id}, day={day})", day=day)
                # One shift per day at most; on_day is their sum.
                model.add(sum(shifts) == on)
                self._day[(agent.id, day)] = on

    def new_bool(
        self, name: str, *, day: int | None = None, slot: int | None = None
    ) -> cp_model.IntVar:
        """A new 0/1 variable, recorded as belonging to ``day`` (or to ``slot``'s day)."""
        return self._placed(self.model.new_bool_var(name), day=day, slot=slot)

    def new_int(
        self, lb: int, ub: int, name: str, *, day: int | None = None, slot: int | None = None
    ) -> cp_model.IntVar:
        """A new integer variable in ``lb..ub``, recorded like :meth:`new_bool`."""
        return self._placed(self.model.new_int_var(lb, ub, name), day=day, slot=slot)

    def _placed(
        self, var: cp_model.IntVar, *, day: int | None, slot: int | None
    ) -> cp_model.IntVar:
        if day is None and slot is not None:
            day = slot // self.instance.slots_per_day
        if day is not None:
            self.day_of[var.index] = day
        return var

    def works(self, agent: AgentId, day: int, shift: ShiftId) -> cp_model.IntVar | None:
        """1 when ``agent`` works ``shift`` on ``day``; None when not eligible."""
        return self._work.get((agent, day, shift))

    def eligible(self, shift: ShiftId) -> list[AgentId]:
        """Agents who may work ``shift``, in the instance's order."""
        return self._eligible.get(shift, [])

    def on_day(self, agent: AgentId, day: int) -> cp_model.IntVar:
        """1 when ``agent`` works any shift on ``day``."""
        return self._day[(agent, day)]

    def shifts_on(self, agent: AgentId, day: int) -> dict[ShiftId, cp_model.IntVar]:
        """Eligible shift variables of ``agent`` on ``day``, by shift id."""
        spec = self.instance.agent(agent)
        return {s: self._work[(agent, day, s)] for s in spec.shifts}

    def items(self) -> Iterator[tuple[tuple[AgentId, int, ShiftId], cp_model.IntVar]]:
        """Every (agent, day, shift) variable."""
        return iter(self._work.items())

    def extract(
        self, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback
    ) -> dict[tuple[AgentId, int], ShiftId]:
        """The shift each agent works on each day in the solver's solution (or the
        solution a solution callback is called with)."""
        return {(a, d): s for (a, d, s), var in self._work.items() if solver.boolean_value(var)}
