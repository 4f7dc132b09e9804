"""Replications of a roster simulation and their confidence intervals: :func:`simulate`.

Each replication is played by :func:`rostering.simulation.engine.play` with
its own child of ``np.random.SeedSequence(seed)``, so a result depends only on
the input, the seed and the number of replications (never on ``workers``).

Every KPI is first computed per replication, as a ratio of that
replication's totals over the cell (an interval, a day, the horizon), then
summarised over the replications as ``mean ± t(q, n - 1) · sd / sqrt(n)``
(``q = 0.5 + confidence / 2``, ``n`` the replications where the ratio is
defined: a replication with nothing offered, answered or available in the
cell is left out of that cell; the interval is NaN with fewer than two).

KPIs (definitions of :mod:`rostering.sizing.kpis`):

* ``service_level``: answered within the threshold / offered (queued channels);
* ``asa_s``: total wait of answered contacts / answered (queued channels);
* ``abandon_rate``: abandoned / offered (queued channels);
* ``occupancy``: busy / available agent-seconds of agents able to serve the channel;
* ``backlog``: backlog items waiting at the end of an interval, averaged over
  the cell's intervals (backlog channels).

``p_meet`` is the share of replications, among those with contacts offered in
the cell, whose cell meets every target the channel has (service level at
least ``target_service_level``, abandon rate at most ``target_abandon_rate``);
NaN when the channel has no target or nothing was offered.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from rostering.errors import InputError
from rostering.simulation.draws import IntArray
from rostering.simulation.engine import Tally, play
from rostering.simulation.inputs import FloatArray, SimChannel, SimInput

logger = logging.getLogger(__name__)

KPIS = ("service_level", "asa_s", "abandon_rate", "occupancy", "backlog")
"""The KPIs reported with a confidence interval, in column order."""

_SUMMED = (
    "offered",
    "answered",
    "answered_in_threshold",
    "abandoned",
    "wait_s",
    "done_late",
    "busy_s",
    "available_s",
)


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """``num / den`` where ``den > 0``, NaN elsewhere."""
    out = np.full(np.broadcast_shapes(num.shape, den.shape), np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _group_sum(values: FloatArray, group: IntArray, n_groups: int) -> FloatArray:
    """Sum the last axis of ``values`` into ``n_groups`` groups (label ``-1``: left out)."""
    keep = group >= 0
    lead = values.shape[:-1]
    rows = np.arange(int(np.prod(lead)))[:, None] * n_groups + group[keep][None, :]
    total = np.bincount(
        rows.ravel(), weights=values[..., keep].ravel(), minlength=rows.shape[0] * n_groups
    )
    return np.asarray(total, dtype=np.float64).reshape(*lead, n_groups)


def confidence_interval(
    values: FloatArray, confidence: float = 0.95
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Mean and Student-t interval over the first axis, ignoring NaN.

    Parameters
    ----------
    values : ndarray
        One row per replication; NaN where the value is undefined.
    confidence : float, default 0.95
        Two-sided level of the interval.

    Returns
    -------
    mean, low, high : ndarray
        Of the shape of ``values[0]``; the mean is NaN with no value, the
        bounds NaN with fewer than two.
    """
    if not 0 < confidence < 1:
        raise InputError(f"confidence must lie in (0, 1), got {confidence}")
    ok = ~np.isnan(values)
    n = ok.sum(axis=0).astype(np.float64)
    mean = _ratio(np.where(ok, values, 0.0).sum(axis=0), n)
    dev = np.where(ok, values - np.where(np.isnan(mean), 0.0, mean), 0.0)
    var = _ratio((dev**2).sum(axis=0), n - 1.0)
    quantile = student_t.ppf(0.5 + confidence / 2, np.maximum(n - 1.0, 1.0))
    half = np.where(n >= 2, quantile * np.sqrt(_ratio(var, n)), np.nan)
    return mean, mean - half, mean + half


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """The tallies of every replication, and their summaries as DataFrames.

    Attributes
    ----------
    channels
        The simulated channels, in the order of the tallies' first axis.
    interval_s
        Length of an interval, seconds.
    tallies
        One :class:`~rostering.simulation.engine.Tally` per replication.
    events
        Events processed over all replications.
    wall_s
        Wall-clock seconds the replications took.
    """

    channels: tuple[SimChannel, ...]
    interval_s: float
    tallies: tuple[Tally, ...]
    events: int
    wall_s: float
    _tables: dict[tuple[str, float], pd.DataFrame] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def replications(self) -> int:
        """Number of replications."""
        return len(self.tallies)

    @property
    def events_per_second(self) -> float:
        """Events processed per wall-clock second."""
        return self.events / self.wall_s if self.wall_s > 0 else float("nan")

    def stacked(self, name: str) -> FloatArray:
        """One count of every replication, shape ``(replications, channels, intervals)``."""
        return np.stack([getattr(t, name) for t in self.tallies])

    def by_interval(self, *, confidence: float = 0.95) -> pd.DataFrame:
        """KPIs per (channel, interval): ``channel, interval, offered``, each KPI with its CI.

        See the module docstring for the columns; ``done_late`` is the mean
        of backlog items of the interval done late or never.
        """
        key = ("interval", confidence)
        if key not in self._tables:
            n_iv = self.tallies[0].offered.shape[1]
            self._tables[key] = self._table("interval", np.arange(n_iv), n_iv, confidence)
        return self._tables[key].copy()

    def verdicts(self) -> pd.DataFrame:
        """The intervals with contacts on channels with a target, judged against it.

        Columns ``channel, interval, offered``, ``meets`` (the mean simulated
        service meets every target of the channel) and ``confident_miss`` (the
        95 % interval of the service level lies wholly below its target, or
        that of abandonment wholly above). The one judgement the correction
        rounds, the call-ins and the reported shares all use.
        """
        table = self.by_interval()
        spec = {c.id: c for c in self.channels}

        def target(name: str) -> FloatArray:
            values = [getattr(spec[c], name) for c in table["channel"]]
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        sl, ab = target("target_service_level"), target("target_abandon_rate")
        judged = (~np.isnan(sl) | ~np.isnan(ab)) & (table["offered"].to_numpy(dtype=float) > 0)
        level = table["service_level"].to_numpy(dtype=float)
        abandon = table["abandon_rate"].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            meets = (np.isnan(sl) | (level >= sl)) & (np.isnan(ab) | ~(abandon > ab))
            confident = (table["service_level_hi"].to_numpy(dtype=float) < sl) | (
                table["abandon_rate_lo"].to_numpy(dtype=float) > ab
            )
        out = table[["channel", "interval", "offered"]].assign(
            meets=meets, confident_miss=confident
        )
        return out[judged].reset_index(drop=True)

    def by_day(self, *, confidence: float = 0.95) -> pd.DataFrame:
        """KPIs per (channel, day), each replication's ratios taken over the day's totals."""
        per_day = round(86_400 / self.interval_s)
        if per_day < 1 or abs(per_day * self.interval_s - 86_400) > 1e-6:
            raise InputError(f"interval_s {self.interval_s} does not divide a day")
        n_iv = self.tallies[0].offered.shape[1]
        day = np.arange(n_iv) // per_day
        return self._table("day", day, int(day.max()) + 1 if n_iv else 0, confidence)

    def by_channel(
        self, *, start: int = 0, stop: int | None = None, confidence: float = 0.95
    ) -> pd.DataFrame:
        """KPIs per channel over intervals ``start .. stop - 1`` (default: the whole horizon).

        ``start`` drops a warm-up (the simulation starts with empty queues);
        each replication's ratios are taken over the totals of the range.
        """
        n_iv = self.tallies[0].offered.shape[1]
        keep = np.zeros(n_iv, dtype=bool)
        keep[slice(start, stop)] = True
        if not keep.any():
            raise InputError(f"no interval in range {start}..{stop} of {n_iv}")
        group = np.where(keep, 0, -1)
        return self._table(None, group, 1, confidence)

    def _table(
        self, key: str | None, group: IntArray, n_groups: int, confidence: float
    ) -> pd.DataFrame:
        """Sum every count over the groups (``-1``: dropped) and summarise the KPIs."""
        sums = {name: _group_sum(self.stacked(name), group, n_groups) for name in _SUMMED}
        width = np.bincount(group[group >= 0], minlength=n_groups).astype(np.float64)
        queued = np.array([ch.queued for ch in self.channels])[None, :, None]
        nan = np.nan
        offered = sums["offered"]
        per_rep = {
            "service_level": np.where(queued, _ratio(sums["answered_in_threshold"], offered), nan),
            "asa_s": np.where(queued, _ratio(sums["wait_s"], sums["answered"]), nan),
            "abandon_rate": np.where(queued, _ratio(sums["abandoned"], offered), nan),
            "occupancy": _ratio(sums["busy_s"], sums["available_s"]),
            "backlog": np.where(
                queued, nan, _ratio(_group_sum(self.stacked("backlog"), group, n_groups), width)
            ),
        }
        n_ch = len(self.channels)
        columns: dict[str, object] = {
            "channel": np.repeat([str(ch.id) for ch in self.channels], n_groups)
        }
        if key is not None:
            columns[key] = np.tile(np.arange(n_groups), n_ch)
        columns["offered"] = offered.mean(axis=0).ravel()
        for kpi in KPIS:
            mean, low, high = confidence_interval(per_rep[kpi], confidence)
            columns[kpi], columns[f"{kpi}_lo"], columns[f"{kpi}_hi"] = (
                mean.ravel(),
                low.ravel(),
                high.ravel(),
            )
        columns["p_meet"] = self._p_meet(per_rep, offered).ravel()
        late = np.where(queued[0], nan, sums["done_late"].mean(axis=0))
        columns["done_late"] = late.ravel()
        return pd.DataFrame(columns)

    def _p_meet(self, per_rep: dict[str, FloatArray], offered: FloatArray) -> FloatArray:
        """Share of replications with something offered whose cell meets the targets."""
        meet = np.ones(offered.shape, dtype=bool)
        targeted = np.zeros(len(self.channels), dtype=bool)
        for c, ch in enumerate(self.channels):
            if not ch.queued:
                continue
            if ch.target_service_level is not None:
                meet[:, c] &= per_rep["service_level"][:, c] >= ch.target_service_level
                targeted[c] = True
            if ch.target_abandon_rate is not None:
                meet[:, c] &= per_rep["abandon_rate"][:, c] <= ch.target_abandon_rate
                targeted[c] = True
        valid = offered > 0
        share = _ratio((meet & valid).sum(axis=0).astype(np.float64), valid.sum(axis=0))
        return np.where(targeted[:, None], share, np.nan)


