"""The backend interface: the bus between hub processes, room history, presence and shared session state.

Two implementations honour the same contract (tests/test_backend_contract.py runs against both):
`memory://` for a single process and `redis://` for many hubs sharing one Redis.

Guarantees every backend gives:
- Publishing a message is ONE atomic step per room: the message is appended to the room's history
  (which assigns its id, monotonic per room) and announced on the room's channel with that id. So
  every hub sees a room's messages in history order, and history plus live delivery can be stitched
  together without a gap: subscribe first, read history, then drop live messages already seen.
- A publish with an idempotency key that was already used returns the first result, `duplicate=True`,
  and announces nothing.
- A batch (`publish_messages`) is published in list order: within each room, the batch's order is the
  order in history and on the channel. Each message is still its own atomic step (not a transaction):
  messages of other publishers may land between them, and one may fail while the others succeed.
- `subscribe(room)` returns only once delivery of that room's channel to this process is active.
- After the bus connection was lost and restored, `BusListener.on_resubscribed(room)` is called for
  each subscribed room: messages published meanwhile were missed live and must be read from history.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class BusListener(Protocol):
    """Receives what the bus delivers to this process (called on the event loop, must not block)."""

    def on_message(self, room: str, message_id: str, frame: str) -> None:
        """A published message of a subscribed room, as its complete JSON frame."""

    def on_event(self, room: str, frame: str) -> None:
        """An ephemeral room event (presence, ...) as its complete JSON frame; not kept in history."""

    def on_resubscribed(self, room: str) -> None:
        """The bus reconnected: live messages of `room` may have been missed."""

    def on_control(self, payload: dict[str, Any]) -> None:
        """A hub-to-hub command (moderation decisions, sanctions, queue changes). After the bus
        reconnects, `{"k": "resync"}` says control messages may have been missed."""


@dataclass(frozen=True, slots=True)
class Retention:
    """How much history a room keeps: the last `limit` messages, none older than `ttl_seconds`."""

    limit: int
    ttl_seconds: int


@dataclass(frozen=True, slots=True)
class PublishResult:
    """Where a message landed: its id, and whether it was a repeat of an earlier publish."""

    message_id: str
    duplicate: bool


@dataclass(frozen=True, slots=True)
class Publication:
    """One message to publish: its room, body (see `app.protocol.message_body`), author and
    idempotency key (None: every publish is a new message)."""

    room: str
    body: str
    author_key: str
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One message of a room's history, as its complete `message` frame, and who wrote it."""

    message_id: str
    frame: str
    author_key: str = ""


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """The messages after `since` (or the whole retained history) and whether the gap was filled.

    `recovered` is False when messages after `since` are no longer retained (trimmed by count or age,
    or the history was lost), so the client knows it missed something it cannot get back.
    """

    messages: list[StoredMessage]
    recovered: bool


class BackendUnavailable(Exception):
    """The shared backend cannot be reached; the operation did not happen."""


class Backend(ABC):
    """Bus, history, presence and shared state for hub processes. See the module docstring."""

    @abstractmethod
    async def start(self, listener: BusListener) -> None:
        """Connect and begin delivering subscribed rooms' traffic to `listener`."""

    @abstractmethod
    async def close(self) -> None:
        """Stop delivery and release connections."""

    @abstractmethod
    async def ping(self) -> bool:
        """True when the backend answers."""

    @abstractmethod
    async def subscribe(self, room: str) -> None:
        """Start delivering `room`'s channel to this process; returns once delivery is active."""

    @abstractmethod
    async def unsubscribe(self, room: str) -> None:
        """Stop delivering `room`'s channel to this process."""

    @abstractmethod
    async def publish_messages(
        self, items: Sequence[Publication], retention: Retention
    ) -> list[PublishResult | BackendUnavailable]:
        """Publish several messages in one step of I/O (one Redis round trip): each is appended to
        history and announced atomically, in list order, so within a room the batch's order is the
        history order. Result `i` is message `i`'s own: its id and duplicate flag, or the error in its
        place (retrying with the same idempotency key is safe). Never raises BackendUnavailable."""

    async def publish_message(
        self, room: str, body: str, author_key: str, idempotency_key: str | None, retention: Retention
    ) -> PublishResult:
        """Append one message to history and announce it, atomically; raises BackendUnavailable."""
        (result,) = await self.publish_messages([Publication(room, body, author_key, idempotency_key)], retention)
        if isinstance(result, BackendUnavailable):
            raise result
        return result

    @abstractmethod
    async def history(self, room: str, since: str | None, retention: Retention) -> HistoryPage:
        """Retained messages after `since` (exclusive), oldest first; all retained ones without `since`."""

    @abstractmethod
    async def publish_event(self, room: str, frame: str) -> None:
        """Announce an ephemeral frame to every hub with members in `room`."""

    @abstractmethod
    async def delete_messages(self, room: str, message_id: str | None, author_key: str | None) -> list[str]:
        """Remove from history the message `message_id`, or every message by `author_key`; returns
        the ids removed. Removal does not make a later `since` unrecoverable."""

    @abstractmethod
    async def publish_control(self, payload: dict[str, Any]) -> None:
        """Send a hub-to-hub command to every hub, this one included."""

    @abstractmethod
    async def set_presence(self, room: str, hub_id: str, count: int, ttl_seconds: float) -> int:
        """Record this hub's member count for `room` (valid for `ttl_seconds`) and return the total
        over all live hubs; announces a `presence` event with the new total."""

    @abstractmethod
    async def presence_counts(self, rooms: Iterable[str]) -> dict[str, int]:
        """Total members per room over all live hubs."""

    @abstractmethod
    async def reserve_handle(self, handle: str, session_id: str, ttl_seconds: int) -> bool:
        """Claim `handle` for `session_id` (or renew the session's own claim); False if another has it."""

    @abstractmethod
    async def shared_secret(self, candidate: bytes) -> bytes:
        """The signing key all hubs use: `candidate` if none was set yet, else the one already set."""


def presence_frame(room: str, count: int) -> str:
    """The `presence` event frame (room names need no JSON escaping)."""
    return '{"type":"presence","room":"' + room + '","count":' + str(count) + "}"
