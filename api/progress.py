"""The progress writer of a solving run: stores the solver's reports, and stops a cancelled run.

It is the ``progress`` callback handed to the pipeline on a dask worker.
Writes are throttled to one per ``progress_interval_s``; each write also reads
the run's cancel flag, and when it is set the writer raises
:class:`RunCancelledError`, which ends the CP-SAT search with the best roster
found so far (a :class:`~rostering.roster.config.StopSearch`). A writer given the
run's attempt token writes only while that attempt holds the running run;
once it does not (the run was marked interrupted by a restarted server, or
stopped from outside) the writer raises :class:`RunLostError`, which ends the
search as well: a solve nobody waits for any more stops at its next report.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import update

from api.crud import cancel_requested, held_by
from api.db import Store
from api.models import RunRecord, utcnow
from rostering.results import finite_or_none
from rostering.roster.config import Progress, StopSearch
from rostering.roster.solution import relative_gap


class RunCancelledError(StopSearch):
    """Raised from the progress callback to stop the search of a cancelled run.

    The search ends with the best roster found so far, which the worker stores
    with the run's status ``cancelled``.
    """


class RunLostError(Exception):
    """Raised from the progress callback when the run is no longer this attempt's to write."""


class ProgressWriter:
    """The solver's progress callback: writes progress, and stops a cancelled run.

    On a cancel the search stops and returns the best roster found so far;
    ``cancelled`` tells the worker to store it as a cancelled run.
    """

    def __init__(
        self, store: Store, run_id: str, *, interval_s: float, attempt: str | None = None
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.interval_s = interval_s
        self.attempt = attempt
        self.last_write = 0.0
        self.latest: dict[str, Any] = {}
        self.cancelled = False

    def _write(self, stage: str) -> bool:
        """Store the latest progress under ``stage``; True if cancel was asked.

        Raises :class:`RunLostError` when the writer's attempt no longer holds the run.
        """
        data = {**self.latest, "stage": stage, "updated_at": utcnow().isoformat()}
        where = (
            RunRecord.id == self.run_id
            if self.attempt is None
            else held_by(self.run_id, self.attempt)
        )
        with self.store.session() as s:
            written = s.execute(
                update(RunRecord).where(where).values(progress=data).returning(RunRecord.id)
            ).scalar_one_or_none()
            flag = cancel_requested(s, self.run_id)
            s.commit()
        if written is None:
            raise RunLostError(self.run_id)
        return flag

    def stage(self, stage: str) -> None:
        """Record that the run entered a stage ('sizing', 'solving', 'saving')."""
        self._write(stage)

    def __call__(self, progress: Progress) -> None:
        objective = finite_or_none(progress.objective)
        bound = finite_or_none(progress.bound)
        gap = None
        if objective is not None and bound is not None:
            gap = relative_gap(objective, bound)
        self.latest = {
            "objective": objective,
            "bound": bound,
            "gap": gap,
            "elapsed_s": finite_or_none(progress.elapsed_s) or 0.0,
            "solutions": progress.solutions,
        }
        now = time.monotonic()
        if now - self.last_write < self.interval_s:
            return
        self.last_write = now
        if self._write("solving"):
            self.cancelled = True
            raise RunCancelledError(self.run_id)


__all__ = ["ProgressWriter", "RunCancelledError", "RunLostError"]
