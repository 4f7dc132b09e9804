"""The adherence run: read, measure and summarise.

:func:`run_adherence` measures; :func:`rostering.pipeline.check_adherence`
(what the CLI ``rostering adherence ROSTER EVENTS --out DIR`` calls) also
writes, all or nothing:

* ``adherence.csv``: one row per agent and day (see
  :class:`~rostering.adherence.metrics.Measures`);
* ``exceptions.csv``: late logins, early logouts, absences, extended breaks,
  other out-of-adherence runs, unscheduled work and standby call-ins;
* ``event_issues.csv``: every event row flagged while reading, with its row
  number and reason;
* ``summary.json``: :class:`AdherenceSummary`;
* ``adherence.html``: the summary, the team heatmap and the planned vs actual
  Gantt, one self-contained file.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from rostering.adherence.config import AdherenceConfig
from rostering.adherence.issues import ReadReport
from rostering.adherence.metrics import Measures, measure
from rostering.adherence.readers import read_events
from rostering.adherence.schedule import read_roster
from rostering.adherence.states import StateMapping
from rostering.adherence.timeline import build_timeline

logger = logging.getLogger(__name__)

OUTPUT_FILES: tuple[str, ...] = (
    "adherence.csv",
    "exceptions.csv",
    "event_issues.csv",
    "summary.json",
    "adherence.html",
)
"""Files :func:`rostering.pipeline.check_adherence` puts in the output folder."""


class RateVsTarget(BaseModel):
    """A rate with its target and whether the target is met."""

    model_config = ConfigDict(extra="forbid")

    value: float | None = Field(description="None when there is nothing to measure.")
    target: float
    comparison: Literal[">=", "<"]
    met: bool | None


def _rate(value: float | int | None, target: float, comparison: Literal[">=", "<"]) -> RateVsTarget:
    if value is None:
        return RateVsTarget(value=None, target=target, comparison=comparison, met=None)
    v = float(value)
    met = v >= target - 1e-12 if comparison == ">=" else v < target
    return RateVsTarget(value=v, target=target, comparison=comparison, met=met)


class AdherenceSummary(BaseModel):
    """The whole period in one record: totals, rates against targets, counts."""

    model_config = ConfigDict(extra="forbid")

    timezone: str
    period_start: dt.date | None
    period_end: dt.date | None
    agents_scheduled: int
    agents_kept_schedule: int
    shifts_planned: int
    shifts_attended: int
    scheduled_minutes: float
    scheduled_work_minutes: float
    scheduled_break_minutes: float = Field(description="Short breaks the roster schedules.")
    in_adherence_minutes: float
    out_of_adherence_minutes: float
    logged_in_minutes: float
    worked_minutes: float
    productive_minutes: float
    not_ready_minutes: float
    break_minutes: float
    meal_minutes: float
    unscheduled_minutes: float
    adherence: float | None = Field(description="In adherence / scheduled.")
    conformance: float | None = Field(description="Worked / scheduled work; may pass 1.")
    attendance_rate: float | None = Field(description="Shifts attended / shifts planned.")
    schedule_adherence_rate: RateVsTarget = Field(
        description="Agents who kept to the schedule / agents scheduled."
    )
    productive_utilisation: RateVsTarget
    not_ready_break_share: RateVsTarget
    planned_break_share: RateVsTarget = Field(
        description="Scheduled break / (scheduled work + scheduled break): how much of the "
        "not-ready + break budget the roster itself spends, against the same target."
    )
    exceptions_by_kind: dict[str, int]
    read_report: ReadReport
    config: AdherenceConfig


@dataclass(frozen=True)
class AdherenceResult:
    """Everything measured: the frames of :class:`Measures`, the event issues, the summary."""

    measures: Measures
    issues: pd.DataFrame
    summary: AdherenceSummary

    @property
    def by_agent_day(self) -> pd.DataFrame:
        """One row per agent and day."""
        return self.measures.by_agent_day

    @property
    def by_agent(self) -> pd.DataFrame:
        """One row per agent, the whole period."""
        return self.measures.by_agent

    @property
    def by_day(self) -> pd.DataFrame:
        """One row per date, the whole team."""
        return self.measures.by_day

    @property
    def by_interval(self) -> pd.DataFrame:
        """One row per interval, the whole team (the heatmap's data)."""
        return self.measures.by_interval

    @property
    def exceptions(self) -> pd.DataFrame:
        """Deviations and call-ins, one row each."""
        return self.measures.exceptions


def run_adherence(
    roster: Path | pd.DataFrame,
    events: Path | pd.DataFrame,
    *,
    config: AdherenceConfig | None = None,
    mapping: StateMapping | None = None,
    timezone: str,
) -> AdherenceResult:
    """Measure ``events`` against ``roster``; nothing is written.

    ``roster`` is ``roster.csv`` (or its frame); ``events`` an ACD state export
    or a sessions export (or its frame). Naive timestamps are wall-clock times
    of ``timezone``.
    """
    cfg = config or AdherenceConfig()
    mp = mapping or StateMapping()
    schedule = read_roster(roster, timezone=timezone)
    data = read_events(events, mapping=mp, timezone=timezone, agents=schedule.agent_ids)
    timeline = build_timeline(data, schedule, tail_minutes=cfg.attribution_window_minutes)
    # the events are all in the timeline now: free them before measuring (large exports)
    data = replace(data, events=data.events.iloc[:0].copy())
    measures = measure(schedule, timeline, data, config=cfg, mapping=mp, timezone=timezone)
    issues = (
        pd.concat([data.issues, timeline.issues], ignore_index=True)
        .sort_values(["row", "reason"], kind="stable")
        .reset_index(drop=True)
    )
    report = ReadReport.from_issues(kind=data.kind, rows_read=data.rows_read, issues=issues)
    summary = _summary(measures, report, config=cfg, timezone=timezone)
    result = AdherenceResult(measures=measures, issues=issues, summary=summary)
    logger.info(
        "adherence: %d rows read, %d used, %d flagged; adherence %s",
        report.rows_read,
        report.rows_used,
        report.rows_flagged,
        summary.adherence,
    )
    return result


def _summary(
    m: Measures, report: ReadReport, *, config: AdherenceConfig, timezone: str
) -> AdherenceSummary:
    t = m.totals
    dates = m.by_agent_day["date"]
    kinds: dict[str, int] = (
        {str(k): int(v) for k, v in m.exceptions["kind"].value_counts().sort_index().items()}
        if len(m.exceptions)
        else {}
    )

    def f(name: str) -> float:
        return float(t[name] or 0.0)

    def opt(name: str) -> float | None:
        v = t[name]
        return None if v is None else float(v)

    return AdherenceSummary(
        timezone=timezone,
        period_start=min(dates) if len(dates) else None,
        period_end=max(dates) if len(dates) else None,
        agents_scheduled=int(t["agents_scheduled"] or 0),
        agents_kept_schedule=int(t["agents_kept_schedule"] or 0),
        shifts_planned=int(t["shifts_planned"] or 0),
        shifts_attended=int(t["shifts_attended"] or 0),
        scheduled_minutes=f("scheduled_minutes"),
        scheduled_work_minutes=f("scheduled_work_minutes"),
        scheduled_break_minutes=f("scheduled_break_minutes"),
        in_adherence_minutes=f("in_adherence_minutes"),
        out_of_adherence_minutes=f("out_of_adherence_minutes"),
        logged_in_minutes=f("logged_in_minutes"),
        worked_minutes=f("worked_minutes"),
        productive_minutes=f("productive_minutes"),
        not_ready_minutes=f("not_ready_minutes"),
        break_minutes=f("break_minutes"),
        meal_minutes=f("meal_minutes"),
        unscheduled_minutes=f("unscheduled_minutes"),
        adherence=opt("adherence"),
        conformance=opt("conformance"),
        attendance_rate=opt("attendance_rate"),
        schedule_adherence_rate=_rate(
            t["schedule_adherence_rate"], config.schedule_adherence_target, ">="
        ),
        productive_utilisation=_rate(
            t["productive_utilisation"], config.productive_utilisation_target, ">="
        ),
        not_ready_break_share=_rate(
            t["not_ready_break_share"], config.not_ready_break_share_target, "<"
        ),
        planned_break_share=_rate(
            t["planned_break_share"], config.not_ready_break_share_target, "<"
        ),
        exceptions_by_kind=kinds,
        read_report=report,
        config=config,
    )


__all__ = [
    "OUTPUT_FILES",
    "AdherenceResult",
    "AdherenceSummary",
    "RateVsTarget",
    "run_adherence",
]
