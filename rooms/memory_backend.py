"""The embedded backend: everything in this process's memory, for a single hub without Redis."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.protocol import message_frame, message_id_key
from rooms.backend import (
    Backend,
    BackendUnavailable,
    BusListener,
    HistoryPage,
    Publication,
    PublishResult,
    Retention,
    StoredMessage,
    presence_frame,
)


_LOG_SWEEP_SECONDS = 60.0


@dataclass(slots=True)
class _Entry:
    message_id: str
    key: tuple[int, int]
    body: str
    author_key: str


@dataclass(slots=True)
class _RoomLog:
    entries: list[_Entry] = field(default_factory=list)
    # Highest id no longer retained: a `since` below it cannot be recovered. Set when the log is
    # created to "now", so a `since` from before (say, an earlier run of the server) is not either.
    watermark: tuple[int, int] = (0, 0)
    last_key: tuple[int, int] = (0, 0)
    # When the whole log is dropped: the retention after its last message (Redis expires the keys).
    expires_at: float = float("inf")


class MemoryBackend(Backend):
    """Single-process backend with the same contract as the Redis one; state dies with the process."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._listener: BusListener | None = None
        self._subscribed: set[str] = set()
        self._logs: dict[str, _RoomLog] = {}
        self._idempotency: dict[str, tuple[str, float]] = {}
        self._sweep_at = 1024
        self._next_log_sweep = 0.0
        self._presence: dict[str, dict[str, tuple[int, float]]] = {}
        self._announced_totals: dict[str, int] = {}
        self._handles: dict[str, tuple[str, float]] = {}
        self._secret: bytes | None = None

    async def start(self, listener: BusListener) -> None:
        self._listener = listener

    async def close(self) -> None:
        self._listener = None
        self._subscribed.clear()

    async def ping(self) -> bool:
        return True

    async def subscribe(self, room: str) -> None:
        self._subscribed.add(room)

    async def unsubscribe(self, room: str) -> None:
        self._subscribed.discard(room)

    async def publish_messages(
        self, items: Sequence[Publication], retention: Retention
    ) -> list[PublishResult | BackendUnavailable]:
        return [self._publish(item, retention) for item in items]

    def _publish(self, item: Publication, retention: Retention) -> PublishResult:
        """One message's atomic step (nothing else runs on the loop meanwhile)."""
        now = self._clock()
        if item.idempotency_key is not None:
            prior = self._idempotency.get(item.idempotency_key)
            if prior is not None and prior[1] > now:
                return PublishResult(prior[0], duplicate=True)
        log = self._log(item.room, now)
        ms = int(now * 1000)
        key = (ms, 0) if ms > log.last_key[0] else (log.last_key[0], log.last_key[1] + 1)
        log.last_key = key
        message_id = f"{key[0]}-{key[1]}"
        log.entries.append(_Entry(message_id, key, item.body, item.author_key))
        log.expires_at = now + retention.ttl_seconds
        self._trim(log, retention, now)
        self._expire_logs(now)
        if item.idempotency_key is not None:
            self._remember(item.idempotency_key, message_id, now + retention.ttl_seconds, now)
        if self._listener is not None and item.room in self._subscribed:
            self._listener.on_message(item.room, message_id, message_frame(item.room, message_id, item.body))
        return PublishResult(message_id, duplicate=False)

    async def history(self, room: str, since: str | None, retention: Retention) -> HistoryPage:
        self._expire_logs(self._clock())
        log = self._logs.get(room)
        if log is None:
            return HistoryPage([], recovered=since is None)
        self._trim(log, retention, self._clock())
        if since is None:
            entries = log.entries
            recovered = True
        else:
            since_key = message_id_key(since)
            entries = [entry for entry in log.entries if entry.key > since_key]
            recovered = since_key >= log.watermark
        return HistoryPage(
            [StoredMessage(e.message_id, message_frame(room, e.message_id, e.body), e.author_key) for e in entries],
            recovered,
        )

    async def delete_messages(self, room: str, message_id: str | None, author_key: str | None) -> list[str]:
        log = self._logs.get(room)
        if log is None:
            return []
        doomed = [e for e in log.entries if e.message_id == message_id or (author_key and e.author_key == author_key)]
        log.entries = [e for e in log.entries if e not in doomed]
        return [e.message_id for e in doomed]

    async def publish_control(self, payload: dict[str, Any]) -> None:
        if self._listener is not None:
            self._listener.on_control(payload)

    async def publish_event(self, room: str, frame: str) -> None:
        if self._listener is not None and room in self._subscribed:
            self._listener.on_event(room, frame)

    async def set_presence(self, room: str, hub_id: str, count: int, ttl_seconds: float) -> int:
        now = self._clock()
        hubs = self._presence.setdefault(room, {})
        if count > 0:
            hubs[hub_id] = (count, now + ttl_seconds)
        else:
            hubs.pop(hub_id, None)
        total = self._live_total(room, now)
        if self._announced_totals.get(room) != total:
            self._announced_totals[room] = total
            await self.publish_event(room, presence_frame(room, total))
        return total

    async def presence_counts(self, rooms: Iterable[str]) -> dict[str, int]:
        now = self._clock()
        return {room: self._live_total(room, now) for room in rooms}

    async def reserve_handle(self, handle: str, session_id: str, ttl_seconds: int) -> bool:
        now = self._clock()
        holder = self._handles.get(handle.casefold())
        if holder is not None and holder[1] > now and holder[0] != session_id:
            return False
        self._handles[handle.casefold()] = (session_id, now + ttl_seconds)
        return True

    async def shared_secret(self, candidate: bytes) -> bytes:
        if self._secret is None:
            self._secret = candidate
        return self._secret

    def _log(self, room: str, now: float) -> _RoomLog:
        log = self._logs.get(room)
        if log is None:
            log = self._logs[room] = _RoomLog(watermark=(int(now * 1000), 0))
        return log

    def _expire_logs(self, now: float) -> None:
        """Drop every room whose last message is older than the retention, read or not (at most once
        a minute, so it costs nothing per message)."""
        if now < self._next_log_sweep:
            return
        self._next_log_sweep = now + _LOG_SWEEP_SECONDS
        for room in [room for room, log in self._logs.items() if log.expires_at <= now]:
            del self._logs[room]

    def _trim(self, log: _RoomLog, retention: Retention, now: float) -> None:
        min_key = (int((now - retention.ttl_seconds) * 1000), 0)
        drop = max(len(log.entries) - retention.limit, 0)
        while drop < len(log.entries) and log.entries[drop].key < min_key:
            drop += 1
        if drop:
            log.watermark = max(log.watermark, log.entries[drop - 1].key)
            del log.entries[:drop]

    def _remember(self, idempotency_key: str, message_id: str, expires: float, now: float) -> None:
        self._idempotency[idempotency_key] = (message_id, expires)
        # Expired keys are swept when the table doubles, so the sweep costs O(1) per publish on average.
        if len(self._idempotency) >= self._sweep_at:
            self._idempotency = {k: v for k, v in self._idempotency.items() if v[1] > now}
            self._sweep_at = max(1024, 2 * len(self._idempotency))

    def _live_total(self, room: str, now: float) -> int:
        hubs = self._presence.get(room, {})
        for hub_id in [h for h, (_, deadline) in hubs.items() if deadline <= now]:
            del hubs[hub_id]
        return sum(count for count, _ in hubs.values())
