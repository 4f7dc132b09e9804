"""The one rule for text cells the product writes to CSV: never a spreadsheet formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as a formula, so a client-supplied name such as
``=HYPERLINK("http://x")`` in ``roster.csv`` would run when a planner opens the
file. Following OWASP's CSV-injection guidance, :func:`neutralise` puts a
single quote before such a text cell; numbers (``-5`` included) stay numbers.
:func:`restore` undoes it when the product reads its own files back.

This module sits at the bottom of the package so that every stage that writes
or reads a CSV uses the same rule; frames and workbooks are handled in
:mod:`rostering.results.csv_output`.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a cell as a formula (OWASP)."""

QUOTE = "'"
"""The prefix that makes a spreadsheet show a cell as text."""

_NUMBER = re.compile(r"-\d+(\.\d+)?([eE][-+]?\d+)?")


def neutralise(value: str) -> str:
    """A text cell a spreadsheet shows as text: formula-like starts get a leading ``'``.

    A negative number written as text (``-5``, ``-1.25``) is a number, not a
    formula, and is left alone.
    """
    if value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def restore(value: str) -> str:
    """The text :func:`neutralise` was given: drops the ``'`` it put before a formula start."""
    if value.startswith(QUOTE) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


__all__ = ["FORMULA_STARTS", "QUOTE", "neutralise", "restore"]
