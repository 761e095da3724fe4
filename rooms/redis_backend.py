"""The Redis backend: one pub/sub connection per hub process, history in Streams, atomic Lua steps.

Key layout (every room key carries the room as a hash tag, so a room's keys share one cluster slot):
  {prefix}{<room>}:log        Stream of the room's messages (fields b = frame body, a = author key)
  {prefix}{<room>}:wm         highest message id no longer retained (the recovery watermark)
  {prefix}{<room>}:idem:<k>   message id of an idempotent publish, expires with history
  {prefix}{<room>}:presence   hash hub id -> "count:deadline_ms", plus "_total"
  {prefix}{<room>}            the room's pub/sub channel: "m<id> <frame>" or "e<frame>"
  {prefix}handle:<handle>     session id holding a handle
  {prefix}secret              the token-signing key shared by all hubs when none is configured
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Any

import orjson

import redis.asyncio as aioredis
from redis.exceptions import NoScriptError, RedisError, ResponseError

from app.protocol import message_frame, message_frame_prefix, message_id_key
from rooms.backend import (
    Backend,
    BackendUnavailable,
    BusListener,
    HistoryPage,
    Publication,
    PublishResult,
    Retention,
    StoredMessage,
)

log = logging.getLogger("peerchat.redis")

_LUA_CLOCK = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# Trims by count, then by age, moving the watermark to the newest trimmed id (ids only grow, so the
# newest trimmed id is always above the previous watermark). A publish lets the count run `slack`
# over the limit before trimming back to it, so a busy room trims once per `slack` messages instead
# of every time; history reads trim exactly (slack 0) first, so nobody ever sees more than `limit`.
_LUA_TRIM = """
local function trim(stream, wm, limit, ttl_ms, now_ms, slack)
  local len = redis.call('XLEN', stream)
  if len > limit + slack then
    local old = redis.call('XRANGE', stream, '-', '+', 'COUNT', len - limit)
    redis.call('SET', wm, old[#old][1])
    redis.call('XTRIM', stream, 'MAXLEN', limit)
  end
  local min_id = string.format('%.0f', now_ms - ttl_ms) .. '-0'
  local older = redis.call('XREVRANGE', stream, '(' .. min_id, '-', 'COUNT', 1)
  if #older > 0 then
    redis.call('SET', wm, older[1][1])
    redis.call('XTRIM', stream, 'MINID', min_id)
  end
end
"""

# KEYS: log, wm, idem   ARGV: channel, frame prefix, body, author, limit, ttl_ms, use_idem
_PUBLISH = _LUA_CLOCK + _LUA_TRIM + """
if ARGV[7] == '1' then
  local prior = redis.call('GET', KEYS[3])
  if prior then return {prior, 1} end
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  -- History begins now: a `since` from before cannot be recovered from this log.
  redis.call('SET', KEYS[2], string.format('%.0f', now_ms) .. '-0')
end
local id = redis.call('XADD', KEYS[1], '*', 'b', ARGV[3], 'a', ARGV[4])
-- A room nobody posts in or reads is kept no longer than the retention either: the log and its
-- watermark go ttl after the last message.
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
local limit = tonumber(ARGV[5])
trim(KEYS[1], KEYS[2], limit, tonumber(ARGV[6]), now_ms, math.floor(limit / 8))
local ms = string.match(id, '^(%d+)')
redis.call('PUBLISH', ARGV[1], 'm' .. id .. ' ' .. ARGV[2] .. id .. '","ts":' .. ms .. ',' .. ARGV[3])
if ARGV[7] == '1' then redis.call('SET', KEYS[3], id, 'PX', ARGV[6]) end
return {id, 0}
"""

# KEYS: log, wm   ARGV: since ('' for all), limit, ttl_ms
_HISTORY = _LUA_CLOCK + _LUA_TRIM + """
trim(KEYS[1], KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]), now_ms, 0)
local wm = redis.call('GET', KEYS[2])
local entries
if ARGV[1] == '' then
  entries = redis.call('XRANGE', KEYS[1], '-', '+')
else
  entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+')
end
return {wm or '', entries}
"""

# KEYS: log   ARGV: message id ('' for none), author key ('' for none)
_DELETE = """
local removed = {}
if ARGV[1] ~= '' then
  if redis.call('XDEL', KEYS[1], ARGV[1]) == 1 then removed[1] = ARGV[1] end
