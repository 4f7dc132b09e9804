"""Runs on an external dask cluster: a real ``dask scheduler`` and ``dask worker`` on
localhost and the API server as a process of its own, killed with SIGKILL in the middle
of a run and started again on the same database and scheduler.

Every process is bounded in time and stopped in teardown.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_helpers import REFERENCE, SCENARIO_FILES, SITE_M
from distributed import Client

from api.cluster import SOLVE, Cluster, ClusterError, connect
from api.config import Settings
from api.crud import create_api_key
from api.db import Store
from api.models import RunAttempt, RunRecord

ROOT = Path(__file__).resolve().parents[2]
REGIONAL = ROOT / "scenarios" / "regional-site"
BIN = Path(sys.executable).parent
DASK = str(BIN / "dask")
ROSTERING = str(BIN / "rostering")
START_TIMEOUT_S = 90.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def environment(**extra: str) -> dict[str, str]:
    """The environment of a child process: this interpreter's packages, and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROSTERING_")}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    env.update(extra)
    return env


class Processes:
    """Child processes of one test module, each logging to a file; all stopped at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, name: str, command: list[str], **env: str) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                command, cwd=ROOT, env=environment(**env), stdout=out, stderr=subprocess.STDOUT
            )
        self.running.append((process, log))
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def log_of(self, process: subprocess.Popen[bytes]) -> str:
        for p, log in self.running:
            if p is process:
                return log.read_text(encoding="utf-8", errors="replace")[-4000:]
        return ""

    def stop_all(self) -> None:
        for process, _ in reversed(self.running):
            self.stop(process)


def wait_until(check: Callable[[], bool], what: str, *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not after {timeout_s:g} s")
        time.sleep(0.2)


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Processes]:
    children = Processes(tmp_path_factory.mktemp("dask-logs"))
    try:
        yield children
    finally:
        children.stop_all()


@pytest.fixture(scope="module")
def scheduler(processes: Processes) -> str:
    """A ``dask scheduler`` on a free localhost port, without a dashboard."""
    port = free_port()
    command = [
        DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
        "--dashboard-address", "127.0.0.1:0",  # its HTTP routes (health, metrics): not 8787
    ]  # fmt: skip
    process = processes.start("scheduler", command)
    wait_until(
        lambda: process.poll() is None and listening(port),
        f"the dask scheduler on port {port}\n{processes.log_of(process)}",
        timeout_s=START_TIMEOUT_S,
    )
    return f"tcp://127.0.0.1:{port}"


def start_worker(
    processes: Processes,
    scheduler: str,
    name: str,
    folder: Path,
    *,
    resources: str | None,
    threads: int = 1,
) -> subprocess.Popen[bytes]:
    command = [
        DASK, "worker", scheduler, "--name", name, "--host", "127.0.0.1",
        "--nthreads", str(threads), "--no-dashboard", "--local-directory", str(folder),
        "--death-timeout", "60",
    ]  # fmt: skip
    if resources is not None:
        command += ["--resources", resources]
    return processes.start(name, command)


@dataclass(frozen=True)
class WorkerSeen:
    """A worker as the scheduler sees it."""

    address: str
    resources: dict[str, float]


def workers_of(scheduler: str) -> dict[str, WorkerSeen]:
    """The workers the scheduler knows, by name (a client that checks nothing)."""
    cluster = Cluster(Client(scheduler, timeout=30, set_as_default=False))
    try:
        workers = cluster.workers()
    finally:
        cluster.close()
    return {
        str(w["name"]): WorkerSeen(address, dict(w.get("resources", {})))
        for address, w in workers.items()
    }


def test_a_cluster_whose_workers_offer_no_solve_resource_is_refused(
    processes: Processes, scheduler: str, tmp_path: Path
) -> None:
    plain = start_worker(processes, scheduler, "plain", tmp_path, resources=None)
    try:
        wait_until(
            lambda: "plain" in workers_of(scheduler),
            f"the plain worker joining\n{processes.log_of(plain)}",
            timeout_s=START_TIMEOUT_S,
        )
        settings = Settings(database_url=str(tmp_path / "api.sqlite"), dask_scheduler=scheduler)
        with pytest.raises(ClusterError, match=f"offers the '{SOLVE}' resource") as refused:
            connect(settings)
        assert f"--resources {SOLVE}=1" in str(refused.value)
    finally:
        processes.stop(plain)
    wait_until(
        lambda: "plain" not in workers_of(scheduler),
        "the plain worker leaving",
        timeout_s=60,
    )


class Api:
    """The API server as a process: started, killed, asked over HTTP."""

    def __init__(self, processes: Processes, database: Path, key: str) -> None:
        self.processes = processes
        self.database = database
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.headers = {"X-API-Key": key}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, name: str, *, scheduler: str, by_flag: bool, **env: str) -> None:
        command = [ROSTERING, "serve", "--port", str(self.port), "--database", str(self.database)]
        command += ["--log-level", "warning"]
        env.setdefault("ROSTERING_CANCEL_GRACE_S", "2")
        if by_flag:
            command += ["--scheduler", scheduler]
        else:
            env["ROSTERING_DASK_SCHEDULER"] = scheduler
        self.process = process = self.processes.start(name, command, **env)

        def up() -> bool:
            if process.poll() is not None:
                pytest.fail(f"the API server exited:\n{self.processes.log_of(process)}")
            try:
                return httpx.get(f"{self.base}/v1/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_until(up, "the API server answering", timeout_s=START_TIMEOUT_S)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.base}{path}", headers=self.headers, timeout=30)

    def upload(self, folder: Path, names: tuple[str, ...]) -> str:
        files = [("files", (n, (folder / n).read_bytes())) for n in names]
        made = httpx.post(
            f"{self.base}/v1/scenarios/upload", files=files, headers=self.headers, timeout=60
        )
        assert made.status_code == 201, made.text
        return str(made.json()["id"])

    def submit(self, scenario_id: str, whatif: dict[str, Any]) -> str:
        body = {"scenario_id": scenario_id, "whatif": whatif}
        made = httpx.post(f"{self.base}/v1/runs", json=body, headers=self.headers, timeout=30)
        assert made.status_code == 202, made.text
        return str(made.json()["id"])

    def wait(
        self, run_id: str, done: Callable[[dict[str, Any]], bool], *, timeout_s: float
    ) -> dict[str, Any]:
        seen: dict[str, Any] = {}

        def check() -> bool:
            seen.update(self.get(f"/v1/runs/{run_id}").json())
            return done(seen)

        wait_until(check, f"run {run_id} (last seen {seen})", timeout_s=timeout_s)
        return seen


def attempt_of(store: Store, run_id: str) -> tuple[str | None, str | None]:
    """The token of a run's current attempt and the worker it started on."""
    with store.session() as s:
        attempt = s.get(RunAttempt, run_id)
        return (attempt.token, attempt.worker) if attempt is not None else (None, None)


