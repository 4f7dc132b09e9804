"""Probe: the local dask workers of a killed API server do not outlive it.

The API server (``rostering serve`` without a scheduler) starts a local dask
cluster whose worker processes are its children. Killed with SIGKILL in the
middle of a long run, the server cannot stop them; they must notice and exit
on their own. A stale worker writing into a run it no longer owns is guarded
by attempt tokens (``tests/api/test_api_attempts.py``); here only the
processes are checked. Processes are found through ``/proc``.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_api_dask import REGIONAL, Api, Processes, new_database, wait_until

SURVIVAL_LIMIT_S = 15.0
"""How long the worker processes may outlive the killed server."""

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def _stat(pid: int) -> tuple[int, int, str] | None:
    """Parent pid, start time (clock ticks) and state of ``pid``; None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), int(fields[19]), fields[0]


def _descendants(root: int) -> dict[int, int]:
    """Every process below ``root``, with its start time (to tell a reused pid)."""
    parents: dict[int, list[int]] = {}
    started: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None:
                parents.setdefault(stat[0], []).append(int(entry))
                started[int(entry)] = stat[1]
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found[child] = started[child]
                todo.append(child)
    return found


def _alive(processes: dict[int, int]) -> list[int]:
    """The processes of ``processes`` still running (not gone, not a zombie, same start)."""
    alive = []
    for pid, start in processes.items():
        stat = _stat(pid)
        if stat is not None and stat[1] == start and stat[2] != "Z":
            alive.append(pid)
    return alive


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes(tmp_path)
    yield running
    running.stop_all()


@pytest.mark.slow
def test_local_workers_exit_when_the_server_is_killed(processes: Processes, tmp_path: Path) -> None:
    database, _, key = new_database(tmp_path)
    api = Api(processes, database, key)
    # No scheduler: the server starts a local cluster of its own.
    api.start("api", scheduler="", by_flag=False, ROSTERING_WORKERS="1")
    assert api.process is not None
    regional = api.upload(REGIONAL, ("scenario.yaml", "agents.csv", "daily.csv", "profile.csv"))
    run = api.submit(regional, {"time_limit_s": 120, "simulate": False})
    api.wait(run, lambda r: r["status"] == "running", timeout_s=90)
    children = _descendants(api.process.pid)
    assert children, "the server runs its workers as child processes"
    api.kill()
    try:
        wait_until(
            lambda: not _alive(children),
            f"the server's child processes exiting (alive: {_alive(children)})",
            timeout_s=SURVIVAL_LIMIT_S,
        )
    finally:
        for pid in _alive(children):
            os.kill(pid, signal.SIGKILL)
    assert not _alive(children)
