"""Shared fixtures: paths to the shipped scenarios, and a scratch copy helper."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture
def reference_dir() -> Path:
    """The shipped reference-online scenario folder (read only)."""
    return SCENARIOS / "reference-online"


@pytest.fixture
def scenario_copy(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a shipped scenario into tmp_path so a test may break it."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SCENARIOS / name, target)
        return target

    return copy