def attempt_worker(store: Store, run_id: str) -> str | None:
    return attempt_of(store, run_id)[1]


def new_database(folder: Path) -> tuple[Path, Store, str]:
    """A database file with the tables and an API key of tenant 'acme'."""
    database = folder / "api.sqlite"
    store = Store(f"sqlite:///{database}")
    store.create_all()
    with store.session() as s:
        _, key = create_api_key(s, "acme")
        s.commit()
    return database, store, key


def stored_status(store: Store, run_id: str) -> str:
    with store.session() as s:
        run = s.get(RunRecord, run_id)
        assert run is not None
        return run.status


def test_a_killed_server_leaves_finished_runs_and_interrupts_the_running_one(
    processes: Processes, scheduler: str, tmp_path: Path
) -> None:
    worker = start_worker(processes, scheduler, "solver", tmp_path, resources=f"{SOLVE}=1")
    wait_until(
        lambda: "solver" in workers_of(scheduler),
        f"the solve worker joining\n{processes.log_of(worker)}",
        timeout_s=START_TIMEOUT_S,
    )
    solver = workers_of(scheduler)["solver"]
    assert solver.resources == {SOLVE: 1}
    database, store, key = new_database(tmp_path)
    api = Api(processes, database, key)

    # The first server takes the scheduler from ROSTERING_DASK_SCHEDULER.
    api.start("api-1", scheduler=scheduler, by_flag=False)
    reference = api.upload(REFERENCE, SCENARIO_FILES)
    regional = api.upload(REGIONAL, ("scenario.yaml", "agents.csv", "daily.csv", "profile.csv"))
    short = api.submit(reference, {"time_limit_s": 5})
    done = api.wait(short, lambda r: r["status"] not in ("queued", "running"), timeout_s=120)
    assert done["status"] == "succeeded", done
    assert attempt_worker(store, short) == solver.address

    # Regional site does not prove optimal in a minute: the run is still solving when
    # the server dies.
    long = api.submit(regional, {"time_limit_s": 60, "simulate": False})
    api.wait(long, lambda r: r["status"] == "running", timeout_s=60)
    time.sleep(2.0)
    api.kill()
    assert stored_status(store, long) == "running"
    assert attempt_worker(store, long) == solver.address

    # The second server takes the scheduler from --scheduler, on the same database.
    api.start("api-2", scheduler=scheduler, by_flag=True)
    kept = api.get(f"/v1/runs/{short}").json()
    assert kept["status"] == "succeeded"
    assert kept["kpis"] == done["kpis"]
    roster = api.get(f"/v1/runs/{short}/roster")
    assert roster.status_code == 200 and roster.json()
    interrupted = api.get(f"/v1/runs/{long}").json()
    assert interrupted["status"] == "interrupted", interrupted
    assert "server stopped" in interrupted["error"]["message"]
    assert interrupted["kpis"] is None

    # The worker has one solve slot: a new run starts once the interrupted one's task
    # is gone, and then that task can no longer have stored anything.
    after = api.submit(reference, {"time_limit_s": 5})
    finished = api.wait(after, lambda r: r["status"] not in ("queued", "running"), timeout_s=120)
    assert finished["status"] == "succeeded", finished
    # It ran on the cluster's worker, restarted by the second server (a new address):
    # the interrupted run's task did not outlive the restart.
    restarted = workers_of(scheduler)["solver"].address
    assert restarted != solver.address
    assert attempt_worker(store, after) == restarted
    still = api.get(f"/v1/runs/{long}").json()
    assert still["status"] == "interrupted"
    assert still["finished_at"] == interrupted["finished_at"]
    assert still["kpis"] is None
    assert api.get(f"/v1/runs/{long}/roster").status_code == 409
    store.dispose()
    assert api.process is not None
    processes.stop(api.process)
    processes.stop(worker)
    wait_until(lambda: "solver" not in workers_of(scheduler), "the worker leaving", timeout_s=60)


