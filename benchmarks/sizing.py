"""Benchmark of the sizing stage: one year of 15-minute intervals for three queued channels.

Builds seeded synthetic demand (daily and weekly seasonality, noise, closed
nights), sizes it with Erlang C and with Erlang A, and, when the optional peer
package ``pyworkforce`` is installed, sizes the same rows with its ``ErlangC``
(and ``ErlangA`` if that version has one) to compare answers and wall times.

Run: ``PYTHONPATH=src python benchmarks/sizing.py [--peer-rows N]``
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import math
import time
from typing import Any

import numpy as np
import pandas as pd
from peak_memory import peak_mb  # benchmarks/, the script's folder

from rostering.domain.channels import Channel, ChannelKind, ServiceTargets
from rostering.sizing import erlang_c_kpis, min_agents, size_requirements
from rostering.types import ChannelId

INTERVAL_MIN = 15
SEED = 20240601


def channels(*, patience: bool) -> list[Channel]:
    """Three queued channels; with ``patience`` the voice channels use Erlang A."""
    targets = ServiceTargets(service_level=0.8, threshold_s=20.0, max_occupancy=0.85)
    return [
        Channel(
            id=ChannelId("voice"),
            kind=ChannelKind.INBOUND,
            targets=targets,
            patience_s=120.0 if patience else None,
        ),
        Channel(
            id=ChannelId("vip"),
            kind=ChannelKind.INBOUND,
            targets=targets.model_copy(update={"service_level": 0.9, "threshold_s": 10.0}),
            patience_s=90.0 if patience else None,
        ),
        Channel(
            id=ChannelId("chat"),
            kind=ChannelKind.CHAT,
            concurrency=3,
            targets=targets.model_copy(update={"threshold_s": 30.0}),
            patience_s=300.0 if patience else None,
        ),
    ]


def synthetic_demand(seed: int = SEED) -> pd.DataFrame:
    """One year x 96 intervals x 3 channels of realistic, seeded demand."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range(
        "2025-01-01", periods=365 * 96, freq=f"{INTERVAL_MIN}min", tz="Asia/Shanghai"
    )
    hour = starts.hour.to_numpy() + starts.minute.to_numpy() / 60
    weekday = starts.day_of_week.to_numpy()
    day_shape = np.exp(-0.5 * ((hour - 11) / 2.5) ** 2) + 0.8 * np.exp(
        -0.5 * ((hour - 16) / 2) ** 2
    )
    week = np.where(weekday >= 5, 0.55, 1.0) * np.where(weekday == 0, 1.2, 1.0)
    season = 1 + 0.15 * np.sin(2 * np.pi * starts.day_of_year.to_numpy() / 365)
    frames = []
    for name, peak, aht in (("voice", 160.0, 200.0), ("vip", 25.0, 320.0), ("chat", 70.0, 540.0)):
        mean = peak * day_shape * week * season
        volume = rng.poisson(mean * rng.lognormal(0, 0.1, size=mean.size)).astype(float)
        volume[(hour < 7) | (hour >= 22)] = 0.0  # closed at night
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "channel": name,
                    "volume": volume,
                    "aht_s": aht * rng.lognormal(0, 0.05, size=mean.size),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def peer_erlang_c(demand: pd.DataFrame, chans: list[Channel], rows: np.ndarray) -> np.ndarray:
    """pyworkforce ErlangC required servers (raw positions, before shrinkage) for ``rows``.

    pyworkforce has no concurrency: for chat its positions are chat slots, and
    the agents are ``ceil(slots / k)`` (the same slot model as ours).
    """
    erlang_c = importlib.import_module("pyworkforce.queuing").ErlangC
    by_id = {c.id: c for c in chans}
    out = np.zeros(rows.size, dtype=np.int64)
    volume = demand["volume"].to_numpy()
    aht = demand["aht_s"].to_numpy()
    ids = demand["channel"].to_numpy()
    for i, r in enumerate(rows):
        if volume[r] <= 0:  # pyworkforce raises on zero transactions
            continue
        channel = by_id[ids[r]]
        # pyworkforce: times in minutes; its `asa` argument is the service-level answer time
        erlang = erlang_c(
            transactions=volume[r],
            aht=aht[r] / 60,
            asa=channel.targets.threshold_s / 60,
            interval=INTERVAL_MIN,
        )
        result = erlang.required_positions(
            service_level=channel.targets.service_level,
            max_occupancy=channel.targets.max_occupancy,
        )
        out[i] = math.ceil(result["raw_positions"] / channel.concurrency)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--peer-rows",
        type=int,
        default=0,
        help="rows sized by pyworkforce (default 0 = all; it is slow)",
    )
    args = parser.parse_args()

    demand = synthetic_demand()
    print(f"demand: {len(demand):,} interval-channels, {demand['volume'].sum():,.0f} contacts")

    # warm up imports and caches so the timings are of the sizing only
    size_requirements(demand.head(300), channels(patience=False), interval_minutes=INTERVAL_MIN)

    c_out, c_time = timed(
        lambda: size_requirements(demand, channels(patience=False), interval_minutes=INTERVAL_MIN)
    )
    a_out, a_time = timed(
        lambda: size_requirements(demand, channels(patience=True), interval_minutes=INTERVAL_MIN)
    )

    rows: list[tuple[str, str, str]] = [
        ("rostering Erlang C", f"{c_time:8.3f} s", f"{len(demand) / c_time:12,.0f}"),
        ("rostering Erlang A", f"{a_time:8.3f} s", f"{len(demand) / a_time:12,.0f}"),
    ]
    notes: list[str] = []
    pyworkforce: Any = None
    try:
        pyworkforce = importlib.import_module("pyworkforce")
        queuing = importlib.import_module("pyworkforce.queuing")
    except ImportError:
        notes.append("pyworkforce not installed: `pip install pyworkforce` to add the peer columns")

    if pyworkforce is not None:
        sample = np.arange(len(demand))
        if args.peer_rows:
            sample = np.random.default_rng(SEED).choice(len(demand), args.peer_rows, replace=False)
            sample.sort()
        peer, peer_time = timed(lambda: peer_erlang_c(demand, channels(patience=False), sample))
        scale = len(demand) / sample.size
        peer_year = peer_time * scale
        label = "pyworkforce ErlangC" + ("" if scale == 1 else f" (x{scale:.0f} from sample)")
        rows.append((label, f"{peer_year:8.3f} s", f"{sample.size / peer_time:12,.0f}"))
        ours = c_out["required_agents"].to_numpy()[sample]
        if hasattr(queuing, "ErlangA"):
            notes.append("pyworkforce has ErlangA: not compared here yet")
        else:
            version = importlib.metadata.version("pyworkforce")
            notes.append(f"pyworkforce {version} has no ErlangA: Erlang A has no peer column")
        notes.append(f"speed-up over pyworkforce ErlangC: {peer_year / c_time:,.0f}x")
        disagree = np.flatnonzero(ours != peer)
        notes.append(
            f"required agents agree on {sample.size - disagree.size:,} of {sample.size:,} rows"
        )
        explain_disagreements(demand, sample, ours, peer, disagree, notes)
        notes.extend(edge_cases())

    print()
    print(f"{'model':40s} {'year':>10s} {'rows/s':>12s}")
    for name, wall, rate in rows:
        print(f"{name:40s} {wall:>10s} {rate:>12s}")
    print(f"peak memory of this process, every row above run in it: {peak_mb():,.0f} MB (VmHWM)")
    print()
    for note in notes:
        print("-", note)
    shown = a_out.groupby("channel")[["required_agents", "required_staff", "abandon_rate"]]
    print()
    print("Erlang A vs Erlang C (mean required agents per open interval):")
    open_rows = demand["volume"] > 0
    print(
        pd.DataFrame(
            {
                "erlang_c": c_out[open_rows].groupby("channel")["required_agents"].mean(),
                "erlang_a": a_out[open_rows].groupby("channel")["required_agents"].mean(),
                "erlang_a_abandon": shown.mean()["abandon_rate"],
            }
        ).round(3)
    )


