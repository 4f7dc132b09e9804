"""Output folders switched in one step: a run's files are all new or all old, never mixed.

A run writes every file into a staging folder beside its target
(``.<name>.staging-<pid>-<random>``), then :func:`switch_into_place` renames
the target aside (``.<name>.previous-<pid>-<random>``), renames the staging
folder into place and only then removes the previous folder. A process killed
between the two renames leaves the previous run whole, aside; the next run on
the same target (:func:`recover_target`) puts it back and removes the staging
folders a killed process left, those of that target only and older than the
current process.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path

from rostering.errors import InputError

log = logging.getLogger(__name__)

STAGING = "staging"
PREVIOUS = "previous"


_STARTED = time.time()
"""When this module was loaded: the start of the current process, as far as outputs go."""


def _process_start() -> float:
    """When the current process started (seconds since the epoch)."""
    return _STARTED


def _pattern(target: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(target.name)}\.({STAGING}|{PREVIOUS})-(\d+)-([0-9A-Za-z_]+)")


def _legacy(target: Path) -> re.Pattern[str]:
    """Staging folders of earlier versions: ``.<name>-`` and 8 random characters."""
    return re.compile(rf"\.{re.escape(target.name)}-[0-9a-z_]{{8}}")


def check_folder_target(target: Path) -> None:
    """Raise :class:`InputError` when ``target`` exists and is not a folder."""
    if target.exists() and not target.is_dir():
        raise InputError(f"--out {target} is a file, not a folder: name a folder for the outputs")


def _leftovers(target: Path) -> list[tuple[Path, str]]:
    """Staging and previous folders of ``target`` that a process killed before ours left."""
    if not target.parent.is_dir():
        return []
    pattern = _pattern(target)
    started = _process_start()
    found = []
    legacy = _legacy(target)
    for path in target.parent.iterdir():
        if not path.is_dir() or path.stat().st_mtime >= started:
            continue
        match = pattern.fullmatch(path.name)
        if match is not None and int(match[2]) != os.getpid():
            found.append((path, match[1]))
        elif match is None and legacy.fullmatch(path.name):
            found.append((path, STAGING))
    return found


def recover_target(target: Path) -> None:
    """Undo what a killed run left beside ``target``.

    When ``target`` is missing but a previous folder of it was renamed aside,
    the newest such folder goes back into place; every other staging or
    previous folder of ``target`` older than this process is removed.
    """
    left = _leftovers(target)
    previous = sorted(
        (p for p, kind in left if kind == PREVIOUS), key=lambda p: p.stat().st_mtime, reverse=True
    )
    if previous and not target.exists():
        os.replace(previous[0], target)
        log.warning("put back %s, left aside by a run that did not finish", target)
        left = [(p, kind) for p, kind in left if p != previous[0]]
    for path, _ in left:
        shutil.rmtree(path, ignore_errors=True)
        log.info("removed %s, left by a run that did not finish", path)


def new_staging(target: Path) -> Path:
    """A new, empty staging folder beside ``target`` (its parent is created)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    return Path(
        tempfile.mkdtemp(prefix=f".{target.name}.{STAGING}-{os.getpid()}-", dir=target.parent)
    )


def switch_into_place(stage: Path, target: Path) -> None:
    """Make the complete folder ``stage`` the folder ``target`` in one rename.

    An existing ``target`` is renamed aside first and removed only once
    ``stage`` is in its place; when that rename fails, it is put back.
    """
    check_folder_target(target)
    if not target.exists():
        os.replace(stage, target)
        return
    aside = target.with_name(f".{target.name}.{PREVIOUS}-{os.getpid()}-{secrets.token_hex(4)}")
    os.replace(target, aside)
    try:
        os.replace(stage, target)
    except BaseException:
        os.replace(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def remove_stale_folders(folder: Path, prefix: str) -> None:
    """Remove sub-folders of ``folder`` named ``prefix...`` and older than this process."""
    if not folder.is_dir():
        return
    started = _process_start()
    for path in folder.iterdir():
        if path.name.startswith(prefix) and path.is_dir() and path.stat().st_mtime < started:
            shutil.rmtree(path, ignore_errors=True)
            log.info("removed %s, left by a run that did not finish", path)


__all__ = [
    "check_folder_target",
    "new_staging",
    "recover_target",
    "remove_stale_folders",
    "switch_into_place",
]
