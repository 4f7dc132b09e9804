"""Benchmark of the adherence stage: 1,000 agents x 31 days of ACD state events.

Generates a seeded roster and its events (late logins, early logouts, long
meals, absences, duplicates, rows out of order, a missing logout), writes them
as a CSV export, then times reading (roster and events) and measuring
(timeline, pieces, exceptions, every aggregate). In the same run it measures
a 50-agent subset with events on whole minutes both ways, the interval
arithmetic of the package and a naive minute-by-minute pandas reference
(:func:`naive_minutes`), checks they agree and reports the speed ratio.

Peak memory is measured where a planner meets it: ``rostering adherence`` run on
the export as its own process (reading, measuring and writing every output),
its peak resident memory read from the kernel when it ends; the target is under
1 GB. The in-process figures below it include the benchmark's own setup.

Run: ``PYTHONPATH=src:. python benchmarks/adherence.py [--agents N] [--days D]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from rostering.adherence.config import AdherenceConfig
from rostering.adherence.metrics import measure
from rostering.adherence.readers import read_events
from rostering.adherence.schedule import Schedule, read_roster
from rostering.adherence.simulate import (
    SimulationConfig,
    format_timestamps,
    simulate_events,
    synthetic_roster,
    write_events_csv,
)
from rostering.adherence.states import (
    OFFLINE_CODE,
    SCHEDULED_CODES,
    ScheduledActivity,
    StateMapping,
)
from rostering.adherence.timeline import Timeline, build_timeline
from rostering.adherence.timestamps import parse_timestamps

TIMEZONE = "Asia/Shanghai"
START = dt.date(2026, 9, 1)
SEED = 20260901


def _peak_mb() -> float:
    """Peak resident memory so far of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


_CLI = """
import atexit, sys
def peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    sys.stderr.write(f"\\npeak-kb {kb}\\n")
atexit.register(peak)
from rostering.cli import main
sys.argv[0] = "rostering"
main()
"""
"""``rostering adherence`` that reports its peak resident memory (``VmHWM``) on exit:
the kernel's ``ru_maxrss`` of a child counts the parent's pages it was forked with."""


