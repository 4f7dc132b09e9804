"""Text files of a scenario folder: decoding, and ``scenario.yaml`` parsing.

Files are read as UTF-8 (a byte-order mark skipped), or in the encoding given
when they are not UTF-8. Text that does not decode, YAML that does not parse, is
nested too deeply, or holds an impossible date (2026-02-30) is reported as a
:class:`~rostering.errors.Problem` with its line, never as a traceback.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

from rostering.errors import Problem, ScenarioError

UTF8_HINT = "save the file as UTF-8 (or give its encoding, e.g. --encoding gbk)"


def decode_text(raw: bytes, encoding: str) -> str:
    """File bytes as text: UTF-8 (a byte-order mark skipped), else ``encoding``."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if codecs.lookup(encoding).name == "utf-8":
            raise
        return raw.decode(encoding)


def bad_line(raw: bytes, encoding: str) -> int:
    """The 1-based line of the first bytes that do not decode."""
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    decoder = codecs.getincrementaldecoder(codec)()
    for n, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            decoder.decode(line)
        except UnicodeDecodeError:
            return n
    return 1


class _YamlLoader(yaml.SafeLoader):
    """``yaml.safe_load`` that reports an impossible date (2026-02-30) at its line."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"impossible date {node.value!r}: {exc}", node.start_mark
        ) from None


_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def read_text(path: Path, encoding: str, *, file: str, unit: str = "line") -> str:
    """The text of ``path`` (see :func:`decode_text`); text in neither encoding is a
    ScenarioError naming ``file`` and its first bad ``unit`` ("line", or "row" for a CSV)."""
    raw = path.read_bytes()
    try:
        return decode_text(raw, encoding)
    except UnicodeDecodeError:
        where = f"{unit} {bad_line(raw, encoding)}"
        raise ScenarioError([Problem(file, where, f"not {encoding} text: {UTF8_HINT}")]) from None


def read_yaml(path: Path, encoding: str, *, file: str) -> Any:
    """The parsed YAML file (``file`` names it in problems); ScenarioError when unreadable."""
    text = read_text(path, encoding, file=file)
    try:
        return yaml.load(text, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ScenarioError([Problem(file, where, f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise ScenarioError(
            [Problem(file, "", "invalid YAML: nested too deeply to read")]
        ) from None


__all__ = ["UTF8_HINT", "bad_line", "decode_text", "read_text", "read_yaml"]
