"""The error tree of the package.

::

    RosteringError
    ├── ScenarioError          a scenario folder or model is invalid (one Problem per fault)
    ├── InputError             a bad argument or frame passed to a library function (ValueError)
    │   └── FrameContractError a DataFrame lacks columns or holds bad values
    ├── InfeasibleRosterError  hard rules cannot hold together (carries the named conflicts)
    └── AdherenceInputError    event data that cannot be read at all

Every error carries enough context for a planner: the file, the field path or
row, the offending value and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass


class RosteringError(Exception):
    """Base class of every error raised by the package."""


@dataclass(frozen=True)
class Problem:
    """One fault in an input: where it is, what was found and why it is wrong."""

    file: str
    location: str
    message: str
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.location}" if self.location else self.file
        shown = f" (got {self.value})" if self.value is not None else ""
        return f"{where}: {self.message}{shown}"


class ScenarioError(RosteringError):
    """A scenario cannot be used; ``problems`` lists every fault found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in scenario:\n{lines}")


class InputError(RosteringError, ValueError):
    """A function argument is out of its domain, e.g. ``aht_s must be positive, got -20``."""


class FrameContractError(InputError):
    """A DataFrame passed between stages does not meet its documented contract."""


class InfeasibleRosterError(RosteringError):
    """Hard rules cannot all hold; ``conflicts`` names them in planner words."""

    def __init__(self, conflicts: list[str]) -> None:
        self.conflicts = list(conflicts)
        lines = "\n".join(f"  - {c}" for c in self.conflicts) or "  (no explanation found)"
        super().__init__(f"the hard rules cannot all hold:\n{lines}")


class TimeLimitError(RosteringError):
    """The time limit is too short for the work asked: said before the work starts."""


class AdherenceInputError(RosteringError):
    """Agent event data could not be read at all (missing columns, unreadable file)."""


__all__ = [
    "AdherenceInputError",
    "FrameContractError",
    "InfeasibleRosterError",
    "InputError",
    "Problem",
    "RosteringError",
    "ScenarioError",
    "TimeLimitError",
]
