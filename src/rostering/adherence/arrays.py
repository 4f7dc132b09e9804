"""The array types the adherence stage passes between its steps."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from rostering.errors import InputError

I64 = npt.NDArray[np.int64]
"""Integers: seconds, agent codes, row numbers, packed keys."""
F64 = npt.NDArray[np.float64]
"""Minutes and shares."""
Mask = npt.NDArray[np.bool_]
"""Which rows (or pieces) a step keeps."""

Codes = npt.NDArray[np.int32]
"""Small integers kept per event row: agent and state codes, row numbers."""

_INT32_MAX = int(np.iinfo(np.int32).max)


def narrow(values: npt.NDArray[np.integer[Any]]) -> Codes:
    """``values`` as int32 (half the memory of int64); :class:`InputError` past its range."""
    if len(values) and (int(values.max()) > _INT32_MAX or int(values.min()) < -_INT32_MAX):
        raise InputError("too many rows or codes to hold (over two billion)")
    out: Codes = values.astype(np.int32)
    return out


__all__ = ["F64", "I64", "Codes", "Mask", "narrow"]
