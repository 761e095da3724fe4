"""One websocket connection: reads client frames, acts on them, writes server frames through its outbox.

Data path of a message: socket -> parse (app.protocol, pure) -> moderate (moderation, pure) ->
publish (one atomic backend step) -> fan-out (rooms.hub, the same text to every member's outbox).

A `send` is handled in two halves. Admission (checks, rate limit, moderation) runs in the read loop
in arrival order. Its effects (publish, ack, moderation outcome, moderator item) are carried out by
one task per connection, in admission order, for everything admitted so far at once: the batch's
messages are published in one backend round trip. The reader goes on reading meanwhile, but waits
for earlier sends to take effect before any other frame, so frames still take effect in order.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections import deque
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from app.handles import random_handle
from app.protocol import (
    CloseCode,
    ErrorCode,
    Forget,
    Hello,
    Join,
    Leave,
    Ping,
    ProtocolError,
    Report,
    Send,
    check_text,
    encode,
    message_body,
    message_id_key,
    parse_client_frame,
)
from app.ratelimit import TokenBucket
from app.review import now_ms
from app.send_queue import SendQueue
from app.services import Services
from app.transport import SCOPE_KEY as TRANSPORT_SCOPE_KEY
from app.sessions import InvalidToken, Session, new_session_id
from moderation.queue import PRIORITY_CRISIS, PRIORITY_FLAG, PRIORITY_HELD, PRIORITY_REPORT, ItemKind, NewItem
from moderation.sanctions import Sanctions
from moderation.verdict import Action, ModerationContext, RecentMessage, Verdict
from rooms.backend import BackendUnavailable, Publication, PublishResult, StoredMessage
from rooms.fanout import Outbox
from rooms.hub import Member

log = logging.getLogger("peerchat.connection")

_RECENT_PER_ROOM = 10
_CONTEXT_BEFORE = 10
_CONTEXT_AUTHOR = 5
# Sends admitted and not yet carried out, at most; then the reader stops reading until one is done.
_MAX_SENDS_AHEAD = 64
# How long a closing connection gives its admitted sends to take effect (their acks go out first).
_FINISH_SENDS_SECONDS = 5.0


@dataclass(eq=False, slots=True)
class _Admitted:
    """A `send` that passed the checks and was judged: what its effects need."""

    frame: Send
    session: Session
    original: str  # the text as written (moderators see this; the room sees `verdict.text`)
    verdict: Verdict


# What the send queue carries: an admitted send, or a ready reply frame that must not overtake the
# replies to earlier sends.
_Pending = _Admitted | str


class Connection:
    """The state of one connected client and the handling of its frames."""

    def __init__(self, websocket: WebSocket, services: Services) -> None:
        self._ws = websocket
        self._services = services
        self._settings = services.settings
        self._dropped: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self.member = Member(
            Outbox(
                self._settings.outbox_max_bytes,
                self._on_overflow,
                websocket.scope.get(TRANSPORT_SCOPE_KEY),
                services.flusher,
            )
        )
        self.session: Session | None = None
        self.author_key: str | None = None
        self.sanctions = Sanctions()
        self._locale = "en"
        self._rooms: set[str] = set()
        self._bucket = TokenBucket(self._settings.rate_burst, self._settings.rate_per_second, time.monotonic())
        self._recent: dict[str, deque[tuple[str, float]]] = {}
        self._sent_count = 0
        self._sends: SendQueue[_Pending] = SendQueue(_MAX_SENDS_AHEAD, self._carry_out, self._on_send_failure)

    # -- lifecycle ----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Serve the connection until the client leaves, stalls or breaks the protocol."""
        reader = asyncio.create_task(self._read_loop())
        # A direct outbox is written by the process's flusher; otherwise a writer task sends.
        writer = None if self.member.outbox.direct else asyncio.create_task(self._write_loop())
        running = {reader} if writer is None else {reader, writer}
        close_code: int | None = None
        try:
            await asyncio.wait({*running, self._dropped}, return_when=asyncio.FIRST_COMPLETED)
            if self._dropped.done():
                close_code = self._dropped.result()
            elif reader.done() and not reader.cancelled() and reader.exception() is None:
                close_code = reader.result()
            reader.cancel()  # read nothing more
            # Admitted sends get a bounded time to take effect: what was admitted is not dropped
            # silently, and an ack is still only sent once its message is published.
            await self._sends.finish(_FINISH_SENDS_SECONDS)
            if close_code is not None and close_code != CloseCode.SLOW_CONSUMER:
                # Let what was queued (a final error or notice) go out before the close frame.
                self.member.outbox.close_when_drained()
                if writer is not None:
                    await asyncio.wait({writer}, timeout=2.0)
        finally:
            self.member.outbox.close()
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            await self._sends.finish(0)
            if self.author_key is not None:
                self._services.registry.remove(self.author_key, self)
            await self._services.hub.leave_all(self.member)
        if close_code is not None:
            try:
                # A stalled client may never read the close frame; do not wait on it for long.
                await asyncio.wait_for(self._ws.close(close_code), timeout=2.0)
            except (RuntimeError, OSError, asyncio.TimeoutError, WebSocketDisconnect):
                pass

    def drop(self, code: int) -> None:
        """End the connection from outside (slow consumer, shutdown, ban)."""
        if not self._dropped.done():
            self._dropped.set_result(code)

    def deliver(self, frame: str) -> None:
        """Queue a frame for this connection (used by hub-to-hub commands)."""
        self.member.outbox.push(frame)

    def _on_send_failure(self, exc: Exception) -> None:
        # The send queue's handler raised although it answers each message's failure itself: a bug.
        _log_failure("carrying out sends failed", exc)
        self.drop(CloseCode.INTERNAL_ERROR)

    def _on_overflow(self) -> None:
        # Called from inside the hub's fan-out loop: only flag it; `run` does the rest.
        self.drop(CloseCode.SLOW_CONSUMER)

    def _push(self, frame: dict[str, object]) -> None:
        self.member.outbox.push(encode(frame))

    async def _write_loop(self) -> None:
        outbox = self.member.outbox
        while (batch := await outbox.next_batch()) is not None:
            await self._ws.send_text(batch)

    async def _read_loop(self) -> int | None:
        """Returns a close code when the server ends the connection, None when the client did."""
        while True:
            await self._sends.room()  # a client that sends faster than its sends take effect waits here
            try:
                if self.session is None:
                    message = await asyncio.wait_for(self._ws.receive(), self._settings.hello_timeout_seconds)
                else:
                    message = await self._ws.receive()
            except asyncio.TimeoutError:
                return CloseCode.POLICY_VIOLATION
            if message["type"] == "websocket.disconnect":
                return None
            raw = message.get("text")
            if raw is None:
                raw = message.get("bytes") or b""
            if len(raw) > self._settings.max_frame_bytes:
                return CloseCode.MESSAGE_TOO_BIG
            try:
                await self._handle(parse_client_frame(raw))
            except ProtocolError as error:
                self._reply(error.to_frame())
            except BackendUnavailable:
                self._reply(_unavailable_error())
            except Exception as exc:  # a bug must cost one frame, not the connection or the process
                _log_failure("frame handling failed", exc)
                self._reply(_internal_error())

    def _reply(self, frame: str) -> None:
        """Answer a frame: after the replies to earlier sends still being carried out, so a client gets
        its replies in the order of its frames."""
        if self._sends.undone:
            self._sends.put(frame)
        else:
            self.member.outbox.push(frame)

    # -- frames -------------------------------------------------------------------------------------

    async def _handle(self, frame: Hello | Join | Leave | Send | Report | Forget | Ping) -> None:
        if isinstance(frame, Ping):
            self._reply(encode({"type": "pong"}))
            return
        if isinstance(frame, Send):
            self._sends.put(self._admit(frame, self._session()))
            return
        # Earlier sends take effect first: a `send` then `leave` is published before the leave.
        await self._sends.drained()
        if isinstance(frame, Hello):
            await self._hello(frame)
            return
        session = self._session()
        if isinstance(frame, Join):
            await self._join(frame)
        elif isinstance(frame, Leave):
            await self._leave(frame)
        elif isinstance(frame, Report):
            await self._report(frame, session)
        elif isinstance(frame, Forget):
            await self._forget(session)

    def _session(self) -> Session:
        """The connection's session; frames other than `hello` and `ping` need one."""
        if self.session is None:
            raise ProtocolError(ErrorCode.HELLO_REQUIRED, "Send a 'hello' frame first.")
        return self.session

    async def _hello(self, frame: Hello) -> None:
        if self.session is not None:
            raise ProtocolError(ErrorCode.ALREADY_HELLO, "This connection already has a session.")
        now = time.time()
        signer, backend, ttl = self._services.signer, self._services.backend, self._settings.token_ttl_seconds
        session: Session | None = None
        if frame.resume_token is not None:
            try:
                session = signer.verify(frame.resume_token, now)
            except InvalidToken:
                raise ProtocolError(
                    ErrorCode.INVALID_RESUME_TOKEN,
                    "The resume token is invalid or expired; send 'hello' without it for a new session.",
                ) from None
            sanctions = await self._services.review.sanctions.get(session.author_key)
            if sanctions.forgotten:
                raise ProtocolError(
                    ErrorCode.INVALID_RESUME_TOKEN, "This session was ended; send 'hello' without a token to start anew."
                )
            if sanctions.banned(now_ms()):
                raise ProtocolError(ErrorCode.BANNED, "This session has been banned by the moderators.")
            self.sanctions = sanctions
            if not await backend.reserve_handle(session.handle, session.id, ttl):
                # The handle was given to someone else after this session's claim lapsed.
                session = Session(session.id, await self._new_handle(session.id), session.started_at)
        if session is None:
            session_id = new_session_id()
            session = Session(session_id, await self._new_handle(session_id), now)
        self.session = session
        self.author_key = session.author_key
        self._services.registry.add(session.author_key, self)
        self._locale = (frame.locale or "en").replace("_", "-")
        self._push({"type": "welcome", "handle": session.handle, "resume_token": signer.issue(session, now)})

    async def _new_handle(self, session_id: str) -> str:
        for _ in range(20):
            handle = random_handle()
            if await self._services.backend.reserve_handle(handle, session_id, self._settings.token_ttl_seconds):
                return handle
        raise ProtocolError(ErrorCode.UNAVAILABLE, "No free handle could be found; please try again.", retry_after=1.0)

    async def _join(self, frame: Join) -> None:
        room = self._services.catalog.get(frame.room)
        if room is None:
            raise ProtocolError(ErrorCode.UNKNOWN_ROOM, f"There is no room called {frame.room!r}.", frame.room)
        if frame.room in self._rooms:
            raise ProtocolError(ErrorCode.ALREADY_JOINED, "You are already in this room.", frame.room)
        if self._services.hub.total_members(frame.room) >= room.max_members:
            raise ProtocolError(ErrorCode.ROOM_FULL, "This room is full right now; please try again later.", frame.room)
        self._rooms.add(frame.room)
        try:
            await self._services.hub.join(self.member, frame.room, frame.since, self._services.retention)
        except BaseException:
            self._rooms.discard(frame.room)
            raise

    async def _leave(self, frame: Leave) -> None:
        if frame.room not in self._rooms:
            raise ProtocolError(ErrorCode.NOT_JOINED, "You are not in this room.", frame.room)
        await self.leave_room(frame.room)
        self._push({"type": "left", "room": frame.room})

    async def kick(self, room: str) -> None:
        """A moderator removed this session from `room`."""
        if room in self._rooms:
            await self.leave_room(room)
            self._push({"type": "kicked", "room": room, "message": "A moderator removed you from this room."})

    async def leave_room(self, room: str) -> None:
        """Leave a room (the member asked, or a moderator removed them)."""
        self._rooms.discard(room)
        await self._services.hub.leave(self.member, room)

    def _admit(self, frame: Send, session: Session) -> _Admitted:
        """Check and judge a `send` in arrival order; its effects come later (`_carry_out`)."""
        room = self._services.catalog.get(frame.room)
        if room is None:
            raise ProtocolError(ErrorCode.UNKNOWN_ROOM, f"There is no room called {frame.room!r}.", frame.client_id)
        if frame.room not in self._rooms:
            raise ProtocolError(ErrorCode.NOT_JOINED, "Join the room before sending to it.", frame.client_id)
        text = check_text(frame.text, room.max_text_chars, frame.client_id)
        muted_until = self.sanctions.muted_until(frame.room, now_ms())
        if muted_until is not None:
            raise ProtocolError(
                ErrorCode.MUTED,
                "A moderator has muted you here for now; you can read along and write again later.",
                frame.client_id,
                (muted_until - now_ms()) / 1000,
            )
        now = time.monotonic()
        retry_after = self._bucket.take(now)
        if retry_after is not None:
            raise ProtocolError(
                ErrorCode.RATE_LIMITED,
                "You are sending messages too quickly; please wait a moment.",
                frame.client_id,
                retry_after,
            )
        recent = self._recent.setdefault(frame.room, deque(maxlen=_RECENT_PER_ROOM))
        context = ModerationContext(
            room=frame.room,
            policy=self._services.policies[frame.room],
            locale=self._locale,
            session_age_seconds=max(time.time() - session.started_at, 0.0),
            session_message_count=self._sent_count,
            recent=tuple(RecentMessage(t, now - at) for t, at in recent),
        )
        verdict = self._services.pipeline.judge(text, context)
        recent.append((text, now))
        self._sent_count += 1
        return _Admitted(frame, session, text, verdict)

    # -- effects of admitted sends (the send queue's one task) ---------------------------------------

    async def _carry_out(self, batch: list[_Pending]) -> None:
        """Carry out a batch in admission order; its messages are published first, in one backend call."""
        admitted = [item for item in batch if isinstance(item, _Admitted)]
        published = await self._publish_all([item for item in admitted if item.verdict.publish])
        cutoffs = _context_cutoffs(admitted, published)
        for item in batch:
            if isinstance(item, str):
                self.member.outbox.push(item)
            else:
                await self._settle(item, published.get(item), cutoffs.get(item))

    async def _publish_all(self, items: list[_Admitted]) -> dict[_Admitted, PublishResult | Exception]:
        """Publish the messages in one backend call; each gets its own result, or its own error."""
        if not items:
            return {}
        publications = [
            Publication(
                item.frame.room,
                message_body(item.session.handle, item.verdict.text),
                item.session.author_key,
                f"{item.session.author_key}:{item.frame.client_id}",
            )
            for item in items
        ]
        try:
            results = await self._services.backend.publish_messages(publications, self._services.retention)
            return dict(zip(items, results, strict=True))
        except Exception as exc:  # a bug costs these messages an error frame each, not the connection
            _log_failure("publishing a batch failed", exc)
            return dict.fromkeys(items, exc)

    async def _settle(self, item: _Admitted, published: PublishResult | Exception | None, cutoff: str | None) -> None:
        """One message's effects after its publish; a failure costs this message an error frame only."""
        ref = item.frame.client_id
        if isinstance(published, BackendUnavailable):
            self.member.outbox.push(_unavailable_error(ref))
            return
        if isinstance(published, Exception):
            self.member.outbox.push(_internal_error(ref))  # logged where it was caught
            return
        try:
            await self._apply(item, published, cutoff)
        except BackendUnavailable:
            self.member.outbox.push(_unavailable_error(ref))
        except Exception as exc:
            _log_failure("carrying out a send failed", exc)
            self.member.outbox.push(_internal_error(ref))

    async def _apply(self, item: _Admitted, published: PublishResult | None, cutoff: str | None) -> None:
        """Carry out a moderation verdict once its message is published (or withheld): tell the author,
        ask for a human. `cutoff`: the first message id not "before" this one, for the moderators' context."""
        verdict, frame, session = item.verdict, item.frame, item.session
        message_id: str | None = None
        reasons = list(verdict.reasons)
        if published is not None:
            message_id = published.message_id
            self._push({"type": "ack", "client_id": frame.client_id, "id": message_id, "room": frame.room})
            if verdict.action == Action.REDACT:
                self._push({"type": "redacted", "room": frame.room, "client_id": frame.client_id, "id": message_id,
                            "reasons": reasons, "message": verdict.author_message})
            if published.duplicate:
                return  # a retry: everything else already happened the first time
        elif verdict.action == Action.BLOCK:
            self._push({"type": "blocked", "room": frame.room, "client_id": frame.client_id, "reasons": reasons,
                        "message": verdict.author_message})
        else:
            self._push({"type": "held", "room": frame.room, "client_id": frame.client_id, "reasons": reasons,
                        "message": verdict.author_message})
        if verdict.crisis:
            notice = self._services.pipeline.resources_for(self._locale).to_json()
            self._push({"type": "crisis", "room": frame.room, "closing": notice["emergency"], **notice})
        if verdict.notify_moderators:
            if verdict.crisis:
                kind, priority = ItemKind.ESCALATION, max(verdict.priority, PRIORITY_CRISIS)
            elif not verdict.publish and verdict.action != Action.BLOCK:
                kind, priority = ItemKind.HELD, verdict.priority or PRIORITY_HELD
            else:
                kind, priority = ItemKind.FLAG, verdict.priority or PRIORITY_FLAG
            before, by_author = await self._context(frame.room, cutoff, session.author_key)
            await self._services.review.submit(
                NewItem(
                    kind=kind,
                    priority=priority,
                    room=frame.room,
                    # Moderators see what the person wrote; the room saw `verdict.text`.
                    text=item.original if not verdict.publish else verdict.text,
                    author_handle=session.handle,
                    author_key=session.author_key,
                    dedupe_key=f"message:{session.author_key}:{frame.client_id}",
                    message_id=message_id,
                    client_id=frame.client_id if message_id is None else None,
                    categories=tuple(c.value for c in verdict.categories),
                    reasons=tuple(reasons),
                    locale=self._locale,
                    context_before=before,
                    author_recent=by_author,
                )
            )

    async def _context(
        self, room: str, cutoff: str | None, author_key: str
    ) -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
        """The room's messages before `cutoff` (all without it), and the author's recent ones there."""
        page = await self._services.backend.history(room, None, self._services.retention)
        stored = page.messages
        if cutoff is not None:
            limit = message_id_key(cutoff)
            stored = [m for m in stored if message_id_key(m.message_id) < limit]
        return _context_of(stored, author_key)

    async def _report(self, frame: Report, session: Session) -> None:
        if frame.room not in self._rooms:
            raise ProtocolError(ErrorCode.NOT_JOINED, "Join the room before reporting in it.", frame.message_id)
        page = await self._services.backend.history(frame.room, None, self._services.retention)
        position = next((i for i, m in enumerate(page.messages) if m.message_id == frame.message_id), None)
        if position is None:
            raise ProtocolError(ErrorCode.UNKNOWN_MESSAGE, "That message is no longer available.", frame.message_id)
        reported = page.messages[position]
        message = orjson.loads(reported.frame)
        before, by_author = _context_of(page.messages[:position], reported.author_key)
        await self._services.review.submit(
            NewItem(
                kind=ItemKind.REPORT,
                priority=PRIORITY_REPORT,
                room=frame.room,
                text=message["text"],
                author_handle=message["handle"],
                author_key=reported.author_key,
                dedupe_key=f"report:{frame.room}:{frame.message_id}",
                message_id=frame.message_id,
                locale=self._locale,
                context_before=before,
                author_recent=by_author,
                report_reason=frame.reason or None,
            )
        )
        self._push({"type": "reported", "room": frame.room, "message_id": frame.message_id})

    async def _forget(self, session: Session) -> None:
        removed = 0
        for room in self._services.catalog.names:
            removed += len(await self._services.review.delete_messages(room, author_key=session.author_key))
        await self._services.review.sanctions.forget(session.author_key, self._settings.token_ttl_seconds)
        self._push({"type": "forgotten", "removed": removed})
        self.drop(1000)