def simulate(
    sim: SimInput,
    *,
    replications: int = 10,
    seed: int = 0,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Play ``replications`` independent replications of ``sim``.

    Parameters
    ----------
    sim : SimInput
        What to simulate; checked first.
    replications : int, default 10
        Independent replications, >= 2 (the intervals need two).
    seed : int, default 0
        Root seed; replication ``r`` plays child ``r`` of
        ``np.random.SeedSequence(seed)``. Two rosters simulated with the same
        seed see the same contacts.
    workers : int, default 1
        Processes to play replications in parallel; the result is identical
        whatever the number.
    progress : callable, optional
        Called as ``progress(done, total)`` after each replication.

    Returns
    -------
    SimulationResult
    """
    sim.check()
    if replications < 2:
        raise InputError(f"replications must be at least 2, got {replications}")
    if workers < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    seeds = np.random.SeedSequence(seed).spawn(replications)
    tallies: list[Tally | None] = [None] * replications
    began = time.perf_counter()
    if workers == 1:
        for r, child in enumerate(seeds):
            tallies[r] = play(sim, child)
            if progress is not None:
                progress(r + 1, replications)
    else:
        with ProcessPoolExecutor(max_workers=min(workers, replications)) as pool:
            futures = {pool.submit(play, sim, child): r for r, child in enumerate(seeds)}
            for done, future in enumerate(as_completed(futures), start=1):
                tallies[futures[future]] = future.result()
                if progress is not None:
                    progress(done, replications)
    wall = time.perf_counter() - began
    played = tuple(t for t in tallies if t is not None)
    events = sum(t.events for t in played)
    logger.info("simulated %d replications: %d events in %.2f s", replications, events, wall)
    return SimulationResult(
        channels=sim.channels,
        interval_s=sim.interval_s,
        tallies=played,
        events=events,
        wall_s=wall,
    )


__all__ = ["KPIS", "SimulationResult", "confidence_interval", "simulate"]
