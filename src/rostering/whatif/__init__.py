"""What-if variants of a scenario, and side-by-side comparison of two runs.

A planner asks "what if volume is 20 % higher on Monday", "what if A2 is on
leave on the 3rd", "what if the client raises the target to 90/15".
:class:`WhatIf` states such changes and :func:`apply_whatif` turns a scenario
and a what-if into a new, validated scenario (:mod:`.spec`), which runs
through the same pipeline as any other. Started from a baseline roster
(:class:`FromBaseline`, :mod:`.baseline`), a what-if changes only the
person-days it needs to, so its effect is not lost in solver noise.

:func:`compare_runs` (:mod:`.compare`) works on :class:`RunOutcome`, the
serialisable part of a run (KPIs, roster rows, requirement rows, costs,
violations), so runs stored by the HTTP API and run folders
(:func:`compare_folders`) compare exactly like runs held in memory. The
outcome and comparison types live in :mod:`rostering.results` and are listed
here too.
"""

from __future__ import annotations

from rostering.results.comparison import (
    AssignmentChange,
    Comparison,
    CostDelta,
    CoverageDelta,
    KpiDelta,
)
from rostering.results.outcome import RequirementRow, RosterRow, RunOutcome, outcome_of
from rostering.whatif.baseline import FromBaseline, baseline_from_folder, baseline_from_roster
from rostering.whatif.compare import CHANGE_COLUMNS, changes_table, compare_folders, compare_runs
from rostering.whatif.spec import (
    CHANGED_FILE,
    WHATIF_FILE,
    Absence,
    AgentCopy,
    AhtChange,
    TargetChange,
    VolumeChange,
    WhatIf,
    apply_whatif,
    load_whatif,
)

__all__ = [
    "CHANGED_FILE",
    "CHANGE_COLUMNS",
    "WHATIF_FILE",
    "Absence",
    "AgentCopy",
    "AhtChange",
    "AssignmentChange",
    "Comparison",
    "CostDelta",
    "CoverageDelta",
    "FromBaseline",
    "KpiDelta",
    "RequirementRow",
    "RosterRow",
    "RunOutcome",
    "TargetChange",
    "VolumeChange",
    "WhatIf",
    "apply_whatif",
    "baseline_from_folder",
    "baseline_from_roster",
    "changes_table",
    "compare_folders",
    "compare_runs",
    "load_whatif",
    "outcome_of",
]
