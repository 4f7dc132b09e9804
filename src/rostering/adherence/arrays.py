"""The array types the adherence stage passes between its steps."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
"""Integers: seconds, agent codes, row numbers, packed keys."""
F64 = npt.NDArray[np.float64]
"""Minutes and shares."""
Mask = npt.NDArray[np.bool_]
"""Which rows (or pieces) a step keeps."""

__all__ = ["F64", "I64", "Mask"]
