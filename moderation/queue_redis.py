"""The review queue in Redis, shared by every hub process: hashes, sorted sets and atomic Lua steps.

Key layout (`P` is the deployment's key prefix):
  P{mq}:seq             INCR counter: item ids ("1", "2", ...), never reused
  P{mq}:item:<id>       hash: `data` = the immutable part as JSON (text, room, author, context, ...);
                        plain fields for what changes: state, claimed_by, lease_until_ms, priority,
                        report_count, report_reasons (JSON), first_claimed_ms, resolved_ms, decision
                        (JSON), announcements; plus kind, created_ms and dedupe copied out of `data` so
                        the scripts can read them without decoding JSON
  P{mq}:active          sorted set of open and claimed ids, score (100 - priority) * 1e13 + created_ms
  P{mq}:leases          sorted set of claimed ids by lease end (ms), so expiry reads only lapsed ones
  P{mq}:dedupe:<key>    id of the active item for a dedupe key; deleted when the item is resolved
  P{mq}:m:claim         capped list of recent durations created -> first claim (ms)
  P{mq}:m:decide        capped list of recent durations created -> moderator's decision (ms)

Why this shape:
- Every key shares the hash tag `{mq}`, so the multi-key scripts stay valid on Redis Cluster (one
  slot). The add and expire scripts build item keys from an id they only learn inside the script;
  that is allowed because those keys are in the same slot as the declared ones.
- Every change (add-or-merge, claim, release, resolve, expire, reannounce) is one Lua script, so two
  moderators on two hubs can never both win a claim, and a report can never make a duplicate item.
  Each script returns the item as it is after the change, so callers announce exactly what was stored.
- A hash per item lets a claim rewrite three small fields instead of the whole item (the context can
  be kilobytes); the JSON part is written once.
- The active score must order priority before age: created_ms is below 1e13 until the year 2286, and
  the largest score, 100 * 1e13 + created_ms ~ 1.002e15, is below 2**53, so doubles hold it exactly.
  Lua's tostring keeps only 14 digits, so scripts format scores with `%.0f`. `active()` still sorts in
  Python with (priority, created_ms, id), so both stores give the same order even on equal scores.
- Resolved items leave the sorted sets and the dedupe index at once and expire after `retention`
  (default 7 days): still readable by `get` for the history, never growing without bound.
- Metrics are capped lists (LPUSH + LTRIM) of raw durations; p50/p95 are computed in Python, as
  percentiles of recent work are what the team wants, and Redis has no percentile type.
Nothing here is lost on a hub's death: every state lives in Redis (with AOF, across Redis restarts).
"""

from __future__ import annotations

import json
from typing import Any

import redis.asyncio as aioredis

from moderation.queue import (
    PRIORITY_CRISIS,
    REPORT_MAX,
    REPORT_STEP,
    ClaimResult,
    ItemKind,
    ItemState,
    NewItem,
    QueueItem,
    QueueStats,
    ReviewQueue,
    sort_key,
)
from moderation.queue_rules import DEFAULT_RETENTION_SECONDS, MAX_REPORT_REASONS, METRIC_SAMPLES, percentiles

_EXPIRE_BATCH = 500  # lapsed leases reopened per script call: keeps each script short

# Shared Lua: the score of an item in the active set (priority clamped to 0..100 for the score only).
_LUA_SCORE = f"""
local function score(priority, created_ms)
  local p = math.min({PRIORITY_CRISIS}, math.max(0, priority))
  return string.format('%.0f', ({PRIORITY_CRISIS} - p) * 1e13 + created_ms)
end
"""

