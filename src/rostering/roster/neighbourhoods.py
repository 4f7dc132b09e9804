"""What large-neighbourhood search frees next: a window of days, for a share of agents."""

from __future__ import annotations

import random

from rostering.roster.cover import requirements
from rostering.roster.facts import calendar_weeks
from rostering.roster.model import BuiltModel
from rostering.types import AgentId


class Neighbourhoods:
    """Which variables to free next: a window of days, for all agents or some of them.

    Everything tied to a day outside the window is fixed to the incumbent, and
    inside it the ``works`` variables of the agents left out; the window and
    the share of agents grow while neighbourhoods are solved to optimality and
    shrink while they are not.
    """

    def __init__(self, built: BuiltModel, seed: int) -> None:
        inst = built.instance
        self.rng = random.Random(seed)
        self.day_of = built.vars.day_of
        self.by_day: dict[int, list[int]] = {}
        for index, day in self.day_of.items():
            self.by_day.setdefault(day, []).append(index)
        self.works: dict[AgentId, dict[int, list[int]]] = {}
        for (agent, day, _), var in built.vars.items():
            self.works.setdefault(agent, {}).setdefault(day, []).append(var.index)
            self.works[agent][day].append(built.vars.on_day(agent, day).index)
        self.n_days = inst.n_days
        self.weeks = calendar_weeks(inst)
        self.window = 1
        self.share = min(1.0, 300 / max(1, len(self.works)))
        self.starts: list[int] = []
        # Busier days come up sooner in each pass: a day's weight is its requirement.
        self.load = [1.0] * inst.n_days
        for (t, _), req in requirements(inst).items():
            day = t // inst.slots_per_day
            if day < inst.n_days:
                self.load[day] += req

    def next(self) -> tuple[int, int, set[int]]:
        """(first day, days, indices to fix to the incumbent).

        Windows come in passes over the horizon, in random order weighted by
        the requirement they hold, so the busiest days (a peak, the day a
        what-if raised) tend to come first: single days first (the shift
        choice of each day), then wider windows in which days off can move.
        """
        if not self.starts:
            if self.window >= 7:
                # Whole calendar weeks: five-two agents may move their days off.
                self.starts = [w.days[0] for w in self.weeks]
            else:
                self.starts = list(range(self.n_days - self.window + 1))
            # Weighted order without replacement (key u ** (1 / weight)); popped from the end.
            span = self.window if self.window < 7 else 7
            weight = {
                first: sum(self.load[d] for d in range(first, min(self.n_days, first + span)))
                for first in self.starts
            }
            keys = {first: self.rng.random() ** (1.0 / weight[first]) for first in self.starts}
            self.starts.sort(key=lambda first: keys[first])
        first = self.starts.pop()
        days = set(range(first, min(self.n_days, first + self.window)))
        fixed = {i for d, indices in self.by_day.items() if d not in days for i in indices}
        agents = list(self.works)
        k = max(1, round(self.share * len(agents)))
        if k < len(agents):
            for agent in self.rng.sample(agents, len(agents) - k):
                for d in days:
                    fixed.update(self.works[agent].get(d, []))
        return first, self.window, fixed

    def adapt(self, *, solved: bool) -> None:
        """After a pass, widen the window; share of agents by how the last one went."""
        if solved:
            self.share = min(1.0, self.share * 1.25)
        else:
            self.share = max(0.05, self.share * 0.8)
        if not self.starts:
            self.window = self.window + 1 if self.window < min(7, self.n_days) else 1


__all__ = [
    "Neighbourhoods",
]
