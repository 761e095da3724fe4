"""Moderator accounts, sign-in tokens and sign-in failure counts in Redis, shared by every hub.

Key layout (`P` is the deployment's key prefix):
  P{mods}:names             set of every moderator's name (for `all`)
  P{mods}:mod:<name>        hash: role, disabled ("0"/"1"), created_ms, secret_hash (argon2)
  P{mods}:token:<hash>      string: the moderator's name, with EX = the token's lifetime
  P{mods}:tokens:<name>     set of that moderator's token hashes, so disabling revokes them all
  P{mods}:fail:<key>        sorted set of failed sign-ins (member unique, score ms), PEXPIRE = window

Why this shape:
- All keys share the hash tag `{mods}`: disabling a moderator deletes their hash's flag, their token
  keys and their token set in one Lua script, which on Redis Cluster needs one slot.
- Tokens expire by themselves (EX), so a stolen copy of an old token is worth nothing after its TTL,
  and nothing has to sweep them. The per-moderator set is pruned of expired hashes whenever a new
  token is stored and carries the longest TTL, so it never outlives the tokens it lists.
- `token_owner` also checks the moderator is not disabled, in the same script: a sign-in that raced
  with `disable` cannot leave a working token behind.
- Failures use a sliding window (a sorted set trimmed by time with Redis's clock, capped in size), not
  INCR+EXPIRE, whose window restarts with every failure and would lock a slow guesser out forever.
Only hashes are stored: no secret or token can be recovered from Redis.
"""

from __future__ import annotations

import redis.asyncio as aioredis

from moderation.accounts import Moderator, ModeratorStore, Role

MAX_FAILURES_KEPT = 1000

# KEYS: names, mod   ARGV: name, role, disabled, created_ms, secret_hash
_CREATE = """
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], 'role', ARGV[2], 'disabled', ARGV[3], 'created_ms', ARGV[4], 'secret_hash', ARGV[5])
redis.call('SADD', KEYS[1], ARGV[1])
return 1
"""

# KEYS: mod, tokens   ARGV: disabled, token key prefix
_SET_DISABLED = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'disabled', ARGV[1])
if ARGV[1] == '1' then
  for _, token in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', ARGV[2] .. token) end
  redis.call('DEL', KEYS[2])
end
return 1
"""

# KEYS: mod   ARGV: secret_hash (only for a moderator who exists: no half-made hash)
_SET_SECRET = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'secret_hash', ARGV[1])
return 1
"""

# KEYS: token, tokens   ARGV: token hash, name, ttl_seconds, token key prefix
_STORE_TOKEN = """
for _, token in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[4] .. token) == 0 then redis.call('SREM', KEYS[2], token) end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
if redis.call('TTL', KEYS[2]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[2], ARGV[3]) end
"""

# KEYS: token   ARGV: moderator key prefix
_TOKEN_OWNER = """
local name = redis.call('GET', KEYS[1])
if not name then return false end
if redis.call('HGET', ARGV[1] .. name, 'disabled') ~= '0' then return false end
return name
"""

# KEYS: token   ARGV: token set prefix, token hash
_REVOKE = """
local name = redis.call('GET', KEYS[1])
redis.call('DEL', KEYS[1])
if name then redis.call('SREM', ARGV[1] .. name, ARGV[2]) end
"""

# KEYS: fail   ARGV: window_ms, cap
_FAILURE = """
local t = redis.call('TIME')
local now_us = tonumber(t[1]) * 1000000 + tonumber(t[2])
local now_ms = math.floor(now_us / 1000)
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.0f', now_ms - window))
local count = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], string.format('%.0f', now_ms), string.format('%.0f', now_us) .. '-' .. count)
if count + 1 > tonumber(ARGV[2]) then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, count - tonumber(ARGV[2])) end
redis.call('PEXPIRE', KEYS[1], window)
return redis.call('ZCARD', KEYS[1])
"""