def explain_disagreements(
    demand: pd.DataFrame,
    sample: np.ndarray,
    ours: np.ndarray,
    peer: np.ndarray,
    disagree: np.ndarray,
    notes: list[str],
) -> None:
    """Classify each disagreement by re-evaluating both answers with the exact formula."""
    if not disagree.size:
        return
    chans = {c.id: c for c in channels(patience=False)}
    reasons: dict[str, int] = {}
    examples: dict[str, str] = {}
    for i in disagree:
        row = demand.iloc[sample[i]]
        channel = chans[row["channel"]]
        k, t = channel.concurrency, channel.targets.threshold_s
        occupancy = channel.targets.max_occupancy or 1.0
        load = row["volume"] * row["aht_s"] / (INTERVAL_MIN * 60)
        here = erlang_c_kpis(ours[i] * k, load, aht_s=row["aht_s"], threshold_s=t)
        below = erlang_c_kpis((ours[i] - 1) * k, load, aht_s=row["aht_s"], threshold_s=t)
        slots_by_occupancy = load / occupancy
        if peer[i] > ours[i] and round(load + 1) > math.floor(load) + 1:
            reason = (
                "pyworkforce starts its search at round(A + 1), so it never tries "
                "floor(A) + 1 when A has a fractional part >= 0.5 and overstaffs by one"
            )
        elif peer[i] > ours[i] and abs(slots_by_occupancy - round(slots_by_occupancy)) < 1e-9:
            reason = (
                "pyworkforce takes ceil(A / max_occupancy) without tolerance: float noise "
                "in an exact ratio (e.g. 24.000000000000004) adds an agent"
            )
        elif peer[i] > ours[i]:
            reason = "pyworkforce overstaffs (ours meets every target, checked exactly)"
        else:
            reason = "pyworkforce understaffs (one agent fewer than ours misses a target)"
        reasons[reason] = reasons.get(reason, 0) + 1
        examples.setdefault(
            reason,
            f"e.g. {row['channel']} A={load:.4f} erl: ours {ours[i]} "
            f"(SL {float(here.service_level):.4f}, occ {float(here.occupancy):.4f}; "
            f"{ours[i] - 1} gives SL {float(below.service_level):.4f}), "
            f"pyworkforce {peer[i]}",
        )
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        notes.append(f"{count} rows: {reason}; {examples[reason]}")


