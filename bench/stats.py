"""The statistics the server benchmarks report with."""

from __future__ import annotations

import math
import os


def percentile(ordered: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value at or above ``share`` of the sorted values."""
    return round(ordered[max(math.ceil(share * len(ordered)) - 1, 0)], 1) if ordered else None


def load_average() -> float:
    """The machine's one-minute load average, recorded before and after a run: what else
    ran beside it, so a reader can tell a quiet machine's figures from a shared one's."""
    return round(os.getloadavg()[0], 2)


def load_words(before: float, after: float) -> str:
    cores = os.cpu_count()
    return f"load average (1 min) {before} before the run and {after} after, on {cores} cores"