end
if ARGV[2] ~= '' then
  for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
    local fields = entry[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'a' and fields[i + 1] == ARGV[2] then
        redis.call('XDEL', KEYS[1], entry[1])
        removed[#removed + 1] = entry[1]
      end
    end
  end
end
return removed
"""

# KEYS: presence   ARGV: hub id, count (-1: only read), ttl_ms, channel, room
_PRESENCE = _LUA_CLOCK + """
local count = tonumber(ARGV[2])
if count > 0 then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. string.format('%.0f', now_ms + tonumber(ARGV[3])))
elseif count == 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
local total = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if all[i] ~= '_total' then
    local c, deadline = string.match(all[i + 1], '^(%d+):(%d+)$')
    if c and tonumber(deadline) > now_ms then
      total = total + tonumber(c)
    else
      redis.call('HDEL', KEYS[1], all[i])
    end
  end
end
if redis.call('HGET', KEYS[1], '_total') ~= tostring(total) then
  redis.call('HSET', KEYS[1], '_total', total)
  redis.call('PUBLISH', ARGV[4], 'e{"type":"presence","room":"' .. ARGV[5] .. '","count":' .. total .. '}')
end
return total
"""


class RedisBackend(Backend):
    """Backend for many hub processes sharing one Redis."""

    def __init__(self, url: str, prefix: str) -> None:
        # A bounded pool that waits for a free connection: a burst of thousands of joins must queue
        # for a few dozen connections, not open thousands of them and hit Redis's or the OS's limits.
        pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=64, timeout=10)
        self._client = aioredis.Redis(connection_pool=pool, decode_responses=False)
        self._prefix = prefix
        self._pubsub = self._client.pubsub()
        self._publish = self._client.register_script(_PUBLISH)
        self._history = self._client.register_script(_HISTORY)
        self._presence = self._client.register_script(_PRESENCE)
        self._delete = self._client.register_script(_DELETE)
        self._listener: BusListener | None = None
        self._reader: asyncio.Task[None] | None = None
        # Channels whose SUBSCRIBE is awaiting Redis's confirmation, and those confirmed at least once:
        # a confirmation for an already-confirmed channel means the connection was re-established.
        self._pending: dict[bytes, asyncio.Future[None]] = {}
        self._confirmed: set[bytes] = set()
        self._channel_rooms: dict[bytes, str] = {}
        self._control = (prefix + "control").encode()

    # -- keys -----------------------------------------------------------------------------------

    def _room_key(self, room: str, suffix: str) -> str:
        return f"{self._prefix}{{{room}}}:{suffix}"

    def _channel(self, room: str) -> bytes:
        return f"{self._prefix}{{{room}}}".encode()

    @property
    def client(self) -> aioredis.Redis:
        """The command connection pool, shared with the moderation stores."""
        return self._client

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self, listener: BusListener) -> None:
        self._listener = listener
        # The control channel keeps the pub/sub connection subscribed (so the reader always has a
        # connection to read) and will carry cross-hub commands.
        await self._subscribe_channel(self._control, start_reader=True)

    async def close(self) -> None:
        self._listener = None
        if self._reader is not None:
            self._reader.cancel()
            try:
                await self._reader
            except asyncio.CancelledError:
                pass
        for future in self._pending.values():
            future.cancel()
        try:
            await self._pubsub.aclose()
        finally:
            await self._client.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await self._client.ping())
        except (RedisError, OSError):
            return False

    # -- bus ------------------------------------------------------------------------------------

    async def subscribe(self, room: str) -> None:
        channel = self._channel(room)
        self._channel_rooms[channel] = room
        await self._subscribe_channel(channel)

    async def _subscribe_channel(self, channel: bytes, start_reader: bool = False) -> None:
        future = self._pending.get(channel)
        if future is None:
            future = self._pending[channel] = asyncio.get_running_loop().create_future()
            try:
                await self._pubsub.subscribe(channel)
            except (RedisError, OSError) as exc:
                self._pending.pop(channel, None)
                raise BackendUnavailable(str(exc)) from exc
        if start_reader:
            self._reader = asyncio.create_task(self._read_bus(), name="peerchat-bus-reader")
        await asyncio.shield(future)

    async def unsubscribe(self, room: str) -> None:
        channel = self._channel(room)
        self._channel_rooms.pop(channel, None)
        self._confirmed.discard(channel)
        pending = self._pending.pop(channel, None)
        if pending is not None and not pending.done():
            pending.cancel()
        try:
            await self._pubsub.unsubscribe(channel)
        except (RedisError, OSError):
            # The connection is gone; on reconnect redis-py resubscribes only what is still wanted.
            pass

    async def _read_bus(self) -> None:
        backoff = 0.05
        while True:
            try:
                message = await self._pubsub.get_message(timeout=None)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                log.warning("bus connection lost (%s); reconnecting", type(exc).__name__)
                # Back off between reconnect attempts; redis-py reconnects and resubscribes on the
                # next read.
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
                continue
            backoff = 0.05
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict) -> None:
        kind = message["type"]
        channel: bytes = message["channel"]
        if kind == "message" and channel == self._control:
            if self._listener is not None:
                self._listener.on_control(orjson.loads(message["data"]))
        elif kind == "message":
            listener, room = self._listener, self._channel_rooms.get(channel)
            if listener is None or room is None:
                return
            data: bytes = message["data"]
            if data[:1] == b"m":
                space = data.index(b" ")
                listener.on_message(room, data[1:space].decode(), data[space + 1 :].decode())
            elif data[:1] == b"e":
                listener.on_event(room, data[1:].decode())
        elif kind == "subscribe":
            future = self._pending.pop(channel, None)
            if future is not None and not future.done():
                future.set_result(None)
            if channel in self._confirmed and self._listener is not None:
                room = self._channel_rooms.get(channel)
                if room is not None:
                    self._listener.on_resubscribed(room)
                elif channel == self._control:
                    self._listener.on_control({"k": "resync"})
            self._confirmed.add(channel)

    # -- history --------------------------------------------------------------------------------

    async def publish_messages(
        self, items: Sequence[Publication], retention: Retention
    ) -> list[PublishResult | BackendUnavailable]:
        outcomes = await self._publish_batch(items, retention)
        unknown = [index for index, outcome in enumerate(outcomes) if isinstance(outcome, NoScriptError)]
        if unknown:
            # Redis lost its script cache (a restart, SCRIPT FLUSH). Such a loss fails every message of
            # the batch alike, so retrying the failed ones in their order keeps the history order.
            retried = await self._load_and_publish([items[index] for index in unknown], retention)
            for index, outcome in zip(unknown, retried):
                outcomes[index] = outcome
        return [_unavailable(o) if isinstance(o, NoScriptError) else o for o in outcomes]

    async def _publish_batch(
        self, items: Sequence[Publication], retention: Retention
    ) -> list[PublishResult | BackendUnavailable | NoScriptError]:
        """One round trip: a non-transactional pipeline of `_PUBLISH` calls by their SHA.

        Not the Script object in the pipeline: redis-py would add a SCRIPT EXISTS round trip per batch.
        """
        if not items:
            return []
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for item in items:
                    pipe.evalsha(self._publish.sha, 3, *self._publish_keys_and_args(item, retention))
                replies = await pipe.execute(raise_on_error=False)
        except (RedisError, OSError) as exc:
            return [_unavailable(exc) for _ in items]
        return [_publish_outcome(reply) for reply in replies]

    async def _load_and_publish(
        self, items: Sequence[Publication], retention: Retention
    ) -> list[PublishResult | BackendUnavailable | NoScriptError]:
        try:
            self._publish.sha = await self._client.script_load(_PUBLISH)
        except (RedisError, OSError) as exc:
            return [_unavailable(exc) for _ in items]
        return await self._publish_batch(items, retention)

    def _publish_keys_and_args(self, item: Publication, retention: Retention) -> list[str | bytes | int]:
        """KEYS and ARGV of `_PUBLISH` for one message."""
        room = item.room
        return [
            self._room_key(room, "log"),
            self._room_key(room, "wm"),
            self._room_key(room, "idem:" + (item.idempotency_key or "-")),
            self._channel(room),
            message_frame_prefix(room),
            item.body,
            item.author_key,
            retention.limit,
            retention.ttl_seconds * 1000,
            "1" if item.idempotency_key else "0",
        ]

    async def history(self, room: str, since: str | None, retention: Retention) -> HistoryPage:
        try:
            watermark, entries = await self._history(
                keys=[self._room_key(room, "log"), self._room_key(room, "wm")],
                args=[since or "", retention.limit, retention.ttl_seconds * 1000],
            )
        except (RedisError, OSError) as exc:
            raise BackendUnavailable(str(exc)) from exc
        messages = []
        for raw_id, fields in entries:
            message_id = raw_id.decode()
            values = dict(zip(fields[::2], fields[1::2]))
            frame = message_frame(room, message_id, values[b"b"].decode())
            messages.append(StoredMessage(message_id, frame, values.get(b"a", b"").decode()))
        if since is None:
            recovered = True
        elif not watermark:
            recovered = False  # no history exists for the room: whatever came after `since` is lost
        else:
            recovered = message_id_key(since) >= message_id_key(watermark.decode())
        return HistoryPage(messages, recovered)

    async def delete_messages(self, room: str, message_id: str | None, author_key: str | None) -> list[str]:
        try:
            removed = await self._delete(keys=[self._room_key(room, "log")], args=[message_id or "", author_key or ""])
        except (RedisError, OSError) as exc:
            raise BackendUnavailable(str(exc)) from exc
        return [raw.decode() for raw in removed]

    async def publish_control(self, payload: dict[str, Any]) -> None:
        try:
            await self._client.publish(self._control, orjson.dumps(payload))
        except (RedisError, OSError) as exc:
            raise BackendUnavailable(str(exc)) from exc

    async def publish_event(self, room: str, frame: str) -> None:
        try:
            await self._client.publish(self._channel(room), b"e" + frame.encode())
        except (RedisError, OSError) as exc:
            raise BackendUnavailable(str(exc)) from exc

    # -- presence and sessions ------------------------------------------------------------------

    async def set_presence(self, room: str, hub_id: str, count: int, ttl_seconds: float) -> int:
        try:
            return int(
                await self._presence(
                    keys=[self._room_key(room, "presence")],
                    args=[hub_id, count, int(ttl_seconds * 1000), self._channel(room), room],
                )
            )
        except (RedisError, OSError) as exc:
            raise BackendUnavailable(str(exc)) from exc

    async def presence_counts(self, rooms: Iterable[str]) -> dict[str, int]:
        rooms = list(rooms)
        try:
            async with self._client.pipeline(transaction=False) as pipe:
                for room in rooms:
                    await self._presence(
                        keys=[self._room_key(room, "presence")],
                        args=["-", -1, 0, self._channel(room), room],
                        client=pipe,
                    )
                totals = await pipe.execute()
        except (RedisError, OSError) as exc:
            raise BackendUnavailable(str(exc)) from exc
        return {room: int(total) for room, total in zip(rooms, totals)}

    async def reserve_handle(self, handle: str, session_id: str, ttl_seconds: int) -> bool:
        key = f"{self._prefix}handle:{handle.casefold()}"
        try:
            if await self._client.set(key, session_id, nx=True, ex=ttl_seconds):
                return True
            if await self._client.get(key) == session_id.encode():
                await self._client.expire(key, ttl_seconds)
                return True
            return False
        except (RedisError, OSError) as exc:
            raise BackendUnavailable(str(exc)) from exc

    async def shared_secret(self, candidate: bytes) -> bytes:
        key = f"{self._prefix}secret"
        try:
            await self._client.set(key, candidate, nx=True)
            return await self._client.get(key)
        except (RedisError, OSError) as exc:
            raise BackendUnavailable(str(exc)) from exc


def _publish_outcome(reply: object) -> PublishResult | BackendUnavailable | NoScriptError:
    """One `_PUBLISH` reply of a pipeline: `[id, duplicate]`, or the error Redis gave for that call."""
    if isinstance(reply, NoScriptError):
        return reply
    if isinstance(reply, ResponseError):
        return _unavailable(reply)
    message_id, duplicate = reply  # type: ignore[misc]
    return PublishResult(message_id.decode(), duplicate=bool(duplicate))


def _unavailable(error: Exception) -> BackendUnavailable:
    """What a message whose publish failed gets in place of its result."""
    return BackendUnavailable(str(error))
