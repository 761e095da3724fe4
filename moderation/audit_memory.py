"""The audit log in process memory (embedded mode): a list that only grows.

Ids look and order like Redis stream ids ("ms-seq"): the store's clock in milliseconds, and a
sequence within one millisecond. As in Redis, a clock that steps back never makes an id go back.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable

from moderation.audit import AuditEntry, AuditLog


def parse_id(entry_id: str) -> tuple[int, int]:
    """("ms", "seq") of a stream id as numbers; ValueError for anything else."""
    ms, dash, seq = entry_id.partition("-")
    if not dash or not ms.isdigit() or not seq.isdigit():
        raise ValueError(f"not an audit entry id: {entry_id!r}")
    return int(ms), int(seq)


class MemoryAuditLog(AuditLog):
    """Append-only entries, oldest first, and an index per moderator; a page is one slice."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        # Every entry, and each moderator's, oldest first with their ids as numbers for bisecting.
        self._all: tuple[list[tuple[int, int]], list[AuditEntry]] = ([], [])
        self._by_moderator: dict[str, tuple[list[tuple[int, int]], list[AuditEntry]]] = {}
        self._last = (0, 0)

    async def append(
        self, moderator: str, action: str, item_id: str | None, room: str | None, target_handle: str | None, reason: str
    ) -> AuditEntry:
        """Add an entry stamped with the store's clock."""
        ms = int(self._clock() * 1000)
        last_ms, last_seq = self._last
        self._last = (ms, 0) if ms > last_ms else (last_ms, last_seq + 1)
        entry = AuditEntry(
            f"{self._last[0]}-{self._last[1]}", self._last[0], moderator, action, item_id, room, target_handle, reason
        )
        for ids, entries in (self._all, self._by_moderator.setdefault(moderator, ([], []))):
            ids.append(self._last)
            entries.append(entry)
        return entry

    async def page(self, moderator: str | None, before: str | None, limit: int) -> list[AuditEntry]:
        """Newest first: up to `limit` entries older than `before`, only `moderator`'s when given."""
        ids, entries = self._all if moderator is None else self._by_moderator.get(moderator, ([], []))
        end = len(entries) if before is None else bisect.bisect_left(ids, parse_id(before))
        return entries[max(0, end - limit):end][::-1] if limit > 0 else []