class RedisModeratorStore(ModeratorStore):
    """Moderators and their live token hashes in Redis; see the module docstring for keys and reasons."""

    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        self._client = client
        base = f"{prefix}{{mods}}:"
        self._names = base + "names"
        self._mod_prefix = base + "mod:"
        self._token_prefix = base + "token:"
        self._tokens_prefix = base + "tokens:"
        self._fail_prefix = base + "fail:"
        self._create = client.register_script(_CREATE)
        self._set_disabled = client.register_script(_SET_DISABLED)
        self._set_secret = client.register_script(_SET_SECRET)
        self._store_token = client.register_script(_STORE_TOKEN)
        self._token_owner = client.register_script(_TOKEN_OWNER)
        self._revoke = client.register_script(_REVOKE)
        self._failure = client.register_script(_FAILURE)

    async def create(self, moderator: Moderator, secret_hash: str) -> bool:
        """Add a moderator; False if the name is taken (checked and written in one script)."""
        created = await self._create(
            keys=[self._names, self._mod_prefix + moderator.name],
            args=[moderator.name, moderator.role.value, int(moderator.disabled), moderator.created_ms, secret_hash],
        )
        return bool(created)

    async def get(self, name: str) -> tuple[Moderator, str] | None:
        """The moderator and their secret hash, or None."""
        fields = await self._client.hgetall(self._mod_prefix + name)
        return _moderator(name, fields) if fields else None

    async def all(self) -> list[Moderator]:
        """Every moderator, by name."""
        names = sorted(raw.decode() for raw in await self._client.smembers(self._names))
        async with self._client.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hgetall(self._mod_prefix + name)
            rows = await pipe.execute()
        return [_moderator(name, fields)[0] for name, fields in zip(names, rows, strict=True) if fields]

    async def set_disabled(self, name: str, disabled: bool) -> bool:
        """Disable (revoking every token of theirs at once) or re-enable a moderator."""
        done = await self._set_disabled(
            keys=[self._mod_prefix + name, self._tokens_prefix + name], args=[int(disabled), self._token_prefix]
        )
        return bool(done)

    async def set_secret_hash(self, name: str, secret_hash: str) -> bool:
        """Replace a moderator's secret hash (only if the moderator exists)."""
        return bool(await self._set_secret(keys=[self._mod_prefix + name], args=[secret_hash]))

    async def store_token(self, token_hash: str, name: str, ttl_seconds: int) -> None:
        """Remember a token hash for `ttl_seconds` (Redis expires it)."""
        await self._store_token(
            keys=[self._token_prefix + token_hash, self._tokens_prefix + name],
            args=[token_hash, name, int(ttl_seconds), self._token_prefix],
        )

    async def token_owner(self, token_hash: str) -> str | None:
        """The owner of a live token; None if unknown, expired, revoked or the owner is disabled."""
        name = await self._token_owner(keys=[self._token_prefix + token_hash], args=[self._mod_prefix])
        return name.decode() if name else None

    async def revoke_token(self, token_hash: str) -> None:
        """End one token now."""
        await self._revoke(keys=[self._token_prefix + token_hash], args=[self._tokens_prefix, token_hash])

    async def record_failure(self, key: str, window_seconds: int) -> int:
        """Count a failure; returns the failures of `key` within the last `window_seconds` (Redis's clock)."""
        count = await self._failure(
            keys=[self._fail_prefix + key], args=[int(window_seconds * 1000), MAX_FAILURES_KEPT]
        )
        return int(count)

    async def clear_failures(self, key: str) -> None:
        """Forget the failures of `key`."""
        await self._client.delete(self._fail_prefix + key)


def _moderator(name: str, raw: dict[bytes, bytes]) -> tuple[Moderator, str]:
    fields = {key.decode(): value.decode() for key, value in raw.items()}
    moderator = Moderator(name, Role(fields["role"]), fields["disabled"] == "1", int(fields["created_ms"]))
    return moderator, fields["secret_hash"]
