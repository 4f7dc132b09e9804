"""Forecast speed and accuracy: one year of 15-minute history x 3 channels.

    python benchmarks/forecast.py [--runs 3] [--interval 15] [--no-peer]

Makes a synthetic history with a known truth (``rostering.forecast.synthetic``:
weekly and intraday seasonality, trend, China's calendar, a day effect no
model can know, Poisson noise, absent days and outages), 365 days ending on
31 August 2026, and the 14 days after it. Each run, in its own process,
reads the CSV and forecasts the 14 days, which includes the 3-origin
rolling backtest that chooses each channel's model; the table gives the
time of each run and the median, and each run's peak memory (``VmHWM`` of
its process; the peer's likewise).

Accuracy per channel: the chosen model and its backtest interval and daily
WAPE beside the better simple baseline's; on the 14 days ahead, the
interval WAPE against the irreducible WAPE of the true expected volume
(the ratio should be <= 1.10), the daily WAPE, the share of intervals inside
the 80 % and 95 % prediction intervals.

The peer (``--no-peer`` skips it): statsforecast's MSTL (daily and weekly
seasons, AutoETS trend) fitted to the interval series of the last 8 weeks of
each channel, one fit per channel and no backtest; its time and its WAPE on
the same 14 days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from peak_memory import peak_mb  # noqa: E402

HISTORY_START = dt.date(2025, 9, 1)
HISTORY_DAYS = 365
AHEAD = 14
PEER_WEEKS = 8


def _data(grain: int) -> tuple[Any, Any]:
    from rostering.forecast.synthetic import SyntheticSpec, synthetic_history

    first_ahead = HISTORY_START + dt.timedelta(days=HISTORY_DAYS)
    spec = SyntheticSpec(
        start=HISTORY_START,
        days=HISTORY_DAYS + AHEAD,
        grain=15,
        gaps_before=first_ahead,
        seed=7,
    )
    full = synthetic_history(spec, drop_empty=False)
    cut = first_ahead.isoformat()
    history = full.loc[(full["interval_start"] < cut) & (full["volume"] > 0)]
    ahead = full.loc[full["interval_start"] >= cut].copy()
    import pandas as pd

    ahead["interval_start"] = pd.to_datetime(ahead["interval_start"]).dt.floor(f"{grain}min")
    ahead = ahead.groupby(["channel", "interval_start"], as_index=False)[["volume", "mean"]].sum()
    return history[["interval_start", "channel", "volume", "aht_s"]], ahead


def _run(path: str, interval: int, queue: Any) -> None:
    start = time.perf_counter()
    from rostering.forecast import ForecastSettings, forecast_history, read_history

    history = read_history(path, file="history.csv")
    result = forecast_history(
        history,
        start=HISTORY_START + dt.timedelta(days=HISTORY_DAYS),
        days=AHEAD,
        settings=ForecastSettings(interval=interval),
    )
    seconds = time.perf_counter() - start
    peak = peak_mb()
    queue.put((seconds, peak, result.demand, [r.model_dump() for r in result.records]))


def _peer(path: str, interval: int, queue: Any) -> None:
    import numpy as np
    import pandas as pd
    from statsforecast import StatsForecast
    from statsforecast.models import MSTL, AutoETS

    start = time.perf_counter()
    rows = pd.read_csv(path)
    rows["ds"] = pd.to_datetime(rows["interval_start"]).dt.floor(f"{interval}min")
    per_day = 1440 // interval
    out = []
    first_ahead = pd.Timestamp(HISTORY_START + dt.timedelta(days=HISTORY_DAYS))
    for channel, g in rows.groupby("channel"):
        series = g.groupby("ds")["volume"].sum()
        grid = pd.date_range(
            first_ahead - pd.Timedelta(weeks=PEER_WEEKS),
            first_ahead,
            freq=f"{interval}min",
            inclusive="left",
        )
        series = series.reindex(grid, fill_value=0.0)
        frame = pd.DataFrame(
            {"unique_id": channel, "ds": np.arange(len(series)), "y": series.to_numpy(float)}
        )
        model = MSTL(season_length=[per_day, 7 * per_day], trend_forecaster=AutoETS(model="ZZN"))
        f = StatsForecast(models=[model], freq=1).forecast(h=AHEAD * per_day, df=frame)
        out.append(
            pd.DataFrame(
                {
                    "channel": channel,
                    "interval_start": pd.date_range(
                        first_ahead, periods=AHEAD * per_day, freq=f"{interval}min"
                    ),
                    "peer": np.clip(f["MSTL"].to_numpy(), 0, None),
                }
            )
        )
    seconds = time.perf_counter() - start
    queue.put((seconds, pd.concat(out, ignore_index=True), peak_mb()))


def _in_process(target: Any, *args: Any) -> Any:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, queue))
    proc.start()
    got = queue.get()
    proc.join()
    return got


def _wape(actual: Any, forecast: Any) -> float:
    import numpy as np

    return float(np.abs(actual - forecast).sum() / actual.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--interval", type=int, default=15, choices=(15, 30))
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args()
    import numpy as np

    history, ahead = _data(args.interval)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "history.csv")
        history.to_csv(path, index=False)
        print(
            f"history: {len(history):,} rows, {HISTORY_DAYS} days x 3 channels at 15 min; "
            f"forecast {AHEAD} days at {args.interval} min with a 3-origin backtest"
        )
        runs = []
        for i in range(args.runs):
            seconds, peak, demand, records = _in_process(_run, path, args.interval)
            runs.append((seconds, peak))
            print(f"run {i + 1}: {seconds:.1f} s, peak memory {peak:,.0f} MB", flush=True)
        peer = None if args.no_peer else _in_process(_peer, path, args.interval)
    times = [s for s, _ in runs]
    print(
        f"\nforecast + backtest: median {statistics.median(times):.1f} s over {len(runs)} "
        f"run(s) (target < 60 s), peak memory {max(p for _, p in runs):,.0f} MB"
    )
    demand = demand.assign(interval_start=demand["interval_start"].dt.tz_localize(None))
    joined = ahead.merge(demand, on=["channel", "interval_start"], how="left")
    if peer is not None:
        joined = joined.merge(peer[1], on=["channel", "interval_start"], how="left")
    header = (
        f"{'channel':8} {'model':16} {'bt int':>7} {'bt day':>7} {'base int':>8} "
        f"{'ahead int':>9} {'irreduc.':>8} {'ratio':>6} {'ahead day':>9} "
        f"{'cov80':>6} {'cov95':>6}"
    )
    if peer is not None:
        header += f" {'MSTL int':>8} {'MSTL day':>8}"
    print(header)
    for r in records:
        g = joined.loc[joined["channel"] == r["channel"]]
        a, f = g["volume_x"].to_numpy(), g["volume_y"].to_numpy()
        day = g["interval_start"].dt.date
        per = g.assign(day=day).groupby("day")[["volume_x", "volume_y", "mean"]].sum()
        irreducible = _wape(a, g["mean"].to_numpy())
        inside80 = ((a >= g["volume_lo80"]) & (a <= g["volume_hi80"]))[a > 0].mean()
        inside95 = ((a >= g["volume_lo95"]) & (a <= g["volume_hi95"]))[a > 0].mean()
        line = (
            f"{r['channel']:8} {r['model']:16} {100 * r['interval_wape']:6.1f}% "
            f"{100 * r['daily_wape']:6.1f}% {100 * r['baseline_interval_wape']:7.1f}% "
            f"{100 * _wape(a, f):8.1f}% {100 * irreducible:7.1f}% "
            f"{_wape(a, f) / irreducible:6.3f} "
            f"{100 * _wape(per['volume_x'].to_numpy(), per['volume_y'].to_numpy()):8.1f}% "
            f"{100 * inside80:5.0f}% {100 * inside95:5.0f}%"
        )
        if peer is not None:
            p = g["peer"].to_numpy()
            pday = g.assign(day=day, p=p).groupby("day")["p"].sum().to_numpy()
            line += (
                f" {100 * _wape(a, p):7.1f}% {100 * _wape(per['volume_x'].to_numpy(), pday):7.1f}%"
            )
        print(line)
    if peer is not None:
        ratio = peer[0] / statistics.median(times)
        print(
            f"\npeer MSTL (last {PEER_WEEKS} weeks, one fit per channel, no backtest): "
            f"{peer[0]:.1f} s ({ratio:.2f}x the forecast with its backtest), "
            f"peak memory {peer[2]:,.0f} MB (its own process)"
        )
    del np


if __name__ == "__main__":
    main()
