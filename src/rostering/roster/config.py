"""How a roster search is run and how it reports: solver settings and progress.

:class:`SolverConfig` is copied field by field onto CP-SAT's
``solver.parameters``; :class:`Progress` is what a search reports with every
better roster and bound.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # importing the settings does not load the solver
    from ortools.sat.python import cp_model


class SolverConfig(BaseModel):
    """How long and how hard CP-SAT searches. Copied onto ``solver.parameters``."""

    model_config = ConfigDict(extra="forbid")

    time_limit_s: float = Field(30.0, gt=0, description="Wall-clock limit of the search.")
    workers: int = Field(2, ge=1, description="Parallel search workers.")
    relative_gap: float = Field(
        0.0, ge=0, description="Stop when (objective - bound) / objective is at most this."
    )
    seed: int = Field(0, ge=0, description="Random seed, for repeatable runs.")
    log: bool = Field(False, description="Let CP-SAT log its search.")
    subsolvers: list[str] = Field(
        default_factory=list,
        description="When set, the CP-SAT full-problem workers to run instead of the default "
        "portfolio (e.g. ['max_lp'], whose full linear relaxation proves much stronger "
        "bounds on benchmark rosters).",
    )

    def apply(
        self,
        solver: cp_model.CpSolver,
        *,
        time_limit_s: float | None = None,
        workers: int | None = None,
    ) -> None:
        """Copy every field onto the solver's parameters (a part of the search may
        be given its own ``time_limit_s`` and ``workers``)."""
        params = solver.parameters
        params.max_time_in_seconds = max(
            0.05, self.time_limit_s if time_limit_s is None else time_limit_s
        )
        params.num_workers = max(1, self.workers if workers is None else workers)
        params.relative_gap_limit = self.relative_gap
        params.random_seed = self.seed
        params.log_search_progress = self.log
        params.subsolvers.extend(self.subsolvers)


class Progress(BaseModel):
    """The search so far: best objective, best bound, time, rosters found.

    Reported with every better roster and every better bound of the full model.
    """

    model_config = ConfigDict(extra="forbid")

    objective: float = Field(description="Objective of the best roster so far.")
    bound: float = Field(description="Best lower bound of the objective (0 before any).")
    elapsed_s: float = Field(description="Seconds since solve() was called.")
    solutions: int = Field(description="Better rosters found so far.")


ProgressFn = Callable[[Progress], None]
"""Called with every better roster and bound; raising :class:`StopSearch` ends the search."""


class StopSearch(Exception):  # noqa: N818 - a request, not an error
    """Raised by a progress callback to end the search early and keep the best roster found.

    The search stops every solver under way and returns the best roster so far
    (as a time limit would); any other exception of the callback leaves the
    search with no roster.
    """


__all__ = ["Progress", "ProgressFn", "SolverConfig", "StopSearch"]
