"""The adherence run: read, measure, summarise, and write the output files.

:func:`run_adherence` is what the CLI (``rostering adherence ROSTER EVENTS
--out DIR``) and the notebooks call. Given ``out_dir`` it writes, all or
nothing:

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
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from rostering.adherence.events import (
    ReadReport,
    StateMapping,
    build_timeline,
    read_events,
    read_roster,
)
from rostering.adherence.metrics import AdherenceConfig, Measures, measure
from rostering.reports.adherence import adherence_gantt, adherence_heatmap
from rostering.reports.html import figure_block, render_page, table_block

logger = logging.getLogger(__name__)

OUTPUT_FILES: tuple[str, ...] = (
    "adherence.csv",
    "exceptions.csv",
    "event_issues.csv",
    "summary.json",
    "adherence.html",
)
"""Files :func:`write_adherence` puts in the output folder."""

GANTT_MAX_AGENTS = 40
GANTT_MAX_DAYS = 7


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
    out_dir: Path | None = None,
    config: AdherenceConfig | None = None,
    mapping: StateMapping | None = None,
    timezone: str,
) -> AdherenceResult:
    """Measure ``events`` against ``roster``; with ``out_dir``, write the output files.

    ``roster`` is ``roster.csv`` (or its frame); ``events`` an ACD state export
    or a sessions export (or its frame). Naive timestamps are wall-clock times
    of ``timezone``.
    """
    cfg = config or AdherenceConfig()
    mp = mapping or StateMapping()
    schedule = read_roster(roster, timezone=timezone)
    data = read_events(events, mapping=mp, timezone=timezone, agents=schedule.agent_ids)
    timeline = build_timeline(data, schedule, tail_minutes=cfg.attribution_window_minutes)
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
    if out_dir is not None:
        write_adherence(result, out_dir)
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
        exceptions_by_kind=kinds,
        read_report=report,
        config=config,
    )


# ----------------------------------------------------------------------------- writing


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if col.endswith("_minutes") or col == "minutes":
            out[col] = out[col].astype(float).round(2)
        elif out[col].dtype == float:
            out[col] = out[col].round(4)
        elif isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = [ts.isoformat() for ts in out[col]]
    return out


def _gantt_window(result: AdherenceResult) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The planned and actual bars shown: a few days and the agents furthest off plan."""
    m = result.measures
    ad = m.by_agent_day
    if ad.empty:
        return m.planned, m.actual, ""
    dates = sorted(set(ad["date"]))
    if len(dates) > GANTT_MAX_DAYS:
        worst = ad.groupby("date")["out_of_adherence_minutes"].sum().idxmax()
        dates = [worst]
    window = ad.loc[ad["date"].isin(dates)]
    agents = (
        window.groupby("agent")["out_of_adherence_minutes"]
        .sum()
        .sort_values(ascending=False, kind="stable")
        .index[:GANTT_MAX_AGENTS]
    )
    lo = pd.Timestamp(min(dates)).tz_localize(result.summary.timezone)
    hi = pd.Timestamp(max(dates) + dt.timedelta(days=1)).tz_localize(result.summary.timezone)
    hi = hi + pd.Timedelta(hours=12)  # night shifts starting on the last day

    def cut(frame: pd.DataFrame) -> pd.DataFrame:
        keep = frame["agent"].isin(agents) & (frame["end"] > lo) & (frame["start"] < hi)
        return frame.loc[keep]

    note = (
        f"{len(agents)} agent(s) furthest off plan, {dates[0]}"
        + (f" to {dates[-1]}" if len(dates) > 1 else "")
        + "; upper bar of each row: planned, lower bar: actual."
    )
    return cut(m.planned), cut(m.actual), note


def adherence_html(result: AdherenceResult) -> str:
    """The self-contained ``adherence.html`` page."""
    s = result.summary

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v * 100:.1f} %"

    def target(r: RateVsTarget) -> str:
        state = "-" if r.met is None else ("met" if r.met else "missed")
        return f"{pct(r.value)} (target {r.comparison} {pct(r.target)}: {state})"

    rows = pd.DataFrame(
        {
            "measure": [
                "adherence",
                "conformance",
                "attendance rate",
                "schedule adherence rate",
                "productive utilisation",
                "not-ready + break share",
                "shifts planned / attended",
                "event rows read / used / flagged",
            ],
            "value": [
                pct(s.adherence),
                pct(s.conformance),
                pct(s.attendance_rate),
                target(s.schedule_adherence_rate),
                target(s.productive_utilisation),
                target(s.not_ready_break_share),
                f"{s.shifts_planned} / {s.shifts_attended}",
                f"{s.read_report.rows_read} / {s.read_report.rows_used} / "
                f"{s.read_report.rows_flagged}",
            ],
        }
    )
    kinds = pd.DataFrame(
        {"kind": list(s.exceptions_by_kind), "count": list(s.exceptions_by_kind.values())}
    )
    planned, actual, note = _gantt_window(result)
    blocks = [
        table_block(rows, "Summary"),
        table_block(kinds, "Exceptions by kind"),
        figure_block(adherence_heatmap(result.by_interval), "Team adherence by interval"),
        figure_block(adherence_gantt(planned, actual), "Planned vs actual", note=note),
    ]
    period = f"{s.period_start} to {s.period_end} ({s.timezone})" if s.period_start else ""
    return render_page("Schedule adherence", blocks, subtitle=period)


def write_adherence(result: AdherenceResult, out_dir: Path) -> list[Path]:
    """Write :data:`OUTPUT_FILES` into ``out_dir``, all or nothing.

    Every file is first written to a temporary folder inside ``out_dir`` and
    moved into place only when all are written; on failure nothing in
    ``out_dir`` changes and the temporary folder is removed.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".adherence-", dir=out_dir))
    try:
        _rounded(result.by_agent_day).to_csv(tmp / "adherence.csv", index=False)
        _rounded(result.exceptions).to_csv(tmp / "exceptions.csv", index=False)
        result.issues.to_csv(tmp / "event_issues.csv", index=False)
        (tmp / "summary.json").write_text(
            result.summary.model_dump_json(indent=2) + "\n", encoding="utf-8"
        )
        (tmp / "adherence.html").write_text(adherence_html(result), encoding="utf-8")
        written = []
        for name in OUTPUT_FILES:
            os.replace(tmp / name, out_dir / name)
            written.append(out_dir / name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    logger.info("adherence files written to %s", out_dir)
    return written


__all__ = [
    "OUTPUT_FILES",
    "AdherenceResult",
    "AdherenceSummary",
    "RateVsTarget",
    "adherence_html",
    "run_adherence",
    "write_adherence",
]
