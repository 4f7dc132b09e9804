"""The progress writer of a solving run: stores the solver's reports, and stops a cancelled run.

It is the ``progress`` callback handed to the pipeline in a worker process.
Writes are throttled to one per ``progress_interval_s``; each write also reads
the run's cancel flag, and when it is set the writer raises
:class:`RunCancelledError`, which ends the CP-SAT search.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import update

from api.crud import cancel_requested
from api.db import Store
from api.models import RunRecord, utcnow
from rostering.results import finite_or_none
from rostering.roster.config import Progress
from rostering.roster.solution import relative_gap


class RunCancelledError(Exception):
    """Raised from the progress callback to stop the search of a cancelled run."""


class ProgressWriter:
    """The solver's progress callback: writes progress, and stops a cancelled run.

    CP-SAT ends the search when its solution callback raises, and the
    exception leaves ``solve``; the worker then records the run as cancelled.
    """

    def __init__(self, store: Store, run_id: str, *, interval_s: float) -> None:
        self.store = store
        self.run_id = run_id
        self.interval_s = interval_s
        self.last_write = 0.0
        self.latest: dict[str, Any] = {}

    def _write(self, stage: str) -> bool:
        """Store the latest progress under ``stage``; True if cancel was asked."""
        data = {**self.latest, "stage": stage, "updated_at": utcnow().isoformat()}
        with self.store.session() as s:
            s.execute(update(RunRecord).where(RunRecord.id == self.run_id).values(progress=data))
            flag = cancel_requested(s, self.run_id)
            s.commit()
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
            raise RunCancelledError(self.run_id)


__all__ = ["ProgressWriter", "RunCancelledError"]
