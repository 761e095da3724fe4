"""Mutes, bans and forgotten sessions in process memory (embedded mode).

Same contract as `sanctions_redis.py`: a sanction whose time has passed is gone (judged by the store's
`clock`), and a mute or ban set again replaces the previous one, so an `until` in the past lifts it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from moderation.sanctions import SanctionStore, Sanctions


class MemorySanctionStore(SanctionStore):
    """Per author: mutes by room (or EVERYWHERE) -> until_ms, a ban's until_ms, a forgotten-until time."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._mutes: dict[str, dict[str, int]] = {}
        self._bans: dict[str, int] = {}
        self._forgotten: dict[str, int] = {}  # author key -> until_ms

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    async def mute(self, author_key: str, room: str, until_ms: int) -> None:
        """Mute in `room` (or EVERYWHERE) until `until_ms`; a time in the past lifts the mute."""
        mutes = self._mutes.setdefault(author_key, {})
        if until_ms > self._now_ms():
            mutes[room] = until_ms
        else:
            mutes.pop(room, None)

    async def ban(self, author_key: str, until_ms: int) -> None:
        """Ban until `until_ms`; a time in the past lifts the ban."""
        if until_ms > self._now_ms():
            self._bans[author_key] = until_ms
        else:
            self._bans.pop(author_key, None)

    async def forget(self, author_key: str, ttl_seconds: int) -> None:
        """Mark the session as ended by its owner for `ttl_seconds`."""
        self._forgotten[author_key] = self._now_ms() + ttl_seconds * 1000

    async def get(self, author_key: str) -> Sanctions:
        """Current sanctions of one author; expired ones are dropped as they are read."""
        now = self._now_ms()
        mutes = self._mutes.get(author_key, {})
        for room in [room for room, until in mutes.items() if until <= now]:
            del mutes[room]
        if not mutes:
            self._mutes.pop(author_key, None)
        banned_until = self._bans.get(author_key)
        if banned_until is not None and banned_until <= now:
            del self._bans[author_key]
            banned_until = None
        forgotten_until = self._forgotten.get(author_key)
        if forgotten_until is not None and forgotten_until <= now:
            del self._forgotten[author_key]
            forgotten_until = None
        return Sanctions(dict(mutes), banned_until, forgotten_until is not None)
