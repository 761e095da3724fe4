"""Moderator accounts, tokens and sign-in failure counts in process memory (embedded mode).

Same contract as `accounts_redis.py`. Token lifetimes and failure windows use the store's `clock`
(seconds, like time.time), so tests can move time instead of waiting.
"""

from __future__ import annotations

import dataclasses
import time
from collections import deque
from collections.abc import Callable

from moderation.accounts import Moderator, ModeratorStore

MAX_FAILURES_KEPT = 1000  # a key failing faster than this is refused anyway; the count saturates
MAX_FAILURE_KEYS = 10_000  # above this, keys whose window has passed are dropped


class MemoryModeratorStore(ModeratorStore):
    """Moderators and secret hashes in a dict; token hashes with their expiry; failures as timestamps."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._moderators: dict[str, tuple[Moderator, str]] = {}
        self._tokens: dict[str, tuple[str, float]] = {}  # token hash -> (name, expires at)
        self._failures: dict[str, deque[float]] = {}

    async def create(self, moderator: Moderator, secret_hash: str) -> bool:
        """Add a moderator; False if the name is taken."""
        if moderator.name in self._moderators:
            return False
        self._moderators[moderator.name] = (moderator, secret_hash)
        return True

    async def get(self, name: str) -> tuple[Moderator, str] | None:
        """The moderator and their secret hash, or None."""
        return self._moderators.get(name)

    async def all(self) -> list[Moderator]:
        """Every moderator, by name."""
        return [self._moderators[name][0] for name in sorted(self._moderators)]

    async def set_disabled(self, name: str, disabled: bool) -> bool:
        """Disable (revoking every token of theirs) or re-enable a moderator."""
        found = self._moderators.get(name)
        if found is None:
            return False
        self._moderators[name] = (dataclasses.replace(found[0], disabled=disabled), found[1])
        if disabled:
            for token_hash in [t for t, (owner, _) in self._tokens.items() if owner == name]:
                del self._tokens[token_hash]
        return True

    async def set_secret_hash(self, name: str, secret_hash: str) -> bool:
        """Replace a moderator's secret hash."""
        found = self._moderators.get(name)
        if found is None:
            return False
        self._moderators[name] = (found[0], secret_hash)
        return True

    async def store_token(self, token_hash: str, name: str, ttl_seconds: int) -> None:
        """Remember a token hash for `ttl_seconds`."""
        now = self._clock()
        # Expired tokens are dropped here, so the dict holds only live ones (plus this one).
        for expired in [t for t, (_, until) in self._tokens.items() if until <= now]:
            del self._tokens[expired]
        self._tokens[token_hash] = (name, now + ttl_seconds)

    async def token_owner(self, token_hash: str) -> str | None:
        """The owner of a live token; None if unknown, expired, revoked or the owner is disabled."""
        found = self._tokens.get(token_hash)
        if found is None:
            return None
        name, until = found
        if until <= self._clock():
            del self._tokens[token_hash]
            return None
        moderator = self._moderators.get(name)
        if moderator is None or moderator[0].disabled:
            return None
        return name

    async def revoke_token(self, token_hash: str) -> None:
        """End one token now."""
        self._tokens.pop(token_hash, None)

    async def record_failure(self, key: str, window_seconds: int) -> int:
        """Count a failure; returns the failures of `key` within the last `window_seconds`."""
        now = self._clock()
        if len(self._failures) > MAX_FAILURE_KEYS:
            # Many distinct keys (a spray): drop those with nothing left in their window.
            for stale in [k for k, t in self._failures.items() if not t or t[-1] <= now - window_seconds]:
                del self._failures[stale]
        times = self._failures.setdefault(key, deque(maxlen=MAX_FAILURES_KEPT))
        while times and times[0] <= now - window_seconds:
            times.popleft()
        times.append(now)
        return len(times)

    async def clear_failures(self, key: str) -> None:
        """Forget the failures of `key`."""
        self._failures.pop(key, None)