def cli_run(roster_path: Path, events_path: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of ``rostering adherence`` as its own process."""
    args = [sys.executable, "-c", _CLI, "adherence", str(roster_path), str(events_path)]
    t0 = time.perf_counter()
    done = subprocess.run([*args, "--out", str(out)], capture_output=True, check=False)
    wall = time.perf_counter() - t0
    err = done.stderr.decode(errors="replace")
    if done.returncode:
        raise SystemExit(f"rostering adherence failed: {err}")
    kb = int(err.rsplit("peak-kb ", 1)[1].split()[0])
    return wall, kb / 1024


def naive_minutes(
    schedule: Schedule, timeline: Timeline, *, config: AdherenceConfig, mapping: StateMapping
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Minute-by-minute reference for events on whole minutes.

    One row per agent and scheduled minute: its scheduled activity, the actual
    state found with ``merge_asof``, grace windows and absence applied as in
    :mod:`rostering.adherence.metrics`. Runs shorter than the minimum exception
    cannot occur on whole minutes when that minimum is at most one minute, so
    this reference does not look for them. Returns (per agent and day:
    scheduled and in-adherence minutes; per agent: logged-in minutes).
    """
    if config.min_exception_minutes > 1:
        raise ValueError("the reference assumes min_exception_minutes <= 1")
    sh = schedule.shifts.reset_index(drop=True)
    minutes = []
    for i, s in sh.iterrows():
        grid = np.arange(int(s["start"]), int(s["end"]), 60, dtype=np.int64)
        kind = np.full(len(grid), SCHEDULED_CODES.index(ScheduledActivity.WORK))
        if s["meal_start"] >= 0:
            kind[(grid >= s["meal_start"]) & (grid < s["meal_end"])] = SCHEDULED_CODES.index(
                ScheduledActivity.MEAL
            )
        minutes.append(
            pd.DataFrame(
                {
                    "shift": i,
                    "agent_code": int(s["agent_code"]),
                    "day": int(s["day"]),
                    "t": grid,
                    "kind": kind,
                    "from_start": grid - int(s["start"]),
                    "to_end": int(s["end"]) - grid,
                    "after_meal": grid - int(s["meal_end"]) if s["meal_end"] >= 0 else -1,
                }
            )
        )
    grid_df = pd.concat(minutes, ignore_index=True).sort_values("t", kind="stable")
    seg = timeline.segments.sort_values("start", kind="stable")
    merged = pd.merge_asof(
        grid_df,
        seg.rename(columns={"start": "t"}),
        on="t",
        by="agent_code",
        direction="backward",
    )
    inside = merged["end"].notna() & (merged["t"] < merged["end"])
    act = np.where(inside, merged["activity"].fillna(OFFLINE_CODE), OFFLINE_CODE).astype(int)
    neutral = np.where(
        inside, merged["neutral"].astype("boolean").fillna(False).to_numpy(bool), False
    )
    eq = mapping.equivalence_matrix()
    meal = SCHEDULED_CODES.index(ScheduledActivity.MEAL)
    offline = act == OFFLINE_CODE
    ok = neutral | eq[merged["kind"].to_numpy(), act]
    ok |= offline & (merged["from_start"].to_numpy() < config.late_login_grace_minutes * 60)
    ok |= offline & (merged["to_end"].to_numpy() <= config.early_logout_grace_minutes * 60)
    am = merged["after_meal"].to_numpy()
    ok |= (am >= 0) & (am < config.break_overrun_grace_minutes * 60) & eq[meal, act]
    merged["ok"] = ok
    merged["logged"] = ~offline
    attended = merged.groupby("shift")["logged"].transform("any")
    merged["ok"] &= attended
    per_day = (
        merged.groupby(["agent_code", "day"])
        .agg(scheduled_minutes=("t", "size"), in_adherence_minutes=("ok", "sum"))
        .reset_index()
    )
    # logged-in minutes over each agent's whole timeline, minute by minute
    starts = timeline.segments["start"].to_numpy()
    ends = timeline.segments["end"].to_numpy()
    counts = (ends - starts) // 60
    agent_min = pd.DataFrame(
        {"agent_code": np.repeat(timeline.segments["agent_code"].to_numpy(), counts)}
    )
    per_agent = agent_min.groupby("agent_code").size().rename("logged_in_minutes").reset_index()
    return per_day, per_agent


def _fmt(x: float) -> str:
    return f"{x:,.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=1000)
    parser.add_argument("--days", type=int, default=31)
    parser.add_argument("--subset", type=int, default=50)
    args = parser.parse_args()
    mapping = StateMapping()
    config = AdherenceConfig()

    t0 = time.perf_counter()
    roster = synthetic_roster(args.agents, args.days, start=START, timezone=TIMEZONE)
    sim = simulate_events(roster, timezone=TIMEZONE, seed=SEED)
    with tempfile.TemporaryDirectory() as tmp:
        roster_path = Path(tmp) / "roster.csv"
        events_path = Path(tmp) / "events.csv"
        roster.to_csv(roster_path, index=False)
        write_events_csv(sim.events, events_path)
        setup_s = time.perf_counter() - t0
        size_mb = events_path.stat().st_size / 1e6
        setup_peak_mb = _peak_mb()

        t0, c0 = time.perf_counter(), time.process_time()
        schedule = read_roster(roster_path, timezone=TIMEZONE)
        data = read_events(
            events_path, mapping=mapping, timezone=TIMEZONE, agents=schedule.agent_ids
        )
        read_s, read_cpu = time.perf_counter() - t0, time.process_time() - c0
        cli_s, cli_peak_mb = cli_run(roster_path, events_path, Path(tmp) / "out")
    t0, c0 = time.perf_counter(), time.process_time()
    timeline = build_timeline(data, schedule, tail_minutes=config.attribution_window_minutes)
    result = measure(schedule, timeline, data, config=config, mapping=mapping, timezone=TIMEZONE)
    measure_s, measure_cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_mb = _peak_mb()
    rows = data.rows_read
    print(f"adherence benchmark: {args.agents} agents x {args.days} days ({TIMEZONE})")
    print(f"setup (roster, simulation, CSV write): {setup_s:.1f} s, events CSV {size_mb:.0f} MB")
    print()
    print("wall and CPU seconds (the machine is shared: CPU time is what the stage costs)")
    print(
        f"{'rows':>12} {'shifts':>8} {'read s':>8} {'read cpu':>9} {'measure s':>10} "
        f"{'measure cpu':>12} {'total s':>8} {'total cpu':>10} {'rows/s':>10} {'rows/cpu s':>11}"
    )
    total = read_s + measure_s
    total_cpu = read_cpu + measure_cpu
    print(
        f"{rows:>12,} {len(schedule.shifts):>8,} {read_s:>8.2f} {read_cpu:>9.2f} "
        f"{measure_s:>10.2f} {measure_cpu:>12.2f} {total:>8.2f} {total_cpu:>10.2f} "
        f"{rows / total:>10,.0f} {rows / total_cpu:>11,.0f}"
    )
    print(
        f"peak memory (max RSS): {setup_peak_mb:,.0f} MB after setup, {peak_mb:,.0f} MB after "
        f"reading and measuring (a rise over setup is what reading and measuring added)"
    )
    print(
        f"rostering adherence as its own process (read, measure, write every output): "
        f"{cli_s:.1f} s, peak memory {cli_peak_mb:,.0f} MB for a {size_mb:.0f} MB export "
        f"(target < 1,000 MB: {'met' if cli_peak_mb < 1000 else 'NOT met'})"
    )
    flagged = pd.concat([data.issues, timeline.issues])["reason"].value_counts().to_dict()
    print(f"flagged rows by reason: {flagged}")
    t = result.totals
    print(
        "adherence {:.4f}  conformance {:.4f}  attendance {:.4f}  schedule adherence rate {:.4f}"
        "  exceptions {}".format(
            t["adherence"] or 0,
            t["conformance"] or 0,
            t["attendance_rate"] or 0,
            t["schedule_adherence_rate"] or 0,
            t["exceptions"],
        )
    )

    # -- the same measurement minute by minute, on a subset with whole-minute events
    sub_roster = roster.loc[roster["agent"].isin(sorted(set(roster["agent"]))[: args.subset])]
    sub = simulate_events(
        sub_roster, timezone=TIMEZONE, seed=SEED + 1, config=SimulationConfig(missing_logouts=1)
    )
    secs, _ = parse_timestamps(sub.events["timestamp"].astype(str), TIMEZONE)
    events_min = sub.events.assign(timestamp=format_timestamps(secs // 60 * 60, TIMEZONE))
    sub_schedule = read_roster(sub_roster, timezone=TIMEZONE)
    sub_data = read_events(
        events_min, mapping=mapping, timezone=TIMEZONE, agents=sub_schedule.agent_ids
    )
    sub_tl = build_timeline(sub_data, sub_schedule, tail_minutes=config.attribution_window_minutes)
    t0 = time.perf_counter()
    fast = measure(
        sub_schedule, sub_tl, sub_data, config=config, mapping=mapping, timezone=TIMEZONE
    )
    fast_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    naive_day, naive_agent = naive_minutes(sub_schedule, sub_tl, config=config, mapping=mapping)
    naive_s = time.perf_counter() - t0
    ids = np.asarray(sub_schedule.agent_ids, dtype=object)
    naive_day = naive_day.assign(
        agent=ids[naive_day["agent_code"]],
        date=pd.to_datetime(naive_day["day"], unit="D").dt.date,
    )
    fast_day = fast.by_agent_day.loc[fast.by_agent_day["scheduled_minutes"] > 0]
    joined = fast_day.merge(naive_day, on=["agent", "date"], suffixes=("", "_naive"))
    same_day = len(joined) == len(naive_day) == len(fast_day) and all(
        np.allclose(joined[c], joined[c + "_naive"])
        for c in ("scheduled_minutes", "in_adherence_minutes")
    )
    naive_agent = naive_agent.assign(agent=ids[naive_agent["agent_code"]])
    ja = fast.by_agent.merge(naive_agent, on="agent", suffixes=("", "_naive"))
    same_agent = np.allclose(ja["logged_in_minutes"], ja["logged_in_minutes_naive"])
    print()
    print(f"check on {args.subset} agents, events on whole minutes ({sub_data.rows_read:,} rows)")
    print(f"{'method':<28} {'measure s':>10}")
    print(f"{'interval arithmetic':<28} {fast_s:>10.3f}")
    print(f"{'naive minute-by-minute':<28} {naive_s:>10.3f}")
    print(
        f"speed ratio {naive_s / max(fast_s, 1e-9):.1f}x; agent-day scheduled and in-adherence "
        f"minutes equal: {same_day}; per-agent logged-in minutes equal: {same_agent}"
    )
    if not (same_day and same_agent):
        raise SystemExit("the fast and naive measurements disagree")
    print(f"in-adherence minutes compared: {_fmt(float(joined['in_adherence_minutes'].sum()))}")


if __name__ == "__main__":
    main()
