"""Mutes, bans and forgotten sessions, keyed by a session's author key: types and storage interface.

A sanction is stored (so it holds on every hub and for connections made later) and also announced
to every hub so it takes effect at once. Implementations: `moderation/sanctions_memory.py`,
`moderation/sanctions_redis.py`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

EVERYWHERE = "*"


@dataclass(frozen=True, slots=True)
class Sanctions:
    """What currently restricts one author: mutes by room (or EVERYWHERE) until a time, a ban."""

    mutes: dict[str, int] = field(default_factory=dict)  # room or "*" -> until_ms
    banned_until_ms: int | None = None
    forgotten: bool = False  # the person chose "leave and forget me": the session is over

    def muted_until(self, room: str, now_ms: int) -> int | None:
        """When the author may speak again in `room`, or None if not muted there now."""
        until = max(self.mutes.get(room, 0), self.mutes.get(EVERYWHERE, 0))
        return until if until > now_ms else None

    def banned(self, now_ms: int) -> bool:
        """True while a ban lasts (or the session was forgotten)."""
        return self.forgotten or (self.banned_until_ms is not None and self.banned_until_ms > now_ms)


class SanctionStore(ABC):
    """Where sanctions live; each expires by itself when its time is over."""

    @abstractmethod
    async def mute(self, author_key: str, room: str, until_ms: int) -> None:
        """Mute in `room` (or EVERYWHERE) until `until_ms`."""

    @abstractmethod
    async def ban(self, author_key: str, until_ms: int) -> None:
        """Ban the session until `until_ms`."""

    @abstractmethod
    async def forget(self, author_key: str, ttl_seconds: int) -> None:
        """Mark the session as ended by its owner, for as long as its token could live."""

    @abstractmethod
    async def get(self, author_key: str) -> Sanctions:
        """Current sanctions of one author (expired ones are gone)."""