def edge_cases() -> list[str]:
    """Hand-made rows at the edges where pyworkforce and the exact minimum differ."""
    erlang_c = importlib.import_module("pyworkforce.queuing").ErlangC
    lines = ["edge cases (ours vs pyworkforce ErlangC, 15-min interval):"]
    cases = [
        # (label, volume, aht_s, service level, threshold_s, max occupancy)
        ("fractional load A=10.6, 20 % in 60 s", 53.0, 180.0, 0.2, 60.0, 1.0),
        ("tiny load A=0.6, 50 % in 120 s", 3.0, 180.0, 0.5, 120.0, 1.0),
        ("A=17 at 85 % occupancy (A/o = 20 exactly)", 85.0, 180.0, 0.5, 20.0, 0.85),
    ]
    for label, volume, aht, level, threshold, occupancy in cases:
        load = volume * aht / (INTERVAL_MIN * 60)
        targets = ServiceTargets(
            service_level=level, threshold_s=threshold, max_occupancy=occupancy
        )
        ours = int(min_agents(load, aht, targets=targets))
        peer = erlang_c(
            transactions=volume, aht=aht / 60, asa=threshold / 60, interval=INTERVAL_MIN
        ).required_positions(service_level=level, max_occupancy=occupancy)["raw_positions"]
        sl = erlang_c_kpis([ours - 1, ours], load, aht_s=aht, threshold_s=threshold).service_level
        verdict = "agree" if ours == peer else "pyworkforce overstaffs" if peer > ours else "differ"
        lines.append(
            f"  {label}: ours {ours} (SL {sl[1]:.3f}; {ours - 1} gives {sl[0]:.3f}), "
            f"pyworkforce {peer} -> {verdict}"
        )
    lines.append(
        "  why: pyworkforce starts at round(A + 1), skipping floor(A) + 1 when frac(A) >= 0.5,"
        " and raises on zero volume (we return 0 agents)"
    )
    return lines


if __name__ == "__main__":
    main()
