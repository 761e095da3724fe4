"""The rules both review-queue stores share: how a repeat raises priority, retention, and metric percentiles.

`queue_redis.py` carries the same merge rule in Lua (it must run inside the atomic add script); the
contract suite checks that both stores agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from moderation.queue import REPORT_MAX, REPORT_STEP

DEFAULT_RETENTION_SECONDS = 7 * 24 * 3600  # how long a resolved item stays readable
METRIC_SAMPLES = 1000  # durations kept per metric: recent enough to mean "the team now"
MAX_REPORT_REASONS = 20  # a much-reported message keeps counting, but stores only the first reasons


def merged_priority(current: int, incoming: int, is_report: bool) -> int:
    """Priority after a repeat: never lower; each report adds REPORT_STEP, but reports alone stop at
    REPORT_MAX (so reports never outrank a crisis, and never lower one either)."""
    priority = max(current, incoming)
    if is_report:
        priority = max(priority, min(current + REPORT_STEP, REPORT_MAX))
    return priority


def percentiles(samples: Iterable[int | float]) -> dict[str, float]:
    """p50 and p95 by nearest rank; {} when there is nothing to measure yet."""
    ordered = sorted(samples)
    if not ordered:
        return {}

    def rank(p: float) -> float:
        return float(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)])

    return {"p50": rank(50), "p95": rank(95)}
