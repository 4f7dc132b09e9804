"""The adherence stage: what agents did, measured against the roster.

:func:`run_adherence` reads ``roster.csv`` and an ACD export (state events or
login/logout sessions), measures adherence, conformance, attendance and the
exceptions by agent, day and interval. :func:`rostering.pipeline.check_adherence`
also writes the output files. :func:`simulate_events` makes realistic test data.
"""

from rostering.adherence.config import AdherenceConfig
from rostering.adherence.exceptions import ExceptionKind
from rostering.adherence.issues import IssueReason, ReadReport
from rostering.adherence.metrics import Measures, measure
from rostering.adherence.readers import read_events
from rostering.adherence.report import (
    OUTPUT_FILES,
    AdherenceResult,
    AdherenceSummary,
    RateVsTarget,
    run_adherence,
)
from rostering.adherence.schedule import Schedule, read_roster
from rostering.adherence.simulate import SimulatedEvents, SimulationConfig, simulate_events
from rostering.adherence.states import Activity, ScheduledActivity, StateMapping
from rostering.adherence.synthetic import synthetic_roster
from rostering.adherence.timeline import build_timeline

__all__ = [
    "OUTPUT_FILES",
    "Activity",
    "AdherenceConfig",
    "AdherenceResult",
    "AdherenceSummary",
    "ExceptionKind",
    "IssueReason",
    "Measures",
    "RateVsTarget",
    "ReadReport",
    "Schedule",
    "ScheduledActivity",
    "SimulatedEvents",
    "SimulationConfig",
    "StateMapping",
    "build_timeline",
    "measure",
    "read_events",
    "read_roster",
    "run_adherence",
    "simulate_events",
    "synthetic_roster",
]
