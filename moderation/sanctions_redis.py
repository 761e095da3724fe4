"""Mutes, bans and forgotten sessions in Redis, read by every hub when a session connects or sends.

Key layout (`P` is the deployment's key prefix, `A` an author key):
  P{sx:A}:mutes    hash room (or "*") -> until_ms; the key expires (PEXPIREAT) with its latest mute
  P{sx:A}:ban      string until_ms, expiring at until_ms (PXAT)
  P{sx:A}:forgot   "1", expiring after the session token's lifetime (EX)

Why this shape:
- Every sanction expires by itself: nothing sweeps, and a restarted hub reads only what still holds.
  A single mute per room cannot have its own expiry before Redis 7.4 (hash field TTLs), so the hash
  lives as long as its longest mute and `get` drops fields whose time has passed, by Redis's clock.
- One hash per author keeps `get` to one round trip (one script) on the hot path of every send, without
  knowing the rooms, and without SCAN.
- The tag is per author (`{sx:A}`): an author's keys share a slot for the script, and different
  authors spread over a cluster.
- Setting a mute or ban replaces the previous one, so an `until` in the past lifts it (deletes it).
"""

from __future__ import annotations

import redis.asyncio as aioredis

from moderation.sanctions import SanctionStore, Sanctions

_LUA_CLOCK = """
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# KEYS: mutes   ARGV: room, until_ms
_MUTE = _LUA_CLOCK + """
local until_ms = tonumber(ARGV[2])
if until_ms <= now_ms then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local latest = until_ms
for _, value in ipairs(redis.call('HVALS', KEYS[1])) do latest = math.max(latest, tonumber(value)) end
redis.call('PEXPIREAT', KEYS[1], string.format('%.0f', latest))
"""

# KEYS: ban   ARGV: until_ms
_BAN = _LUA_CLOCK + """
if tonumber(ARGV[1]) <= now_ms then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[1])
end
"""

# KEYS: mutes, ban, forgot   Returns {mutes as flat list, ban or false, forgotten 0/1}
_GET = _LUA_CLOCK + """
local live = {}
local stale = {}
local flat = redis.call('HGETALL', KEYS[1])
for i = 1, #flat, 2 do
  if tonumber(flat[i + 1]) > now_ms then
    live[#live + 1] = flat[i]
    live[#live + 1] = flat[i + 1]
  else
    stale[#stale + 1] = flat[i]
  end
end
if #stale > 0 then redis.call('HDEL', KEYS[1], unpack(stale)) end
return {live, redis.call('GET', KEYS[2]), redis.call('EXISTS', KEYS[3])}
"""


class RedisSanctionStore(SanctionStore):
    """Sanctions in Redis; see the module docstring for keys and reasons."""

    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._mute = client.register_script(_MUTE)
        self._ban = client.register_script(_BAN)
        self._get = client.register_script(_GET)

    def _key(self, author_key: str, what: str) -> str:
        return f"{self._prefix}{{sx:{author_key}}}:{what}"

    async def mute(self, author_key: str, room: str, until_ms: int) -> None:
        """Mute in `room` (or EVERYWHERE) until `until_ms`; a time in the past lifts the mute."""
        await self._mute(keys=[self._key(author_key, "mutes")], args=[room, int(until_ms)])

    async def ban(self, author_key: str, until_ms: int) -> None:
        """Ban until `until_ms`; a time in the past lifts the ban."""
        await self._ban(keys=[self._key(author_key, "ban")], args=[int(until_ms)])

    async def forget(self, author_key: str, ttl_seconds: int) -> None:
        """Mark the session as ended by its owner for `ttl_seconds`."""
        await self._client.set(self._key(author_key, "forgot"), b"1", ex=max(1, int(ttl_seconds)))

    async def get(self, author_key: str) -> Sanctions:
        """Current sanctions of one author (one script: expired mutes are dropped as they are read)."""
        flat, banned, forgotten = await self._get(
            keys=[self._key(author_key, "mutes"), self._key(author_key, "ban"), self._key(author_key, "forgot")]
        )
        mutes = {flat[i].decode(): int(flat[i + 1]) for i in range(0, len(flat), 2)}
        return Sanctions(mutes, int(banned) if banned else None, bool(forgotten))
