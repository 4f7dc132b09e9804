"""Small sweeps of the reference project, written as files the way a planner writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "reference-online"

GOOD = {
    "vol-10_sl80": {"volume": [{"factor": 0.9}]},
    "vol-10_sl90": {
        "volume": [{"factor": 0.9}],
        "targets": [{"channel": "inbound", "service_level": 0.9}],
    },
    "vol+0_sl80": {},
    "vol+0_sl90": {"targets": [{"channel": "inbound", "service_level": 0.9}]},
}
"""Four variants that solve to optimality in about a second on one thread."""
BAD = {"ghost-away": {"absences": [{"agent": "Z9", "dates": ["2026-09-29"]}]}}
"""A variant naming an agent the scenario lacks."""
INFEASIBLE = {"s1-away": {"absences": [{"agent": "S1", "dates": ["2026-09-29"]}]}}
"""The only supervisor away on a day: nobody can hold the 7x24 standby."""
FAST = {"time_limit_s": 10, "solver_threads": 1, "seed": 0, "simulate": False, "retries": 1}


def grid_of_four() -> list[dict[str, Any]]:
    """The four good variants as a 2 x 2 grid (same names and what-ifs as GOOD)."""
    return [
        {"axis": "volume", "levels": {"vol-10": {"volume": [{"factor": 0.9}]}, "vol+0": {}}},
        {
            "axis": "target",
            "levels": {
                "sl80": {},
                "sl90": {"targets": [{"channel": "inbound", "service_level": 0.9}]},
            },
        },
    ]


def write_sweep(
    path: Path,
    *,
    variants: dict[str, Any] | None = None,
    grid: list[dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
) -> Path:
    """A sweep file of the reference project at ``path``; its scenario path is relative."""
    path.parent.mkdir(parents=True, exist_ok=True)
    site = path.parent / "reference-online"
    if not site.exists():
        site.symlink_to(REFERENCE)
    data: dict[str, Any] = {
        "scenarios": ["reference-online"],
        "settings": settings or FAST,
    }
    if grid:
        data["grid"] = grid
    if variants:
        data["variants"] = variants
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path