def test_the_other_runs_of_a_restarted_worker_go_back_to_the_queue(
    processes: Processes, scheduler: str, tmp_path: Path
) -> None:
    worker = start_worker(processes, scheduler, "pair", tmp_path, resources=f"{SOLVE}=2", threads=2)
    wait_until(
        lambda: "pair" in workers_of(scheduler),
        f"the worker joining\n{processes.log_of(worker)}",
        timeout_s=START_TIMEOUT_S,
    )
    pair = workers_of(scheduler)["pair"]
    database, store, key = new_database(tmp_path)
    api = Api(processes, database, key)
    # A run is stopped half a second past its time limit.
    api.start("api-3", scheduler=scheduler, by_flag=True, ROSTERING_KILL_GRACE_S="0.5")
    site_m = api.upload(SITE_M, ("scenario.yaml", "agents.csv", "daily.csv", "profile.csv"))
    # Both solve at once on the worker; the first cannot finish sizing Site M in 1.5 s.
    overrun = api.submit(site_m, {"time_limit_s": 1, "simulate": False})
    other = api.submit(site_m, {"time_limit_s": 60, "simulate": False})
    api.wait(other, lambda r: r["status"] == "running", timeout_s=60)
    first_attempt, first_worker = attempt_of(store, other)
    assert first_worker == pair.address

    stopped = api.wait(overrun, lambda r: r["status"] not in ("queued", "running"), timeout_s=60)
    assert stopped["status"] == "failed", stopped
    assert stopped["error"]["message"] == "the run overran its time limit and was stopped"
    assert attempt_worker(store, overrun) == pair.address

    # The other run lost its worker with it: it went back to the queue and started again,
    # under a new attempt, on the restarted worker.
    def again() -> bool:
        token, _ = attempt_of(store, other)
        return stored_status(store, other) == "running" and token not in (None, first_attempt)

    wait_until(again, "the other run starting again", timeout_s=90)
    restarted = workers_of(scheduler)["pair"].address
    assert restarted != pair.address
    assert attempt_worker(store, other) == restarted

    cancelled = httpx.delete(f"{api.base}/v1/runs/{other}", headers=api.headers, timeout=30)
    assert cancelled.status_code == 202
    ended = api.wait(other, lambda r: r["status"] not in ("queued", "running"), timeout_s=60)
    assert ended["status"] == "cancelled", ended
    store.dispose()
