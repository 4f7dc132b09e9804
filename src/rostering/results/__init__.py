"""What a run produced, as the reports, the what-if comparison and the API read it.

:class:`RunResult` is one run in memory (:mod:`.run`); :class:`RunOutcome` is
its serialisable form, with the ``roster.csv`` and ``requirements.csv`` rows
(:mod:`.outcome`); :class:`Comparison` is run B against run A
(:mod:`.comparison`); :class:`ViolationGroup` is the violations summed by
rule, channel and day (:mod:`.violations`).

This package sits below :mod:`rostering.reports`, :mod:`rostering.whatif` and
:mod:`rostering.pipeline`: it imports only the stages before them.
"""

from __future__ import annotations

from rostering.results.comparison import (
    AssignmentChange,
    Comparison,
    CostDelta,
    CoverageDelta,
    KpiDelta,
)
from rostering.results.outcome import (
    RequirementRow,
    RosterRow,
    RunOutcome,
    finite_or_none,
    outcome_of,
    roster_table,
)
from rostering.results.run import REQUIREMENT_COLUMNS, ChannelKpis, RunKpis, RunResult
from rostering.results.violations import (
    ViolationGroup,
    run_violation_summary,
    summarise_violations,
)

__all__ = [
    "REQUIREMENT_COLUMNS",
    "AssignmentChange",
    "ChannelKpis",
    "Comparison",
    "CostDelta",
    "CoverageDelta",
    "KpiDelta",
    "RequirementRow",
    "RosterRow",
    "RunKpis",
    "RunOutcome",
    "RunResult",
    "ViolationGroup",
    "finite_or_none",
    "outcome_of",
    "roster_table",
    "run_violation_summary",
    "summarise_violations",
]