def _context_cutoffs(
    admitted: list[_Admitted], published: dict[_Admitted, PublishResult | Exception]
) -> dict[_Admitted, str]:
    """For each message, the first id of its room that is not before it: its own id once published;
    for a withheld one, the id of the next message of the batch published in its room (its batch
    was published before it is settled, but those came after it)."""
    cutoffs: dict[_Admitted, str] = {}
    next_in_room: dict[str, str] = {}
    for item in reversed(admitted):
        result = published.get(item)
        if isinstance(result, PublishResult):
            cutoffs[item] = result.message_id
            if not result.duplicate:
                next_in_room[item.frame.room] = result.message_id
        elif item.frame.room in next_in_room:
            cutoffs[item] = next_in_room[item.frame.room]
    return cutoffs


def _unavailable_error(ref: str | None = None) -> str:
    """The `error` frame for something the backend could not do."""
    return ProtocolError(
        ErrorCode.UNAVAILABLE, "The service is briefly unavailable; nothing was done. Please try again.", ref, 1.0
    ).to_frame()


def _internal_error(ref: str | None = None) -> str:
    """The `error` frame for a bug."""
    return ProtocolError(
        ErrorCode.INTERNAL_ERROR, "Something went wrong on our side; nothing was done.", ref
    ).to_frame()


def _log_failure(what: str, exc: BaseException) -> None:
    """Log a bug by its type and stack only: an exception's message could quote what someone wrote."""
    log.error("%s: %s\n%s", what, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))


def _context_of(
    earlier: list[StoredMessage], author_key: str
) -> tuple[tuple[dict[str, Any], ...], tuple[dict[str, Any], ...]]:
    """A queue item's context: the room's last messages before it, and its author's last ones there."""
    by_author = [m for m in earlier if m.author_key == author_key][-_CONTEXT_AUTHOR:]
    return (
        tuple(orjson.loads(m.frame) for m in earlier[-_CONTEXT_BEFORE:]),
        tuple(orjson.loads(m.frame) for m in by_author),
    )
