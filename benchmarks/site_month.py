"""Does the site-month roster follow the requirement curve? Shaped against flat pricing.

    python benchmarks/site_month.py [--time-limit 300] [--workers 2] [--runs 1]

Rosters ``scenarios/site-month`` (319 people, 16 shift types, 28 days across
National Day, 30-minute intervals) twice per run, each in its own process:

* ``shaped``: the product's objective, where surplus beyond a tenth and a
  quarter of the requirement and shortfall beyond a tenth of it cost more
  (``Weights.shaped_coverage``);
* ``flat``: the peer, every agent-interval over or short priced the same
  wherever it falls, as before.

For each it prints the time to the first roster, the gap at the end, labour,
the Pearson correlation of staff on the floor against the requirement per
open hour for the queued channels (``corr``: inbound and chat, staffed as one
pool; deferred e-mail may be worked any time within its window, so its
arrival curve is no staffing target) and for all channels (``corr_all``), the
worst over- and under-staffed hour of the queued channels, the staff on the National
Day peak (1 October) against 8 October with each day's requirement, the
requests granted and the peak memory of its process (``VmHWM``). With ``--runs`` above 1 the
table gives each run and the medians.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from peak_memory import in_child  # noqa: E402

SCENARIO = ROOT / "scenarios" / "site-month"


def _run(shaped: bool, time_limit: float, workers: int) -> dict[str, Any]:
    import numpy as np

    from rostering.io import load_scenario
    from rostering.pipeline import size_scenario
    from rostering.roster import rule_names as rn
    from rostering.roster.compile import compile_instance
    from rostering.roster.config import Progress, SolverConfig
    from rostering.roster.solver import solve
    from rostering.roster.validation import validate

    scenario = load_scenario(SCENARIO)
    instance = compile_instance(scenario, size_scenario(scenario))
    instance.weights = instance.weights.model_copy(update={"shaped_coverage": shaped})
    first: list[float] = []
    started = time.perf_counter()

    def seen(p: Progress) -> None:
        if not first:
            first.append(time.perf_counter() - started)

    solution = solve(
        instance, SolverConfig(time_limit_s=time_limit, workers=workers), progress=seen
    )
    wall = time.perf_counter() - started
    if not solution.allocations:
        raise SystemExit(
            f"site-month ({'shaped' if shaped else 'flat'}): no roster within "
            f"{time_limit:g} s (status {solution.status.value}); give a longer --time-limit"
        )
    valid = validate(instance, solution).ok
    per_day = instance.slots_per_day
    # Per hour: heads on the floor (serving) and heads required, in agent-hours, for the
    # queued channels and pools (deferred work may be done any time in its window, so its
    # arrival curve is not a staffing target; it is counted in "all channels").
    deferred = {c.id for c in instance.channels if c.window_slots}
    hours_req: dict[int, float] = defaultdict(float)
    hours_have: dict[int, float] = defaultdict(float)
    all_req: dict[int, float] = defaultdict(float)
    all_have: dict[int, float] = defaultdict(float)
    for a in solution.allocations:
        hour = a.slot * instance.interval_minutes // 60
        share = instance.interval_minutes / 60
        all_req[hour] += a.required * share
        all_have[hour] += a.scheduled * share
        if a.channel not in deferred:
            hours_req[hour] += a.required * share
            hours_have[hour] += a.scheduled * share
    open_hours = sorted(h for h in hours_req if hours_req[h] > 0)
    req = np.array([hours_req[h] for h in open_hours])
    have = np.array([hours_have[h] for h in open_hours])
    corr = float(np.corrcoef(req, have)[0, 1]) if len(open_hours) > 1 else float("nan")
    every = sorted(h for h in all_req if all_req[h] > 0)
    corr_all = float(np.corrcoef([all_req[h] for h in every], [all_have[h] for h in every])[0, 1])
    diff = have - req

    def label(hour: int) -> str:
        day, h = divmod(hour, 24)
        return f"{instance.date(day):%d %b} {h:02d}:00"

    worst_over = int(np.argmax(diff))
    worst_under = int(np.argmin(diff))
    start = instance.start

    def day_figures(date: dt.date) -> tuple[int, float]:
        d = (date - start).days
        working = sum(1 for x in solution.assignments if x.day == d)
        need = sum(
            a.required * instance.interval_minutes / 60
            for a in solution.allocations
            if a.slot // per_day == d
        )
        return working, need

    peak, later = day_figures(dt.date(2026, 10, 1)), day_figures(dt.date(2026, 10, 8))
    asked = len(instance.requests)
    refused = sum(
        1
        for v in solution.violations
        if v.rule in (rn.SHIFT_REQUESTS, rn.SHIFT_ON_REQUEST, rn.SHIFT_OFF_REQUEST)
    )
    return {
        "variant": "shaped" if shaped else "flat",
        "first_s": first[0] if first else float("nan"),
        "wall_s": wall,
        "gap": solution.gap,
        "labour": solution.labour_cost,
        "valid": valid,
        "corr": corr,
        "corr_all": corr_all,
        "over": f"{label(open_hours[worst_over])} +{diff[worst_over]:.1f}",
        "under": f"{label(open_hours[worst_under])} {diff[worst_under]:.1f}",
        "oct1": f"{peak[0]} on / {peak[1]:,.0f} h req",
        "oct8": f"{later[0]} on / {later[1]:,.0f} h req",
        "requests": f"{asked - refused}/{asked}",
    }


def run_variant(shaped: bool, time_limit: float, workers: int) -> dict[str, Any]:
    """One solve in a fresh process (so its peak memory, ``VmHWM``, is its own)."""
    row, peak = in_child(_run, shaped, time_limit, workers)
    return {**row, "peak_mb": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--time-limit", type=float, default=300.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for _ in range(args.runs):
        for shaped in (True, False):
            rows.append(run_variant(shaped, args.time_limit, args.workers))
            print(f"  done {rows[-1]['variant']} in {rows[-1]['wall_s']:.0f} s", flush=True)
    cols = [
        ("variant", "{}"),
        ("first_s", "{:.1f}"),
        ("wall_s", "{:.0f}"),
        ("gap", "{:.2%}"),
        ("labour", "{:,.0f}"),
        ("valid", "{}"),
        ("corr", "{:.3f}"),
        ("corr_all", "{:.3f}"),
        ("over", "{}"),
        ("under", "{}"),
        ("oct1", "{}"),
        ("oct8", "{}"),
        ("requests", "{}"),
        ("peak_mb", "{:,.0f}"),
    ]
    print(" | ".join(name for name, _ in cols))
    for row in rows:
        print(" | ".join(fmt.format(row[name]) for name, fmt in cols))
    if args.runs > 1:
        for variant in ("shaped", "flat"):
            mine = [r for r in rows if r["variant"] == variant]
            print(
                f"median {variant}: corr {statistics.median(r['corr'] for r in mine):.3f}, "
                f"gap {statistics.median(r['gap'] for r in mine):.2%}, "
                f"first {statistics.median(r['first_s'] for r in mine):.1f} s"
            )
    shaped = [r["corr"] for r in rows if r["variant"] == "shaped"]
    flat = [r["corr"] for r in rows if r["variant"] == "flat"]
    print(
        f"correlation with the requirement, shaped / flat: "
        f"{statistics.median(shaped):.3f} / {statistics.median(flat):.3f}"
    )


if __name__ == "__main__":
    main()
