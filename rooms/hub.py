"""Local fan-out: which of this process's connections are in which room.

The hub keeps one bus subscription per room that has local members, receives each published message
once, and pushes the same frame text to every local member's outbox. Joining stitches history and
live delivery together so a member sees every message exactly once, in order:

1. the member is registered in "catching up" mode (live messages for it are buffered),
2. the room's channel is subscribed (the backend returns once delivery is active),
3. history after `since` is read,
4. the `joined` frame with that history is queued, then the buffered live messages newer than the
   last one in history, and the member switches to live delivery.

Ids are monotonic per room, so "newer than the last id this member got" removes every duplicate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from app.protocol import message_id_key
from app.tasks import BackgroundTasks
from rooms.backend import Backend, HistoryPage, Retention
from rooms.fanout import Outbox

log = logging.getLogger("peerchat.hub")

_NO_MESSAGE = (0, 0)


@dataclass(eq=False, slots=True)
class Member:
    """One connection as the hub sees it: where its frames go."""

    outbox: Outbox


@dataclass(slots=True)
class _Membership:
    last_key: tuple[int, int] = _NO_MESSAGE
    # Live messages that arrived while the member's history was being read; None once live.
    pending: list[tuple[tuple[int, int], str]] | None = field(default_factory=list)


@dataclass(eq=False, slots=True)
class _LocalRoom:
    name: str
    retention: Retention
    members: dict[Member, _Membership] = field(default_factory=dict)
    subscription: asyncio.Future[None] | None = None
    total_members: int = 0
    last_key: tuple[int, int] = _NO_MESSAGE
    # While the hub re-reads history after a bus reconnect, live messages wait here (then None).
    resync_buffer: list[tuple[str, str]] | None = None


@dataclass(slots=True)
class _PresenceSync:
    requested: int = 0
    completed: int = 0
    total: int = 0
    runner: asyncio.Future[None] | None = None


@dataclass(frozen=True, slots=True)
class JoinResult:
    """What a join delivered: the member count after joining and the history page."""

    count: int
    history: HistoryPage


class Hub:
    """Rooms with local members, fed by the backend's bus. Implements `rooms.backend.BusListener`."""

    def __init__(self, backend: Backend, hub_id: str, presence_ttl_seconds: float) -> None:
        self._backend = backend
        self._hub_id = hub_id
        self._presence_ttl = presence_ttl_seconds
        self._rooms: dict[str, _LocalRoom] = {}
        self._tasks = BackgroundTasks()
        self._presence: dict[str, _PresenceSync] = {}
        # Set by the app: acts on hub-to-hub commands (sanctions, decisions, queue changes).
        self.control_handler: Callable[[dict[str, Any]], None] | None = None

    # -- membership -------------------------------------------------------------------------------

    def is_member(self, member: Member, room: str) -> bool:
        """True when `member` has joined `room` on this hub."""
        local = self._rooms.get(room)
        return local is not None and member in local.members

    def total_members(self, room: str) -> int:
        """The last known member count of `room` over all hubs (0 if this hub has no members there)."""
        local = self._rooms.get(room)
        return local.total_members if local is not None else 0

    async def join(self, member: Member, room: str, since: str | None, retention: Retention) -> JoinResult:
        """Add `member` to `room` and queue its `joined` frame and catch-up; see the module docstring."""
        local = self._rooms.get(room)
        if local is None:
            local = self._rooms[room] = _LocalRoom(room, retention)
        membership = _Membership(last_key=message_id_key(since) if since else _NO_MESSAGE)
        local.members[member] = membership
        try:
            if local.subscription is None:
                local.subscription = asyncio.ensure_future(self._backend.subscribe(room))
            await asyncio.shield(local.subscription)
            count = await self._sync_presence(room)
            page = await self._backend.history(room, since, retention)
        except BaseException:
            await self.leave(member, room)
            raise
        if local.members.get(member) is not membership:
            raise asyncio.CancelledError("left while joining")
        frames = [message.frame for message in page.messages]
        if page.messages:
            membership.last_key = max(membership.last_key, message_id_key(page.messages[-1].message_id))
        member.outbox.push(
            '{"type":"joined","room":"'
            + room
            + '","count":'
            + str(count)
            + ',"recovered":'
            + ("true" if page.recovered else "false")
            + ',"history":['
            + ",".join(frames)
            + "]}"
        )
        for key, frame in membership.pending or ():
            if key > membership.last_key:
                membership.last_key = key
                member.outbox.push(frame)
        membership.pending = None
        return JoinResult(count, page)

    async def leave(self, member: Member, room: str) -> None:
        """Remove `member` from `room`; the last local member's leave ends the subscription."""
        local = self._rooms.get(room)
        if local is None or local.members.pop(member, None) is None:
            return
        if not local.members:
            del self._rooms[room]
            if local.subscription is not None:
                local.subscription.cancel()
            self._tasks.spawn(self._backend.unsubscribe(room), "unsubscribe")
        self._tasks.spawn(self._sync_presence(room), "presence")

    async def leave_all(self, member: Member) -> None:
        """Remove `member` from every room it is in (its connection ended)."""
        for room in [name for name, local in self._rooms.items() if member in local.members]:
            await self.leave(member, room)

    # -- bus listener -------------------------------------------------------------------------------

    def on_message(self, room: str, message_id: str, frame: str) -> None:
        """Deliver one published message to every local member of its room, at most once each."""
        local = self._rooms.get(room)
        if local is None:
            return
        if local.resync_buffer is not None:
            local.resync_buffer.append((message_id, frame))
            return
        key = message_id_key(message_id)
        if key > local.last_key:
            local.last_key = key
        for member, membership in local.members.items():
            if membership.pending is not None:
                membership.pending.append((key, frame))
            elif key > membership.last_key:
                membership.last_key = key
                member.outbox.push(frame)

    def on_event(self, room: str, frame: str) -> None:
        """Deliver an ephemeral room event to the room's live members."""
        local = self._rooms.get(room)
        if local is None:
            return
        if frame.startswith('{"type":"presence"'):
            local.total_members = int(orjson.loads(frame)["count"])
        for member, membership in local.members.items():
            if membership.pending is None:
                member.outbox.push(frame)

    def on_control(self, payload: dict[str, Any]) -> None:
        """Hand a hub-to-hub command to the app's handler."""
        if self.control_handler is not None:
            self.control_handler(payload)

    def on_resubscribed(self, room: str) -> None:
        """The bus reconnected: re-read what may have been missed, holding live messages meanwhile."""
        local = self._rooms.get(room)
        if local is None or local.resync_buffer is not None:
            return
        local.resync_buffer = []
        self._tasks.spawn(self._resync(local), "resync")

    async def _resync(self, local: _LocalRoom) -> None:
        since = f"{local.last_key[0]}-{local.last_key[1]}" if local.last_key != _NO_MESSAGE else None
        buffered: list[tuple[str, str]] = []
        try:
            page = await self._backend.history(local.name, since, local.retention)
        finally:
            buffered, local.resync_buffer = local.resync_buffer or [], None
        for message in page.messages:
            self.on_message(local.name, message.message_id, message.frame)
        for message_id, frame in buffered:
            self.on_message(local.name, message_id, frame)
        log.info("room %s resynchronised after bus reconnect: %d from history", local.name, len(page.messages))

    # -- presence -----------------------------------------------------------------------------------

    async def _sync_presence(self, room: str) -> int:
        """Store this hub's member count of `room` and return the total over all hubs.

        One update at a time per room, each sending the count current when it starts, so a stored
        count is never overtaken by an older one. Callers that arrive while an update is under way
        share the next one: a thousand joins after a hub restart cost a few round trips, not a
        thousand queued ones. Every caller's answer reflects its own change.
        """
        state = self._presence.get(room)
        if state is None:
            state = self._presence[room] = _PresenceSync()
        state.requested += 1
        wanted = state.requested
        if state.runner is None:
            state.runner = asyncio.ensure_future(self._run_presence(room, state))
        while state.completed < wanted:
            await asyncio.shield(state.runner)  # raises the runner's error, if it failed
        return state.total

    async def _run_presence(self, room: str, state: _PresenceSync) -> None:
        try:
            while state.completed < state.requested:
                round_of = state.requested
                local = self._rooms.get(room)
                count = len(local.members) if local is not None else 0
                total = await self._backend.set_presence(room, self._hub_id, count, self._presence_ttl)
                state.total, state.completed = total, round_of
                if local is not None:
                    local.total_members = total
        except Exception:
            state.completed = state.requested  # the waiters get this error (not a hang); later calls retry
            raise
        finally:
            state.runner = None

    async def refresh_presence(self) -> None:
        """Renew this hub's member counts before they expire (called periodically)."""
        for room in list(self._rooms):
            await self._sync_presence(room)

    # -- lifecycle ----------------------------------------------------------------------------------

    async def close(self) -> None:
        """Cancel and await every background step the hub started."""
        await self._tasks.close()
