"""A sweep on a real Dask cluster: a scheduler and two workers started with the `dask` tool.

One worker is killed (SIGKILL, its whole process group) while it runs a task,
right after the first task finishes. The scheduler hands that task to the
other worker; every task still finishes exactly once, and the results equal
a serial run of the same tasks in this process (one solver thread, fixed
solver and simulation seeds, every solve proved optimal).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from distributed import Client

from rostering.sweep import (
    MARKER,
    ClusterSettings,
    SweepProgress,
    load_sweep,
    plan_tasks,
    run_serial,
    run_sweep,
    task_key,
)
from tests.sweep.conftest import write_sweep

DASK = Path(sys.executable).parent / "dask"
START_TIMEOUT_S = 90.0
"""Bound on the scheduler and the workers coming up (workers import the package)."""
SETTINGS = {
    "time_limit_s": 30,
    "solver_threads": 1,
    "seed": 0,
    "simulate": True,
    "replications": 2,
    "simulation_seed": 7,
    "correction_rounds": 1,
    "retries": 2,
}
GRID = [
    {
        "axis": "volume",
        "levels": {
            f"vol{pct:+d}": {"volume": [{"factor": 1 + pct / 100}]}
            for pct in (-20, -10, 0, 10, 20, 30)
        },
    },
    {
        "axis": "target",
        "levels": {
            "sl80": {},
            "sl90": {"targets": [{"channel": "inbound", "service_level": 0.9}]},
        },
    },
]
TIMING_KEYS = frozenset({"wall_time_s", "build_s"})
"""kpis.json fields that measure the machine, not the roster."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class DaskCluster:
    """The scheduler's address, a client to watch it, and the worker processes by name."""

    address: str
    folder: Path
    processes: list[subprocess.Popen[bytes]]
    client: Client | None = None
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start_worker(self, name: str) -> None:
        """A `dask worker` of one process, one thread and one solve unit."""
        args = [
            str(DASK),
            "worker",
            self.address,
            "--name",
            name,
            "--nworkers",
            "1",
            "--nthreads",
            "1",
            "--resources",
            "solve=1",
            "--no-dashboard",
            "--local-directory",
            str(self.folder / name),
        ]
        self.workers[name] = _start(args, self.folder / f"{name}.log")
        self.processes.append(self.workers[name])

    @property
    def watcher(self) -> Client:
        assert self.client is not None
        return self.client


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        # A session of its own: killing the group kills the nanny and its worker.
        return subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process's whole group (a nanny and its worker), then reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the scheduler exited: {log.read_text(errors='replace')[-2000:]}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"the scheduler did not listen on {port} within {START_TIMEOUT_S:g} s")


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[DaskCluster]:
    port = free_port()
    cluster = DaskCluster(address=f"tcp://127.0.0.1:{port}", folder=tmp_path, processes=[])
    try:
        log = tmp_path / "scheduler.log"
        scheduler = _start(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            log,
        )
        cluster.processes.append(scheduler)
        _wait_for_port(port, scheduler, log)
        cluster.start_worker("w1")
        cluster.start_worker("w2")
        cluster.client = Client(cluster.address, timeout=30)
        cluster.client.wait_for_workers(2, timeout=START_TIMEOUT_S)
        yield cluster
    finally:
        if cluster.client is not None:
            cluster.client.close()
        for process in reversed(cluster.processes):
            _kill(process)


def _comparable(kpis: dict[str, Any]) -> Any:
    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in TIMING_KEYS}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(kpis)


def test_a_killed_worker_loses_no_task_and_the_results_equal_a_serial_run(
    dask_cluster: DaskCluster, tmp_path: Path
) -> None:
    sweep = load_sweep(
        write_sweep(tmp_path / "sweeps" / "twelve.yaml", grid=GRID, settings=SETTINGS)
    )
    assert len(sweep) == 12
    out = tmp_path / "cluster"
    watcher = dask_cluster.watcher
    killed: dict[str, Any] = {}

    def kill_a_busy_worker(p: SweepProgress) -> None:
        if killed or p.done < 1 or p.last is None:
            return
        # The worker that just finished has just started its next task: kill it, so
        # that the task is surely cut short.
        pids: dict[str, int] = watcher.run(os.getpid)
        finished_by = int(p.last.worker.rsplit(":", 1)[1])
        order = sorted(pids, key=lambda addr: pids[addr] != finished_by)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            names = {a: str(w["name"]) for a, w in watcher.scheduler_info()["workers"].items()}
            for addr in order:
                running = watcher.run(
                    lambda dask_worker: sorted(str(ts.key) for ts in dask_worker.state.executing),
                    workers=[addr],
                )[addr]
                if not running:
                    continue
                name = names[addr]
                killed.update(name=name, running=running, pid=pids[addr])
                os.killpg(dask_cluster.workers[name].pid, signal.SIGKILL)
                # A replacement joins; the tasks left are shared again.
                dask_cluster.start_worker("w3")
                return
            time.sleep(0.05)
        pytest.fail("no worker was running a task after the first one finished")

    result = run_sweep(
        sweep,
        out,
        cluster=ClusterSettings(scheduler=dask_cluster.address, connect_timeout_s=30),
        on_progress=kill_a_busy_worker,
    )
    assert killed, "the sweep finished before a worker could be killed"
    assert dask_cluster.workers[killed["name"]].wait(timeout=30) == -signal.SIGKILL

    # Every task finished exactly once: twelve ok rows, twelve folders, nothing left over.
    assert [s.status for s in result.summaries] == ["ok"] * 12, [s.error for s in result.summaries]
    assert result.submitted == 12
    assert len({(s.scenario, s.variant) for s in result.summaries}) == 12
    folders = sorted(p.name for p in (out / "reference-online").iterdir())
    assert folders == sorted(v.name for v in sweep.variants)
    assert all((out / "reference-online" / f / MARKER).is_file() for f in folders)
    # The task the dead worker was running was finished by another.
    by_key = {task_key(t): t for t in plan_tasks(sweep, out, run_id=result.run_id)}
    by_variant = {s.variant: s for s in result.summaries}
    for key in killed["running"]:
        summary = by_variant[by_key[key].variant]
        assert summary.status == "ok"
        assert not summary.worker.endswith(f":{killed['pid']}")
    assert all(s.solver_status == "OPTIMAL" for s in result.summaries)

    # The same tasks run one after another in this process give the same results.
    serial_out = tmp_path / "serial"
    serial = run_serial(plan_tasks(sweep, serial_out))
    assert [s.status for s in serial] == ["ok"] * 12
    for variant in sweep.variants:
        a = out / "reference-online" / variant.name
        b = serial_out / "reference-online" / variant.name
        assert (a / "roster.csv").read_text(encoding="utf-8") == (b / "roster.csv").read_text(
            encoding="utf-8"
        ), variant.name
        ka = json.loads((a / "kpis.json").read_text(encoding="utf-8"))
        kb = json.loads((b / "kpis.json").read_text(encoding="utf-8"))
        assert _comparable(ka) == _comparable(kb), variant.name
        assert ka["simulation"]["seed"] == 7 and ka["simulation"]["replications"] == 2
