"""A reference-online variant with room to move, for what-if tests that start from a baseline.

The shipped reference roster is decided by its rotations: four agents one day
on, one day off from their history, one on five-two over fixed weekdays, one
supervisor on standby every day. A what-if can change none of it. In this
variant the four shift-A agents work five days of the week, any five, and the
horizon is the first week (28 September to 4 October, National Day inside),
so that every solve is proven optimal in seconds: many rosters cost the same,
which is what a re-solve from scratch reshuffles and a what-if from the
baseline must leave alone.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[1] / "scenarios" / "reference-online"
SCENARIO_FILES = ("scenario.yaml", "agents.csv", "daily.csv", "profile.csv")

FIVE_TWO_ANY = """  - id: five-two-any
    kind: five_on_two_off
    max_consecutive_days: 6
    min_rest_hours: 12
"""

SURGE_DAY = "2026-10-01"
"""National Day: the day the what-if raises inbound volume on."""

SURGE_YAML = f"""label: +20% inbound on {SURGE_DAY}
volume:
  - factor: 1.2
    channel: inbound
    date: {SURGE_DAY}
"""


def flexible_reference(folder: Path) -> Path:
    """Write the variant into ``folder`` (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in SCENARIO_FILES:
        shutil.copy(REFERENCE / name, folder / name)
    scenario = (folder / "scenario.yaml").read_text(encoding="utf-8")
    marker = "patterns:\n"
    assert scenario.count(marker) == 1
    scenario = scenario.replace(marker, marker + FIVE_TWO_ANY)
    scenario = scenario.replace("name: reference-online", "name: reference-flexible")
    assert scenario.count("  days: 14\n") == 1
    scenario = scenario.replace("  days: 14\n", "  days: 7\n")
    (folder / "scenario.yaml").write_text(scenario, encoding="utf-8")
    agents = (folder / "agents.csv").read_text(encoding="utf-8")
    assert agents.count(",one-on-one-off,") == 4
    (folder / "agents.csv").write_text(
        agents.replace(",one-on-one-off,", ",five-two-any,"), encoding="utf-8"
    )
    return folder


def surge_file(folder: Path) -> Path:
    """The what-if file: inbound volume 20 % higher on :data:`SURGE_DAY`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "surge.yaml"
    path.write_text(SURGE_YAML, encoding="utf-8")
    return path
