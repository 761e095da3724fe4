"""Per-session token bucket against flooding (pure: the caller passes the clock)."""

from __future__ import annotations


class TokenBucket:
    """`burst` tokens, refilled at `rate` per second; each message takes one."""

    __slots__ = ("_burst", "_rate", "_tokens", "_updated")

    def __init__(self, burst: int, rate: float, now: float) -> None:
        self._burst = float(burst)
        self._rate = rate
        self._tokens = float(burst)
        self._updated = now

    def take(self, now: float) -> float | None:
        """Take a token: None if allowed, else the seconds to wait before the next one is there."""
        self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return (1.0 - self._tokens) / self._rate
