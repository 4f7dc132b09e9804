"""Sweeps: grids of what-if variants over many scenario folders, run on Dask.

An operator asks the same questions of many sites: what each costs and what
service it gives at other volumes, targets and headcounts. A sweep file
(:mod:`.spec`) names the scenario folders and the variants, a cartesian grid
of labelled :class:`rostering.whatif.WhatIf` fragments plus variants named one
by one, and the solve settings. Each (scenario, variant) pair is a task
(:mod:`.task`): the scenario with the what-if applied, run through
:func:`rostering.pipeline.run_scenario` and written like ``rostering solve``
to ``DIR/<scenario>/<variant>/``, atomically, with a finished marker that
holds the content hash of its inputs (:mod:`.identity`). The
engine (:mod:`.engine`) runs the tasks on a local cluster of processes or an
existing Dask scheduler (:mod:`.cluster`), skips those already finished,
reports failures without stopping the others, and writes ``sweep.csv`` and
the cost-versus-service frontier ``sweep.html`` (:mod:`.summary`).
"""

from __future__ import annotations

from rostering.sweep.cluster import SOLVE, ClusterError, ClusterSettings, open_client
from rostering.sweep.engine import (
    SweepProgress,
    SweepResult,
    plan_tasks,
    run_on_cluster,
    run_serial,
    run_sweep,
    task_key,
)
from rostering.sweep.identity import content_hash, folder_digest
from rostering.sweep.spec import (
    Axis,
    ScenarioRef,
    Sweep,
    SweepScenario,
    SweepSettings,
    SweepSpec,
    Variant,
    expand_variants,
    load_sweep,
    merge_fragments,
    sweep_from_data,
    sweep_json_schema,
)
from rostering.sweep.summary import pareto_front, sweep_table, write_summary
from rostering.sweep.task import (
    MARKER,
    ChannelOutcome,
    NoRosterError,
    SweepTask,
    TaskSummary,
    run_task,
)

__all__ = [
    "MARKER",
    "SOLVE",
    "Axis",
    "ChannelOutcome",
    "ClusterError",
    "ClusterSettings",
    "NoRosterError",
    "ScenarioRef",
    "Sweep",
    "SweepProgress",
    "SweepResult",
    "SweepScenario",
    "SweepSettings",
    "SweepSpec",
    "SweepTask",
    "TaskSummary",
    "Variant",
    "content_hash",
    "expand_variants",
    "folder_digest",
    "load_sweep",
    "merge_fragments",
    "open_client",
    "pareto_front",
    "plan_tasks",
    "run_on_cluster",
    "run_serial",
    "run_sweep",
    "run_task",
    "sweep_from_data",
    "sweep_json_schema",
    "sweep_table",
    "task_key",
    "write_summary",
]