# KEYS: seq, active, dedupe
# ARGV: item key prefix, data JSON, kind, priority, created_ms, is_report, has_reason, reason, dedupe key
_ADD = _LUA_SCORE + f"""
local is_report = ARGV[6] == '1'
local existing = redis.call('GET', KEYS[3])
if existing then
  local key = ARGV[1] .. existing
  local state = redis.call('HGET', key, 'state')
  if state == 'open' or state == 'claimed' then
    local current = tonumber(redis.call('HGET', key, 'priority'))
    local priority = math.max(current, tonumber(ARGV[4]))
    if is_report then
      priority = math.max(priority, math.min(current + {REPORT_STEP}, {REPORT_MAX}))
      redis.call('HINCRBY', key, 'report_count', 1)
      if ARGV[7] == '1' then
        local reasons = cjson.decode(redis.call('HGET', key, 'report_reasons'))
        if #reasons < {MAX_REPORT_REASONS} then
          reasons[#reasons + 1] = ARGV[8]
          redis.call('HSET', key, 'report_reasons', cjson.encode(reasons))
        end
      end
    end
    if priority ~= current then
      redis.call('HSET', key, 'priority', string.format('%.0f', priority))
      redis.call('ZADD', KEYS[2], score(priority, tonumber(redis.call('HGET', key, 'created_ms'))), existing)
    end
    return {{0, existing, redis.call('HGETALL', key)}}
  end
end
local id = tostring(redis.call('INCR', KEYS[1]))
local key = ARGV[1] .. id
local reasons = '[]'
if is_report and ARGV[7] == '1' then reasons = cjson.encode({{ARGV[8]}}) end
redis.call('HSET', key, 'data', ARGV[2], 'kind', ARGV[3], 'priority', ARGV[4], 'created_ms', ARGV[5],
  'dedupe', ARGV[9], 'state', 'open', 'report_count', is_report and 1 or 0, 'report_reasons', reasons,
  'announcements', 1)
redis.call('ZADD', KEYS[2], score(tonumber(ARGV[4]), tonumber(ARGV[5])), id)
redis.call('SET', KEYS[3], id)
return {{1, id, redis.call('HGETALL', key)}}
"""

# KEYS: item, leases, claim metric   ARGV: id, moderator, now_ms, lease_ms
# Returns {outcome, fields}: outcome 'won' | 'lost' | 'missing'.
_CLAIM = f"""
if redis.call('EXISTS', KEYS[1]) == 0 then return {{'missing', {{}}}} end
local now = tonumber(ARGV[3])
local state = redis.call('HGET', KEYS[1], 'state')
if state == 'resolved' then return {{'lost', redis.call('HGETALL', KEYS[1])}} end
if state == 'claimed' then
  local holder = redis.call('HGET', KEYS[1], 'claimed_by')
  local lease = tonumber(redis.call('HGET', KEYS[1], 'lease_until_ms') or '0')
  if holder ~= ARGV[2] and lease >= now then return {{'lost', redis.call('HGETALL', KEYS[1])}} end
end
local lease_until = string.format('%.0f', now + tonumber(ARGV[4]))
redis.call('HSET', KEYS[1], 'state', 'claimed', 'claimed_by', ARGV[2], 'lease_until_ms', lease_until)
redis.call('ZADD', KEYS[2], lease_until, ARGV[1])
if redis.call('HEXISTS', KEYS[1], 'first_claimed_ms') == 0 then
  redis.call('HSET', KEYS[1], 'first_claimed_ms', ARGV[3])
  local waited = now - tonumber(redis.call('HGET', KEYS[1], 'created_ms'))
  redis.call('LPUSH', KEYS[3], string.format('%.0f', waited))
  redis.call('LTRIM', KEYS[3], 0, {METRIC_SAMPLES - 1})
end
return {{'won', redis.call('HGETALL', KEYS[1])}}
"""

# KEYS: item, leases   ARGV: id, moderator
_RELEASE = """
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed' then return false end
if redis.call('HGET', KEYS[1], 'claimed_by') ~= ARGV[2] then return false end
redis.call('HSET', KEYS[1], 'state', 'open')
redis.call('HDEL', KEYS[1], 'claimed_by', 'lease_until_ms')
redis.call('ZREM', KEYS[2], ARGV[1])
return redis.call('HGETALL', KEYS[1])
"""

# KEYS: item, leases, active, decide metric
# ARGV: id, moderator ('' when automatic), decision JSON, now_ms, retention_ms, dedupe key prefix
_RESOLVE = f"""
local now = tonumber(ARGV[4])
local state = redis.call('HGET', KEYS[1], 'state')
local by_moderator = ARGV[2] ~= ''
if by_moderator then
  if state ~= 'claimed' or redis.call('HGET', KEYS[1], 'claimed_by') ~= ARGV[2] then return false end
  if tonumber(redis.call('HGET', KEYS[1], 'lease_until_ms') or '0') < now then return false end
elseif state ~= 'open' then
  return false
end
redis.call('HSET', KEYS[1], 'state', 'resolved', 'resolved_ms', ARGV[4], 'decision', ARGV[3])
redis.call('HDEL', KEYS[1], 'lease_until_ms')
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local dedupe = ARGV[6] .. redis.call('HGET', KEYS[1], 'dedupe')
if redis.call('GET', dedupe) == ARGV[1] then redis.call('DEL', dedupe) end
if by_moderator then
  local took = now - tonumber(redis.call('HGET', KEYS[1], 'created_ms'))
  redis.call('LPUSH', KEYS[4], string.format('%.0f', took))
  redis.call('LTRIM', KEYS[4], 0, {METRIC_SAMPLES - 1})
end
local fields = redis.call('HGETALL', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return fields
"""

