"""The search-strategy hook: techniques a solve may add to the product's own search.

The product search (:mod:`rostering.roster.search`) solves small models whole
and improves a constructive first roster of large ones by neighbourhoods,
with a thread bounding the full model. A :class:`SearchStrategy` may add:

- **rules** the instance needs beyond the product's (a benchmark's day cover)
  or that only tighten the bound (a redundant formulation);
- **a search beside** the product search, started with it and stopped when
  it ends (a lower bound by column generation, say), which reports bounds and
  hands over models to search in its own thread;
- **a first roster** when the constructive one cannot be completed;
- **an improver** of that first roster other than the whole model.

The default strategy adds nothing. The techniques of the nurse-rostering
benchmarks live in :mod:`rostering.nrp` and plug in here; the product search
never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ortools.sat.python import cp_model

from rostering.roster.config import SolverConfig
from rostering.roster.instance import RosterInstance
from rostering.roster.model import BuiltModel
from rostering.roster.rules.base import Rule
from rostering.roster.solution import Roster
from rostering.roster.validation import Check


class Beside(Protocol):
    """A search running beside the product search, in its own thread."""

    def start(self) -> None:
        """Start it; it runs until :meth:`finish` or its own deadline."""

    def finish(self) -> None:
        """Stop it, wait for it, and re-raise what it raised."""

    def offer(self, roster: Roster) -> None:
        """A roster the product search found (its first), for the search beside to use."""


class RestrictedSearch(Protocol):
    """Searches a restricted copy of the model with the product's tracker; any roster
    it finds competes with the product search's."""

    def __call__(self, model: cp_model.CpModel, *, time_limit_s: float, stall_s: float) -> None: ...


class Improver(Protocol):
    """Improves a first roster by searches of its own; returns it and the cost saved."""

    def __call__(
        self,
        roster: Roster,
        *,
        deadline: float,
        workers: int,
        on_better: Callable[[int], None],
        stop: Callable[[], bool],
    ) -> tuple[Roster, int]: ...


class SearchStrategy:
    """What a solve adds to the product search; this default adds nothing."""

    def rules(self, instance: RosterInstance, *, redundant: bool) -> list[Rule]:
        """Rules the model of ``instance`` needs beyond the product's.

        ``redundant``: whether rules that only tighten the bound are wanted
        (sub-models that must find a roster in a fraction of a second say no).
        """
        return []

    def checks(self) -> list[Check]:
        """Validator checks of the rules :meth:`rules` adds."""
        return []

    def beside(
        self,
        built: BuiltModel,
        *,
        deadline: float,
        on_bound: Callable[[int], None],
        search_restricted: RestrictedSearch,
    ) -> Beside | None:
        """A search to run beside the product search of ``built``, or None.

        It hands every better lower bound (objective units) to ``on_bound`` and
        may hand a restricted copy of the model to ``search_restricted``, which
        searches it in the calling thread with the product's tracker.
        """
        return None

    def first_roster(
        self, built: BuiltModel, config: SolverConfig, *, time_limit_s: float
    ) -> Roster | None:
        """A first roster when the constructive one cannot be completed, or None."""
        return None

    def improver(self, built: BuiltModel, config: SolverConfig) -> Improver | None:
        """How to improve a roster of :meth:`first_roster`, if not by the whole model."""
        return None


PRODUCT = SearchStrategy()
"""The product search alone."""


__all__ = [
    "PRODUCT",
    "Beside",
    "Improver",
    "RestrictedSearch",
    "SearchStrategy",
]
