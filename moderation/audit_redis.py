"""The audit log in Redis: an append-only Stream, plus one index stream per moderator.

Key layout (`P` is the deployment's key prefix):
  P{audit}:log            Stream of every entry; fields m (moderator), a (action), r (reason) and,
                          when set, i (item id), o (room), t (target handle)
  P{audit}:by:<moderator> Stream of the same entries, with the same ids, for one moderator

Why this shape:
- A Stream is append-only by nature, ordered, and its ids ("ms-seq", from Redis's clock) are the
  entry ids the API pages with: `XREVRANGE log (before - COUNT limit` is one bounded read per page.
  Nothing trims it by count: an audit log that forgets is not an audit log. With AOF it survives a
  Redis restart like any other key.
- "Only my own entries" could be a filter over the main stream, but a moderator's entries may be
  rare among thousands, so a filtered page would either scan without bound or come back short with
  no way to continue. A second stream per moderator, written in the same script with the id the main
  stream assigned, makes that page one exact XREVRANGE too. Both keys share the tag `{audit}`, so the
  script is valid on Redis Cluster.
- No field can hold an address, a session id or a token: the interface has no place for them.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from moderation.audit import AuditEntry, AuditLog
from moderation.audit_memory import parse_id

# KEYS: log, by-moderator   ARGV: field, value, ...
_APPEND = """
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV))
redis.call('XADD', KEYS[2], id, unpack(ARGV))
return id
"""

_FIELDS = {"i": "item_id", "o": "room", "t": "target_handle"}


class RedisAuditLog(AuditLog):
    """Append-only audit entries in a Redis Stream; see the module docstring for keys and reasons."""

    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        self._client = client
        base = f"{prefix}{{audit}}:"
        self._log = base + "log"
        self._by_prefix = base + "by:"
        self._append = client.register_script(_APPEND)

    async def append(
        self, moderator: str, action: str, item_id: str | None, room: str | None, target_handle: str | None, reason: str
    ) -> AuditEntry:
        """Add an entry stamped by Redis's clock (the stream id)."""
        args = ["m", moderator, "a", action, "r", reason]
        for field, value in (("i", item_id), ("o", room), ("t", target_handle)):
            if value is not None:
                args += [field, value]
        raw_id = await self._append(keys=[self._log, self._by_prefix + moderator], args=args)
        entry_id = raw_id.decode()
        return AuditEntry(entry_id, parse_id(entry_id)[0], moderator, action, item_id, room, target_handle, reason)

    async def page(self, moderator: str | None, before: str | None, limit: int) -> list[AuditEntry]:
        """Newest first: up to `limit` entries older than `before`, only `moderator`'s when given."""
        if limit <= 0:
            return []
        end = "+" if before is None else "(" + "-".join(map(str, parse_id(before)))
        key = self._log if moderator is None else self._by_prefix + moderator
        rows = await self._client.xrevrange(key, end, "-", count=limit)
        return [_entry(raw_id.decode(), fields) for raw_id, fields in rows]


def _entry(entry_id: str, raw: dict[bytes, bytes]) -> AuditEntry:
    fields = {key.decode(): value.decode() for key, value in raw.items()}
    optional = {name: fields.get(short) for short, name in _FIELDS.items()}
    return AuditEntry(
        entry_id, parse_id(entry_id)[0], fields["m"], fields["a"], optional["item_id"], optional["room"],
        optional["target_handle"], fields["r"],
    )