# KEYS: leases   ARGV: now_ms, item key prefix, batch size
# Leases end *before* now (lease_until < now), as in claim, where a lease is live while lease_until >= now.
_EXPIRE = """
local now = tonumber(ARGV[1])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local key = ARGV[2] .. id
  redis.call('ZREM', KEYS[1], id)
  if redis.call('HGET', key, 'state') == 'claimed'
      and tonumber(redis.call('HGET', key, 'lease_until_ms') or '0') < now then
    redis.call('HSET', key, 'state', 'open')
    redis.call('HDEL', key, 'claimed_by', 'lease_until_ms')
    out[#out + 1] = {id, redis.call('HGETALL', key)}
  end
end
return {#ids, out}
"""

# KEYS: item
_REANNOUNCE = """
if redis.call('HGET', KEYS[1], 'state') ~= 'open' then return false end
redis.call('HINCRBY', KEYS[1], 'announcements', 1)
return redis.call('HGETALL', KEYS[1])
"""


class RedisReviewQueue(ReviewQueue):
    """The review queue shared by all hubs; see the module docstring for keys and reasons."""

    def __init__(
        self, client: aioredis.Redis, prefix: str, retention_seconds: float = DEFAULT_RETENTION_SECONDS
    ) -> None:
        self._client = client
        base = f"{prefix}{{mq}}:"
        self._item_prefix = base + "item:"
        self._dedupe_prefix = base + "dedupe:"
        self._seq = base + "seq"
        self._active = base + "active"
        self._leases = base + "leases"
        self._claim_metric = base + "m:claim"
        self._decide_metric = base + "m:decide"
        self._retention_ms = int(retention_seconds * 1000)
        self._add = client.register_script(_ADD)
        self._claim = client.register_script(_CLAIM)
        self._release = client.register_script(_RELEASE)
        self._resolve = client.register_script(_RESOLVE)
        self._expire = client.register_script(_EXPIRE)
        self._reannounce = client.register_script(_REANNOUNCE)

    def _item_key(self, item_id: str) -> str:
        return self._item_prefix + item_id

    async def add(self, new: NewItem, now_ms: int) -> tuple[QueueItem, bool]:
        """Add, or merge a repeat into the active item with the same dedupe key (one script)."""
        data = {
            "kind": new.kind.value,
            "room": new.room,
            "text": new.text,
            "author_handle": new.author_handle,
            "author_key": new.author_key,
            "message_id": new.message_id,
            "client_id": new.client_id,
            "categories": list(new.categories),
            "reasons": list(new.reasons),
            "locale": new.locale,
            "context_before": list(new.context_before),
            "author_recent": list(new.author_recent),
            "created_ms": now_ms,
            "dedupe_key": new.dedupe_key,
        }
        is_report = new.kind == ItemKind.REPORT
        created, item_id, fields = await self._add(
            keys=[self._seq, self._active, self._dedupe_prefix + new.dedupe_key],
            args=[
                self._item_prefix, json.dumps(data, separators=(",", ":")), new.kind.value, int(new.priority),
                int(now_ms), int(is_report), int(bool(new.report_reason)), new.report_reason or "", new.dedupe_key,
            ],
        )
        return _item(_text(item_id), fields), bool(created)

    async def get(self, item_id: str) -> QueueItem | None:
        """One item, whatever its state, until a resolved item's retention ends."""
        fields = await self._client.hgetall(self._item_key(item_id))
        return _item(item_id, fields) if fields else None

    async def active(self) -> list[QueueItem]:
        """Open and claimed items in queue order."""
        ids = [_text(raw) for raw in await self._client.zrange(self._active, 0, -1)]
        if not ids:
            return []
        async with self._client.pipeline(transaction=False) as pipe:
            for item_id in ids:
                pipe.hgetall(self._item_key(item_id))
            rows = await pipe.execute()
        items = [_item(item_id, fields) for item_id, fields in zip(ids, rows, strict=True) if fields]
        return sorted(items, key=lambda item: (*sort_key(item), int(item.id)))

    async def claim(self, item_id: str, moderator: str, now_ms: int, lease_ms: int) -> ClaimResult:
        """Claim, renew or take over a lapsed lease, atomically."""
        outcome, fields = await self._claim(
            keys=[self._item_key(item_id), self._leases, self._claim_metric],
            args=[item_id, moderator, int(now_ms), int(lease_ms)],
        )
        if outcome == b"missing":
            return ClaimResult(False, None)
        return ClaimResult(outcome == b"won", _item(item_id, fields))

    async def release(self, item_id: str, moderator: str) -> QueueItem | None:
        """Give back one's own claim."""
        fields = await self._release(keys=[self._item_key(item_id), self._leases], args=[item_id, moderator])
        return _item(item_id, fields) if fields else None

    async def resolve(self, item_id: str, moderator: str, decision: dict[str, Any], now_ms: int) -> QueueItem | None:
        """Close an item; only the holder of a live lease may."""
        if not moderator:
            return None  # '' means "automatic" inside the script
        return await self._close(item_id, moderator, decision, now_ms)

    async def resolve_automatically(self, item_id: str, decision: dict[str, Any], now_ms: int) -> QueueItem | None:
        """Close an item nobody holds (a timeout); not counted as a team decision in the metrics."""
        return await self._close(item_id, "", decision, now_ms)

    async def _close(self, item_id: str, moderator: str, decision: dict[str, Any], now_ms: int) -> QueueItem | None:
        fields = await self._resolve(
            keys=[self._item_key(item_id), self._leases, self._active, self._decide_metric],
            args=[item_id, moderator, json.dumps(decision), int(now_ms), self._retention_ms, self._dedupe_prefix],
        )
        return _item(item_id, fields) if fields else None

    async def expire_leases(self, now_ms: int) -> list[QueueItem]:
        """Reopen every claimed item whose lease ended before `now_ms`, in batches of short scripts."""
        changed: list[QueueItem] = []
        while True:
            seen, reopened = await self._expire(
                keys=[self._leases], args=[int(now_ms), self._item_prefix, _EXPIRE_BATCH]
            )
            changed.extend(_item(_text(item_id), fields) for item_id, fields in reopened)
            if seen < _EXPIRE_BATCH:
                return changed

    async def reannounce(self, item_id: str) -> QueueItem | None:
        """Count one more announcement of an open item; None once it is claimed or resolved."""
        fields = await self._reannounce(keys=[self._item_key(item_id)])
        return _item(item_id, fields) if fields else None

    async def stats(self) -> QueueStats:
        """Open items by kind (every kind listed), claimed count, p50/p95 of recent durations."""
        ids = await self._client.zrange(self._active, 0, -1)
        async with self._client.pipeline(transaction=False) as pipe:
            for raw in ids:
                pipe.hmget(self._item_key(_text(raw)), "kind", "state")
            pipe.lrange(self._claim_metric, 0, -1)
            pipe.lrange(self._decide_metric, 0, -1)
            *rows, to_claim, to_decide = await pipe.execute()
        open_by_kind = {kind.value: 0 for kind in ItemKind}
        claimed = 0
        for kind, state in rows:
            if state == b"open":
                open_by_kind[_text(kind)] = open_by_kind.get(_text(kind), 0) + 1
            elif state == b"claimed":
                claimed += 1
        return QueueStats(
            open_by_kind, claimed, percentiles(int(v) for v in to_claim), percentiles(int(v) for v in to_decide)
        )


