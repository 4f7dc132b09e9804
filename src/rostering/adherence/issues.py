"""Event rows that were flagged while reading, and the count of them.

Every event row is either used or reported in an issues frame with its row
number and reason. Rows are numbered as a spreadsheet shows them: the CSV
header is row 1 and the first data row is row 2 (for a DataFrame: its first
row is row 2, whatever its index, as in the CSV it would be written to). A
row can be used *and* flagged (re-sorted, missing logout); ``used`` tells
which. :class:`IssueLog` collects the issues of one read; :class:`ReadReport`
counts them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from rostering.adherence.arrays import I64, Mask

ISSUE_COLUMNS: tuple[str, ...] = ("row", "agent", "reason", "detail", "used")
"""Columns of every issues frame."""

ROW_CONVENTION = (
    "spreadsheet row: the CSV header is row 1, the first data row (of a frame too) is row 2"
)


class IssueReason(StrEnum):
    """Why an event row was flagged."""

    EMPTY_AGENT = "empty_agent"
    BAD_TIMESTAMP = "bad_timestamp"
    AMBIGUOUS_LOCAL_TIME = "ambiguous_local_time"
    NONEXISTENT_LOCAL_TIME = "nonexistent_local_time"
    EMPTY_STATE = "empty_state"
    UNKNOWN_STATE = "unknown_state"
    AGENT_NOT_ON_ROSTER = "agent_not_on_roster"
    DUPLICATE = "duplicate"
    OUT_OF_ORDER = "out_of_order"
    LOGOUT_NOT_AFTER_LOGIN = "logout_not_after_login"
    OVERLAPPING_SESSION = "overlapping_session"
    MISSING_LOGOUT = "missing_logout"
    MALFORMED_ROW = "malformed_row"


def _issues(
    rows: npt.ArrayLike, agents: npt.ArrayLike, *, reason: IssueReason, detail: object, used: bool
) -> pd.DataFrame:
    """An issues frame of ``rows`` with their agents, one reason, and details."""
    r = np.asarray(rows, dtype=np.int64)
    return pd.DataFrame(
        {
            "row": r,
            "agent": np.asarray(agents, dtype=object),
            "reason": np.full(len(r), reason.value, dtype=object),
            "detail": np.asarray(detail, dtype=object)
            if isinstance(detail, np.ndarray | pd.Series | list)
            else np.full(len(r), detail, dtype=object),
            "used": np.full(len(r), used, dtype=bool),
        }
    )


def empty_issues() -> pd.DataFrame:
    """An issues frame with no rows."""
    return _issues([], [], reason=IssueReason.DUPLICATE, detail="", used=True)


class IssueLog:
    """The issues found so far in one read, gathered into one frame at the end."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def flag(
        self,
        rows: npt.ArrayLike,
        agents: npt.ArrayLike,
        *,
        reason: IssueReason,
        detail: object,
        used: bool,
    ) -> None:
        """Note ``rows`` and their agents for ``reason``; ``detail``: one text, or one per row."""
        if len(np.asarray(rows)):
            self.parts.append(_issues(rows, agents, reason=reason, detail=detail, used=used))

    def drop(
        self,
        keep: Mask,
        dropped: Mask,
        rows: I64,
        agents: npt.NDArray[np.object_],
        *,
        reason: IssueReason,
        detail: object,
    ) -> Mask:
        """Note the rows of ``dropped`` (``detail`` as in :meth:`flag`, one per dropped
        row) as not used, and return ``keep`` without them."""
        self.flag(rows[dropped], agents[dropped], reason=reason, detail=detail, used=False)
        return keep & ~dropped

    def frame(self) -> pd.DataFrame:
        """Every issue noted, in row order (the columns of :data:`ISSUE_COLUMNS`)."""
        if not self.parts:
            return empty_issues()
        return pd.concat(self.parts, ignore_index=True).sort_values("row", kind="stable")


class ReadReport(BaseModel):
    """How many event rows were read, used and flagged, and why."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["states", "sessions"]
    rows_read: int = Field(ge=0)
    rows_used: int = Field(ge=0, description="Rows that took part in the measurement.")
    rows_dropped: int = Field(ge=0, description="Rows reported and left out.")
    rows_flagged: int = Field(ge=0, description="Distinct rows with at least one issue.")
    by_reason: dict[str, int] = Field(
        default_factory=dict, description="Issue reason -> rows with that issue."
    )
    row_convention: str = ROW_CONVENTION

    @classmethod
    def from_issues(
        cls, *, kind: Literal["states", "sessions"], rows_read: int, issues: pd.DataFrame
    ) -> ReadReport:
        """Count the issues of a read of ``rows_read`` rows."""
        dropped = int(issues.loc[~issues["used"].astype(bool), "row"].nunique())
        counts = issues.groupby("reason")["row"].nunique()
        return cls(
            kind=kind,
            rows_read=rows_read,
            rows_used=rows_read - dropped,
            rows_dropped=dropped,
            rows_flagged=int(issues["row"].nunique()),
            by_reason={str(k): int(v) for k, v in sorted(counts.items())},
        )


__all__ = [
    "ISSUE_COLUMNS",
    "ROW_CONVENTION",
    "IssueLog",
    "IssueReason",
    "ReadReport",
    "empty_issues",
]
