"""Choosing the moderation stores that match the backend: in memory, or in the same Redis."""

from __future__ import annotations

from dataclasses import dataclass

from moderation.accounts import ModeratorStore
from moderation.audit import AuditLog
from moderation.queue import ReviewQueue
from moderation.sanctions import SanctionStore
from rooms.backend import Backend


@dataclass(frozen=True, slots=True)
class Stores:
    """The moderation state of a deployment."""

    queue: ReviewQueue
    audit: AuditLog
    sanctions: SanctionStore
    moderators: ModeratorStore


def make_stores(backend: Backend, prefix: str) -> Stores:
    """Stores living where the backend lives, so one `REDIS_URL` decides everything."""
    from rooms.redis_backend import RedisBackend

    if isinstance(backend, RedisBackend):
        from moderation.accounts_redis import RedisModeratorStore
        from moderation.audit_redis import RedisAuditLog
        from moderation.queue_redis import RedisReviewQueue
        from moderation.sanctions_redis import RedisSanctionStore

        client = backend.client
        return Stores(
            RedisReviewQueue(client, prefix),
            RedisAuditLog(client, prefix),
            RedisSanctionStore(client, prefix),
            RedisModeratorStore(client, prefix),
        )
    from moderation.accounts_memory import MemoryModeratorStore
    from moderation.audit_memory import MemoryAuditLog
    from moderation.queue_memory import MemoryReviewQueue
    from moderation.sanctions_memory import MemorySanctionStore

    return Stores(MemoryReviewQueue(), MemoryAuditLog(), MemorySanctionStore(), MemoryModeratorStore())
