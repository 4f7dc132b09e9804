"""Reading the roster: its faults are errors, not flagged rows."""

from __future__ import annotations

import pandas as pd
import pytest
from adherence_factories import TZ, day_shift, roster

from rostering.adherence import read_roster
from rostering.errors import FrameContractError


def test_missing_roster_columns_are_a_contract_error() -> None:
    with pytest.raises(FrameContractError, match="expected columns"):
        read_roster(pd.DataFrame({"agent": ["A1"]}), timezone=TZ)


def test_roster_faults_are_errors() -> None:
    bad = day_shift("A1")
    bad["end"] = bad["start"]
    with pytest.raises(FrameContractError, match="row 1: shift end must be after"):
        read_roster(roster(bad), timezone=TZ)
    overlap = day_shift("A1")
    with pytest.raises(FrameContractError, match="overlaps"):
        read_roster(roster(day_shift("A1"), overlap), timezone=TZ)
