"""The life cycle of a run: :class:`RunStatus`, shared by the tables and the schemas."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """Where a run is in its life."""

    QUEUED = "queued"
    """Accepted, waiting for a worker."""
    RUNNING = "running"
    """A worker is sizing and solving it."""
    SUCCEEDED = "succeeded"
    """Finished; results are stored (the roster may still miss coverage)."""
    FAILED = "failed"
    """Finished without a roster: bad input, hard rules that cannot hold, or a crash."""
    CANCELLED = "cancelled"
    """Stopped on request; the best roster found before the stop is kept, if any."""
    INTERRUPTED = "interrupted"
    """The server stopped while it ran; submit it again to rerun."""

    @property
    def active(self) -> bool:
        """True while the run waits or runs."""
        return self in (RunStatus.QUEUED, RunStatus.RUNNING)


ACTIVE = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)
"""The stored values of the states a run waits or runs in."""

__all__ = ["ACTIVE", "RunStatus"]
