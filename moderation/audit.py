"""The append-only audit log of moderator actions: types and the storage interface.

An entry names the moderator, the action, the item and the target's handle, never a network address,
a session id or a token. Implementations: `moderation/audit_memory.py`, `moderation/audit_redis.py`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One moderator action."""

    id: str  # monotonic: later entries have greater ids (stream ids "ms-seq")
    ts_ms: int
    moderator: str
    action: str
    item_id: str | None
    room: str | None
    target_handle: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        """The entry as the audit API returns it."""
        return {
            "id": self.id,
            "ts_ms": self.ts_ms,
            "moderator": self.moderator,
            "action": self.action,
            "item_id": self.item_id,
            "room": self.room,
            "target_handle": self.target_handle,
            "reason": self.reason,
        }


class AuditLog(ABC):
    """Append-only: entries are added, never changed or removed."""

    @abstractmethod
    async def append(
        self, moderator: str, action: str, item_id: str | None, room: str | None, target_handle: str | None, reason: str
    ) -> AuditEntry:
        """Add an entry stamped with the store's clock."""

    @abstractmethod
    async def page(self, moderator: str | None, before: str | None, limit: int) -> list[AuditEntry]:
        """Newest first: up to `limit` entries older than `before` (an entry id), only `moderator`'s
        when given."""
