"""The identity of a task's result: a hash of everything that shapes it.

A sweep's rerun skips a task whose folder holds a finished marker with the
same content hash, and solves it again when anything that shapes the result
changed: a file of the scenario folder, the variant's what-if, or a solve
setting. The variant's name, the sweep file's path and the retry count are
not part of it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

from rostering.sweep.spec import SweepSettings
from rostering.whatif.spec import WhatIf


def folder_digest(folder: Path) -> str:
    """SHA-256 of a scenario folder: every file's relative path and bytes, hidden ones aside."""
    digest = hashlib.sha256()
    for file in sorted(_files(folder)):
        digest.update(file.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def _files(folder: Path) -> Iterator[Path]:
    for item in folder.iterdir():
        if item.name.startswith((".", "__pycache__")):
            continue
        if item.is_dir():
            yield from _files(item)
        elif item.is_file():
            yield item


HASH_FORMAT = 1
"""Bumped when what a task computes from the same inputs changes."""


def content_hash(*, scenario_digest: str, whatif: WhatIf, settings: SweepSettings) -> str:
    """The identity of one task's result: the scenario's files, the variant's what-if
    (its label aside) and the settings that shape the result (retries aside)."""
    payload = {
        "format": HASH_FORMAT,
        "scenario": scenario_digest,
        "whatif": whatif.model_dump(mode="json", exclude={"label"}),
        "settings": settings.model_dump(mode="json", exclude={"retries"}),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


__all__ = ["HASH_FORMAT", "content_hash", "folder_digest"]
