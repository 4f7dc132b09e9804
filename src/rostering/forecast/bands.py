"""Prediction intervals from the backtest: what the chosen model's errors were.

The residuals of the rolling-origin backtest, scaled by the square root of the
forecast (count noise grows that way), are split into five bands of forecast
size; each band's quantiles give the interval around a new forecast of that
size. This is split-conformal prediction on out-of-sample errors: no
distribution is assumed, and the intervals are as wide as the model's own
misses at that lead and volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEVELS = (80, 95)
"""Central prediction intervals given, percent."""
BINS = 5
"""Forecast-size bands the residual quantiles are taken in."""
MIN_PER_BIN = 40
"""Residuals a band needs; with fewer, all residuals form one band."""


def _scale(forecast: np.ndarray) -> np.ndarray:
    return np.asarray(np.sqrt(np.clip(forecast, 0, None) + 1.0), dtype=float)


@dataclass(frozen=True)
class Bands:
    """Residual quantiles per forecast-size band."""

    edges: np.ndarray
    quantiles: np.ndarray  # bins x (lo95, lo80, hi80, hi95)

    @classmethod
    def fit(cls, forecast: np.ndarray, actual: np.ndarray) -> Bands:
        """Learn the bands from paired backtest forecasts and actuals (open intervals)."""
        keep = (forecast > 0) | (actual > 0)
        f, a = forecast[keep], actual[keep]
        z = (a - f) / _scale(f)
        probs = [
            (100 - LEVELS[1]) / 200,
            (100 - LEVELS[0]) / 200,
            1 - (100 - LEVELS[0]) / 200,
            1 - (100 - LEVELS[1]) / 200,
        ]
        if len(z) == 0:
            return cls(np.array([]), np.zeros((1, 4)))
        bins = BINS if len(z) >= BINS * MIN_PER_BIN else 1
        edges = np.quantile(f, np.linspace(0, 1, bins + 1)[1:-1]) if bins > 1 else np.array([])
        which = np.searchsorted(edges, f, side="right")
        quantiles = np.vstack(
            [
                np.quantile(z[which == b], probs) if (which == b).any() else np.quantile(z, probs)
                for b in range(bins)
            ]
        )
        return cls(edges, quantiles)

    def around(self, forecast: np.ndarray) -> dict[str, np.ndarray]:
        """``volume_lo80`` ... ``volume_hi95`` around a forecast, never below zero."""
        which = np.searchsorted(self.edges, forecast, side="right")
        q = self.quantiles[np.clip(which, 0, len(self.quantiles) - 1)]
        scale = _scale(forecast)
        open_ = forecast > 0
        out = {}
        for k, name in enumerate(("volume_lo95", "volume_lo80", "volume_hi80", "volume_hi95")):
            value = np.clip(forecast + q[..., k] * scale, 0, None)
            if name.startswith("volume_lo"):
                value = np.minimum(value, forecast)
            else:
                value = np.maximum(value, forecast)
            out[name] = np.where(open_, value, 0.0)
        return out
