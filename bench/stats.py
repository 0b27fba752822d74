"""The one statistic both server benchmarks report their latencies with."""

from __future__ import annotations

import math


def percentile(ordered: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value at or above ``share`` of the sorted values."""
    return round(ordered[max(math.ceil(share * len(ordered)) - 1, 0)], 1) if ordered else None
