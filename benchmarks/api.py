"""Concurrent what-if runs against a live API server.

Starts ``uvicorn`` on 127.0.0.1 (a free port) with a scratch SQLite database,
stores ``reference-online``, submits N what-if variants at once (volume
surges, absences, stricter targets), waits for every run, and prints the
latency of the POST and of submit-to-result (the run finished and its KPIs
read), how many runs succeeded, and the peak memory of the server process and
of the processes below it (its dask workers), sampled while it runs.

    python benchmarks/api.py [--runs 20] [--time-limit 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT), str(ROOT / "benchmarks")]

from peak_memory import TreePeaks  # noqa: E402

from api.crud import create_api_key  # noqa: E402
from api.db import Store  # noqa: E402

REFERENCE = ROOT / "scenarios" / "reference-online"
SCENARIO_FILES = ("scenario.yaml", "agents.csv", "daily.csv", "profile.csv")
DAYS = [f"2026-09-{d:02d}" for d in (28, 29, 30)] + [f"2026-10-{d:02d}" for d in range(1, 12)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def variant(i: int, time_limit: float) -> dict[str, Any]:
    """The i-th what-if: a mix of surges, absences and target changes."""
    whatif: dict[str, Any] = {"time_limit_s": time_limit, "label": f"variant {i}"}
    kind = i % 4
    if kind == 0:
        whatif["volume"] = [{"factor": 1.0 + 0.05 * (i % 10), "weekday": i % 7}]
    elif kind == 1:
        whatif["absences"] = [{"agent": ("A1", "A2", "B1")[i % 3], "dates": [DAYS[i % 14]]}]
    elif kind == 2:
        whatif["targets"] = [{"channel": "inbound", "service_level": 0.9, "threshold_s": 15}]
    else:
        whatif["volume"] = [{"factor": 1.2, "channel": "chat", "date": DAYS[i % 14]}]
        whatif["aht"] = [{"channel": "inbound", "factor": 1.1}]
    return whatif


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with code {server.returncode}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not start")


def one_run(base: str, key: str, scenario_id: str, whatif: dict[str, Any]) -> dict[str, Any]:
    """Submit one run and wait for its result; returns timings and status."""
    head = {"X-API-Key": key}
    with httpx.Client(base_url=base, headers=head, timeout=60) as client:
        t0 = time.perf_counter()
        posted = client.post("/v1/runs", json={"scenario_id": scenario_id, "whatif": whatif})
        post_s = time.perf_counter() - t0
        if posted.status_code != 202:
            return {"post_s": post_s, "total_s": None, "status": f"HTTP {posted.status_code}"}
        run_id = posted.json()["id"]
        while True:
            run = client.get(f"/v1/runs/{run_id}").json()
            if run["status"] not in ("queued", "running"):
                break
            time.sleep(0.25)
        status = run["status"]
        if status == "succeeded":
            kpis = client.get(f"/v1/runs/{run_id}/kpis")
            status = "succeeded" if kpis.status_code == 200 else f"kpis HTTP {kpis.status_code}"
        total_s = time.perf_counter() - t0
        return {
            "post_s": post_s,
            "total_s": total_s,
            "status": status,
            "solve_s": (run.get("kpis") or {}).get("wall_time_s"),
        }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rostering-bench-") as tmp:
        db = Path(tmp) / "api.sqlite"
        store = Store(f"sqlite:///{db}")
        store.create_all()
        with store.session() as session:
            _, key = create_api_key(session, "benchmark")
            session.commit()
        store.dispose()

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "DATABASE_URL": str(db),
            "ROSTERING_WORKERS": str(args.workers),
            "ROSTERING_MAX_QUEUE": str(max(32, args.runs)),
        }
        log_path = Path(tmp) / "server.log"
        with log_path.open("wb") as log:
            command = [
                sys.executable, "-m", "uvicorn", "--factory", "api.main:create_app",
                "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            ]  # fmt: skip
            server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            peaks = TreePeaks(server.pid)
            try:
                with peaks:  # sampled until the server is stopped
                    started = time.perf_counter()
                    wait_until_up(base, server)
                    print(f"server up on {base} in {time.perf_counter() - started:.1f} s")
                    files = [("files", (n, (REFERENCE / n).read_bytes())) for n in SCENARIO_FILES]
                    made = httpx.post(
                        f"{base}/v1/scenarios/upload", files=files, headers={"X-API-Key": key}
                    )
                    made.raise_for_status()
                    scenario_id = made.json()["id"]

                    wall = time.perf_counter()
                    with cf.ThreadPoolExecutor(max_workers=args.runs) as pool:
                        futures = [
                            pool.submit(
                                one_run, base, key, scenario_id, variant(i, args.time_limit)
                            )
                            for i in range(args.runs)
                        ]
                        results = [f.result() for f in futures]
                    wall_s = time.perf_counter() - wall
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        server_log = log_path.read_text(encoding="utf-8", errors="replace")

    ok = [r for r in results if r["status"] == "succeeded"]
    posts = [r["post_s"] * 1000 for r in results]
    totals = [r["total_s"] for r in ok]
    solves = [r["solve_s"] for r in ok if r["solve_s"] is not None]
    print(
        f"{args.runs} concurrent what-if runs of reference-online, {args.workers} workers, "
        f"time limit {args.time_limit:g} s"
    )
    print(f"{'measure':<28}{'p50':>10}{'p95':>10}{'max':>10}")
    print(
        f"{'POST /v1/runs (ms)':<28}{percentile(posts, 50):>10.1f}"
        f"{percentile(posts, 95):>10.1f}{max(posts):>10.1f}"
    )
    if totals:
        print(
            f"{'submit to result (s)':<28}{percentile(totals, 50):>10.2f}"
            f"{percentile(totals, 95):>10.2f}{max(totals):>10.2f}"
        )
    if solves:
        print(
            f"{'engine wall time (s)':<28}{percentile(solves, 50):>10.2f}"
            f"{percentile(solves, 95):>10.2f}{max(solves):>10.2f}"
        )
    print(f"succeeded {len(ok)}/{args.runs}; all done in {wall_s:.1f} s")
    print("peak memory: " + peaks.text("server process", "child (dask worker, nanny)"))
    failed = [r["status"] for r in results if r["status"] != "succeeded"]
    if failed:
        print("not succeeded:", ", ".join(failed))
        print("server log (end):", server_log[-3000:], sep="\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
