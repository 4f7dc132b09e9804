"""Peak resident memory for benchmark rows, each row measured in a process of its own.

``peak_mb()`` reads the kernel's high-water mark of resident memory
(``VmHWM`` in ``/proc/self/status``). ``in_child(target, *args)`` runs
``target(*args)`` in a freshly spawned interpreter and returns its result with
that process's peak, so a row's figure is its own run's and not the largest of
every run before it in the same process.

Why not ``resource.getrusage(...).ru_maxrss``: Linux carries ``ru_maxrss``
across ``exec``, so a child forked from a large parent (as the ``spawn``
start method does before it executes a fresh interpreter) starts with the
parent's resident size already counted. ``VmHWM`` belongs to the process's own
address space and starts from zero at ``exec``.

``TreePeaks`` samples the peaks of a process and every process below it while
they run (a server and its workers, a pool of simulation processes), for
benchmarks whose rows share one process or spread over several.

The scripts import it as ``from peak_memory import ...`` (``python
benchmarks/x.py`` puts ``benchmarks/`` on the path; spawned children inherit
the parent's path).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_module
import resource
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

MB = 1024  # /proc and ru_maxrss count KiB on Linux


def peak_mb() -> float:
    """This process's peak resident memory in MB (``VmHWM``; ``ru_maxrss`` where no /proc)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / MB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (MB * MB) if sys.platform == "darwin" else peak / MB  # bytes on macOS


def _child(target: Callable[..., Any], args: tuple[Any, ...], out: Any) -> None:
    """Run ``target`` and send back (ok, result or error text, peak MB)."""
    try:
        result = target(*args)
    except SystemExit as stop:
        out.put((False, f"exit: {stop.code}", peak_mb()))
        return
    except BaseException:
        out.put((False, traceback.format_exc(), peak_mb()))
        return
    # The peak is read before the result is pickled: the row's own run.
    out.put((True, result, peak_mb()))


def in_child(target: Callable[..., T], *args: Any) -> tuple[T, float]:
    """``target(*args)`` run in a spawned process: its result and that process's peak MB.

    ``target`` and ``args`` must pickle (a module-level function of plain data).
    A ``SystemExit`` in the child is raised again here with its message; any
    other error in the child, or the child dying (killed for memory, say),
    raises ``RuntimeError`` carrying the child's traceback or exit code.
    """
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, args, out))
    proc.start()
    try:
        while True:
            try:
                ok, value, peak = out.get(timeout=1.0)
                break
            except queue_module.Empty:
                if not proc.is_alive():
                    try:  # it may have sent its answer just before ending
                        ok, value, peak = out.get(timeout=1.0)
                        break
                    except queue_module.Empty:
                        raise RuntimeError(
                            f"{getattr(target, '__name__', target)!s}: the child process ended "
                            f"without an answer (exit code {proc.exitcode})"
                        ) from None
        proc.join()
    finally:
        if proc.is_alive():
            proc.terminate()
            proc.join()
    if not ok:
        if str(value).startswith("exit: "):
            raise SystemExit(str(value).removeprefix("exit: "))
        raise RuntimeError(
            f"{getattr(target, '__name__', target)!s} failed in its process:\n{value}"
        )
    return value, peak


def children_peak_mb() -> float:
    """The largest peak of this process's ended children (``ru_maxrss``, MB).

    A forked child's figure includes the pages it shared with this process
    when it was forked: an upper bound of its own use.
    """
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / (MB * MB) if sys.platform == "darwin" else peak / MB


def _vmhwm_mb(pid: int) -> float | None:
    """Peak resident memory of process ``pid`` in MB, or None when it is gone or unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / MB
    except (OSError, ValueError):
        return None
    return None


def _descendants(root: int) -> list[int]:
    """Every live process below ``root`` (children, their children, ...), from /proc."""
    parent_of: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
                after = stat.read().rsplit(")", 1)[1].split()
            parent_of[int(entry.name)] = int(after[1])
        except (OSError, IndexError, ValueError):
            continue
    below: list[int] = []
    frontier = [root]
    while frontier:
        pid = frontier.pop()
        kids = [child for child, parent in parent_of.items() if parent == pid]
        below += kids
        frontier += kids
    return below


class TreePeaks:
    """Peak memory of a process and all its descendants, sampled while they run.

    ``with TreePeaks() as peaks: ...`` reads ``VmHWM`` of this process (or
    ``root``) and of every process below it every ``every_s`` seconds and keeps
    each one's largest. ``VmHWM`` only grows, so a worker's figure misses at
    most what it added in its last ``every_s`` seconds. Worker processes that
    were forked share pages with their parent: the sum over processes is an
    upper bound of what the tree held at once.
    """

    def __init__(self, root: int | None = None, *, every_s: float = 0.5) -> None:
        self.root = os.getpid() if root is None else root
        self.every_s = every_s
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="tree-peaks", daemon=True)

    def _sample(self) -> None:
        for pid in [self.root, *_descendants(self.root)]:
            mb = _vmhwm_mb(pid)
            if mb is not None:
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), mb)

    def _watch(self) -> None:
        while not self._stop.wait(self.every_s):
            self._sample()

    def __enter__(self) -> TreePeaks:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def root_mb(self) -> float:
        """The root process's peak, MB."""
        return self.peaks.get(self.root, float("nan"))

    @property
    def others_mb(self) -> list[float]:
        """The peaks of the processes below the root seen while sampling, MB."""
        return [mb for pid, mb in self.peaks.items() if pid != self.root]

    def text(self, root_label: str = "this process", others_label: str = "child") -> str:
        """One line: the root's peak and its descendants' (largest, together)."""
        others = self.others_mb
        line = f"{root_label} {self.root_mb:,.0f} MB"
        if others:
            line += (
                f"; {len(others)} {others_label} process(es): largest {max(others):,.0f} MB, "
                f"together {sum(others):,.0f} MB"
            )
        return line + f" (VmHWM, sampled every {self.every_s:g} s)"
