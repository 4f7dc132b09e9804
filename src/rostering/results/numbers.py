"""Numbers as JSON carries them."""

from __future__ import annotations

import math
from typing import Any


def finite_or_none(value: Any) -> float | None:
    """``value`` as a float, or ``None`` when it is missing, NaN or infinite (for JSON)."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


__all__ = ["finite_or_none"]
