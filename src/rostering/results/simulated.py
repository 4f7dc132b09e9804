"""What the simulation of a roster found: ``kpis.json``, ``simulation.csv`` and the API."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from rostering.results.numbers import finite_or_none
from rostering.simulation.correct import Round
from rostering.simulation.run import KPIS, SimulationResult

SIMULATION_COLUMNS: tuple[str, ...] = (
    "interval_start",
    "channel",
    "offered",
    *(f"{k}{s}" for k in KPIS for s in ("", "_lo", "_hi")),
    "p_meet",
)
"""Columns of ``simulation.csv``: one row per interval and channel, each KPI with its 95 % CI."""


class Estimate(BaseModel):
    """A simulated mean with its 95 % confidence interval (``None`` where undefined)."""

    model_config = ConfigDict(extra="forbid")

    value: float | None
    ci95: tuple[float | None, float | None]


class SimulatedKpis(BaseModel):
    """One channel over the horizon, as the simulation of the roster played it."""

    model_config = ConfigDict(extra="forbid")

    service_level: Estimate | None = None
    asa_s: Estimate | None = None
    abandon_rate: Estimate | None = None
    occupancy: Estimate | None = None
    backlog: Estimate | None = Field(
        None, description="Outbound and deferred work: items waiting at an interval's end."
    )
    intervals_meeting_target: float | None = Field(
        None,
        description="Share of intervals with contacts whose mean simulated service meets "
        "every target of the channel.",
    )


class CorrectionRound(BaseModel):
    """One round of correction by simulation (round 0: the roster as first solved)."""

    model_config = ConfigDict(extra="forbid")

    round: int
    raised: list[str] = Field(description="Requirements raised before this round's solve.")
    objective: float | None
    labour_cost: float
    intervals_meeting_target: float | None
    confident_misses: int = Field(description="Channel-intervals missing a target with confidence.")


class SimulationSummary(BaseModel):
    """How the roster was simulated and corrected."""

    model_config = ConfigDict(extra="forbid")

    replications: int
    seed: int
    events: int
    wall_time_s: float
    rounds: list[CorrectionRound] = Field(default_factory=list)


def _estimate(row: pd.Series, name: str) -> Estimate | None:
    value = finite_or_none(row.get(name))
    if value is None:
        return None
    return Estimate(
        value=value,
        ci95=(finite_or_none(row.get(f"{name}_lo")), finite_or_none(row.get(f"{name}_hi"))),
    )


def simulated_kpis(result: SimulationResult) -> dict[str, SimulatedKpis]:
    """Per channel id, the horizon's simulated KPIs with their 95 % intervals."""
    table = result.by_channel()
    shares = result.verdicts().groupby("channel")["meets"].mean()
    out: dict[str, SimulatedKpis] = {}
    for _, row in table.iterrows():
        channel = str(row["channel"])
        meeting = float(shares[channel]) if channel in shares.index else None
        out[channel] = SimulatedKpis(
            service_level=_estimate(row, "service_level"),
            asa_s=_estimate(row, "asa_s"),
            abandon_rate=_estimate(row, "abandon_rate"),
            occupancy=_estimate(row, "occupancy"),
            backlog=_estimate(row, "backlog"),
            intervals_meeting_target=meeting,
        )
    return out


def simulation_table(result: SimulationResult, origin: dt.datetime) -> pd.DataFrame:
    """The ``simulation.csv`` rows: intervals as local timestamps, KPIs with their CIs."""
    table = result.by_interval()
    starts = pd.Timestamp(origin) + pd.to_timedelta(table["interval"] * result.interval_s, unit="s")
    out = table.assign(interval_start=starts)
    for column in SIMULATION_COLUMNS:
        if column not in out.columns:
            out[column] = float("nan")
    return out[list(SIMULATION_COLUMNS)].sort_values(["interval_start", "channel"], kind="stable")


DAY_COLUMNS: tuple[str, ...] = (
    "date",
    "channel",
    "offered",
    *(f"{k}{s}" for k in KPIS for s in ("", "_lo", "_hi")),
    "p_meet",
)
"""Columns of ``simulation_days.csv``: one row per day and channel."""


def simulation_day_table(result: SimulationResult, start: dt.date) -> pd.DataFrame:
    """The ``simulation_days.csv`` rows: each day's KPIs with their 95 % CIs."""
    table = result.by_day()
    out = table.assign(date=[(start + dt.timedelta(days=int(d))).isoformat() for d in table["day"]])
    for column in DAY_COLUMNS:
        if column not in out.columns:
            out[column] = float("nan")
    return out[list(DAY_COLUMNS)].sort_values(["date", "channel"], kind="stable")


def summary_of(result: SimulationResult, seed: int, rounds: list[Round]) -> SimulationSummary:
    """The summary ``kpis.json`` carries."""
    return SimulationSummary(
        replications=result.replications,
        seed=seed,
        events=result.events,
        wall_time_s=result.wall_s,
        rounds=[
            CorrectionRound(
                round=r.number,
                raised=list(r.raised),
                objective=r.objective,
                labour_cost=r.labour_cost,
                intervals_meeting_target=r.meeting_share,
                confident_misses=r.misses,
            )
            for r in rounds
        ],
    )


__all__ = [
    "DAY_COLUMNS",
    "SIMULATION_COLUMNS",
    "CorrectionRound",
    "Estimate",
    "SimulatedKpis",
    "SimulationSummary",
    "simulated_kpis",
    "simulation_day_table",
    "simulation_table",
    "summary_of",
]