def _text(value: bytes | str | int) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _item(item_id: str, raw: dict[bytes, bytes] | list[bytes]) -> QueueItem:
    """An item from HGETALL (a dict from the client, a flat list from a script)."""
    if isinstance(raw, list):
        raw = dict(zip(raw[0::2], raw[1::2], strict=True))
    fields = {_text(key): value.decode() for key, value in raw.items()}
    data = json.loads(fields["data"])

    def number(name: str) -> int | None:
        return int(fields[name]) if name in fields else None

    return QueueItem(
        id=item_id,
        kind=ItemKind(data["kind"]),
        priority=int(fields["priority"]),
        room=data["room"],
        text=data["text"],
        author_handle=data["author_handle"],
        author_key=data["author_key"],
        message_id=data["message_id"],
        client_id=data["client_id"],
        categories=tuple(data["categories"]),
        reasons=tuple(data["reasons"]),
        locale=data["locale"],
        context_before=tuple(data["context_before"]),
        author_recent=tuple(data["author_recent"]),
        created_ms=int(data["created_ms"]),
        state=ItemState(fields["state"]),
        claimed_by=fields.get("claimed_by"),
        lease_until_ms=number("lease_until_ms"),
        first_claimed_ms=number("first_claimed_ms"),
        resolved_ms=number("resolved_ms"),
        decision=json.loads(fields["decision"]) if "decision" in fields else None,
        report_count=int(fields.get("report_count", "0")),
        report_reasons=tuple(json.loads(fields.get("report_reasons", "[]"))),
        announcements=int(fields.get("announcements", "1")),
        dedupe_key=data["dedupe_key"],
    )
