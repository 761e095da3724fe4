"""The moderation workflow across hubs: items in, claims, decisions and actions out, announced everywhere.

Stores (moderation/queue*.py, audit*.py, sanctions*.py) only store; this service adds the meaning:
who may decide, what a decision does to the room and to the author, the audit entry for it, and the
announcement that lets every hub's moderators and every hub's connections see it within a second.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.protocol import ProtocolError, check_text, encode, message_body
from moderation.audit import AuditLog
from moderation.queue import ClaimResult, ItemKind, ItemState, NewItem, QueueItem, ReviewQueue
from moderation.sanctions import EVERYWHERE, SanctionStore
from rooms.backend import Backend, Retention
from rooms.catalog import Catalog

log = logging.getLogger("peerchat.review")


class Decision(BaseModel):
    """A moderator's decision that closes an item."""

    action: Literal["approve", "reject", "edit_approve", "delete", "dismiss", "handoff"]
    text: str | None = Field(default=None, description="the edited text, for edit_approve")
    reason: str = Field(default="", max_length=500, description="why; shown to the author on reject")
    to: str | None = Field(default=None, max_length=80, description="for handoff: who takes over")


class UserAction(BaseModel):
    """A moderator's action on an item's author; the item stays open until decided."""

    action: Literal["warn", "mute", "kick", "ban"]
    minutes: int | None = Field(default=None, ge=1, le=525_600, description="for mute and ban")
    scope: Literal["room", "everywhere"] = Field(default="room", description="for mute")
    message: str = Field(default="", max_length=500, description="for warn: the notice the author sees")
    reason: str = Field(default="", max_length=500)


@dataclass(frozen=True, slots=True)
class ReviewError(Exception):
    """A moderator request that cannot be carried out, with an HTTP status and a stable code."""

    status: int
    code: str
    message: str
    item: QueueItem | None = None


def now_ms() -> int:
    """Wall-clock milliseconds: the time every hub and store agree on for leases and limits."""
    return int(time.time() * 1000)


class ReviewService:
    """Moderation workflow; one per hub process, sharing state through the stores and the bus."""

    def __init__(
        self,
        queue: ReviewQueue,
        audit: AuditLog,
        sanctions: SanctionStore,
        backend: Backend,
        catalog: Catalog,
        retention: Retention,
        lease_seconds: int,
        crisis_reannounce_seconds: int,
    ) -> None:
        self.queue = queue
        self.audit = audit
        self.sanctions = sanctions
        self._backend = backend
        self._catalog = catalog
        self._retention = retention
        self._lease_ms = lease_seconds * 1000
        self._reannounce_ms = crisis_reannounce_seconds * 1000

    # -- items in -----------------------------------------------------------------------------------

    async def submit(self, new: NewItem) -> QueueItem:
        """Queue an item (or merge a repeat into the active one) and announce it to every moderator."""
        item, created = await self.queue.add(new, now_ms())
        await self._announce("new" if created else "updated", item)
        return item

    async def _announce(self, change: str, item: QueueItem) -> None:
        await self._backend.publish_control({"k": "queue", "change": change, "item": item.to_json()})

    # -- claims -------------------------------------------------------------------------------------

    async def claim(self, item_id: str, moderator: str) -> ClaimResult:
        """Claim or renew; exactly one of concurrent claimers wins."""
        result = await self.queue.claim(item_id, moderator, now_ms(), self._lease_ms)
        if result.item is None:
            raise ReviewError(404, "no_such_item", "There is no such item.")
        if result.item.state == ItemState.RESOLVED:
            raise ReviewError(409, "resolved", "This item was already decided.", result.item)
        if not result.won:
            raise ReviewError(409, "claimed", f"{result.item.claimed_by} is handling this item.", result.item)
        await self._announce("claimed", result.item)
        return result

    async def release(self, item_id: str, moderator: str) -> QueueItem:
        """Give an item back to the queue."""
        item = await self.queue.release(item_id, moderator)
        if item is None:
            raise ReviewError(409, "not_claimed", "You do not hold this item.")
        await self._announce("released", item)
        return item

    async def _held_by(self, item_id: str, moderator: str) -> QueueItem:
        item = await self.queue.get(item_id)
        if item is None:
            raise ReviewError(404, "no_such_item", "There is no such item.")
        if item.state == ItemState.RESOLVED:
            raise ReviewError(409, "resolved", "This item was already decided.", item)
        if item.state != ItemState.CLAIMED or item.claimed_by != moderator or (item.lease_until_ms or 0) < now_ms():
            holder = f"{item.claimed_by} is handling this item." if item.state == ItemState.CLAIMED else ""
            raise ReviewError(409, "not_claimed", holder or "Claim the item before acting on it.", item)
        return item

    # -- decisions ----------------------------------------------------------------------------------

    async def decide(self, item_id: str, moderator: str, decision: Decision) -> QueueItem:
        """Carry out a decision on an item the moderator holds, then close it and audit it."""
        item = await self._held_by(item_id, moderator)
        unpublished = item.message_id is None and item.client_id is not None
        record: dict[str, Any] = {"action": decision.action, "by": moderator, "reason": decision.reason}
        if decision.action in ("approve", "edit_approve", "reject") and not unpublished:
            raise ReviewError(409, "already_published", "This message is already published; delete it instead.")
        if decision.action == "delete" and item.message_id is None:
            raise ReviewError(409, "not_published", "This message was never published; reject it instead.")
        if decision.action == "approve":
            record["message_id"] = await self._publish_for_author(item, item.text)
        elif decision.action == "edit_approve":
            room = self._catalog.get(item.room)
            try:
                text = check_text(decision.text or "", room.max_text_chars if room else 2000)
            except ProtocolError as error:
                raise ReviewError(422, error.code.value, error.message) from None
            record["message_id"] = await self._publish_for_author(item, text)
            await self.tell_author(
                item.author_key,
                {"type": "redacted", "room": item.room, "client_id": item.client_id, "id": record["message_id"],
                 "reasons": ["edited_by_moderator"], "message": "A moderator edited your message before it was shown."},
            )
        elif decision.action == "reject":
            await self.tell_author(
                item.author_key,
                {"type": "rejected", "room": item.room, "client_id": item.client_id,
                 "message": decision.reason or "A moderator decided not to publish your message."},
            )
        elif decision.action == "delete":
            await self.delete_messages(item.room, message_id=item.message_id)
        elif decision.action == "handoff":
            record["to"] = decision.to or "crisis team"
        resolved = await self.queue.resolve(item_id, moderator, record, now_ms())
        if resolved is None:
            raise ReviewError(409, "not_claimed", "Your claim ended before the decision was recorded.")
        await self.audit.append(moderator, decision.action, item.id, item.room, item.author_handle, decision.reason)
        await self._announce("resolved", resolved)
        return resolved

    async def _publish_for_author(self, item: QueueItem, text: str) -> str:
        idempotency = f"{item.author_key}:{item.client_id}" if item.client_id else None
        result = await self._backend.publish_message(
            item.room, message_body(item.author_handle, text), item.author_key, idempotency, self._retention
        )
        if item.client_id:
            await self.tell_author(
                item.author_key, {"type": "ack", "client_id": item.client_id, "id": result.message_id, "room": item.room}
            )
        return result.message_id

    async def delete_messages(self, room: str, message_id: str | None = None, author_key: str | None = None) -> list[str]:
        """Remove a message (or all of an author's) from history and tell the room's members to hide them."""
        removed = await self._backend.delete_messages(room, message_id, author_key)
        for removed_id in removed:
            await self._backend.publish_event(room, encode({"type": "deleted", "room": room, "id": removed_id}))
        return removed

    # -- actions on the author ----------------------------------------------------------------------

    async def act(self, item_id: str, moderator: str, action: UserAction) -> QueueItem:
        """Warn, mute, kick or ban the author of an item the moderator holds; enforced on every hub."""
        item = await self._held_by(item_id, moderator)
        author = item.author_key
        if action.action == "warn":
            await self.tell_author(
                author, {"type": "notice", "level": "warning", "room": item.room,
                         "message": action.message or "A moderator asks you to follow the room's guidelines."},
            )
        elif action.action == "mute":
            minutes = action.minutes or 30
            scope = item.room if action.scope == "room" else EVERYWHERE
            until = now_ms() + minutes * 60_000
            await self.sanctions.mute(author, scope, until)
            await self._backend.publish_control({"k": "mute", "author": author, "scope": scope, "until": until})
            where = "in this room" if scope != EVERYWHERE else "in every room"
            await self.tell_author(
                author, {"type": "notice", "level": "warning", "room": item.room,
                         "message": f"A moderator muted you {where} for {minutes} minutes."},
            )
        elif action.action == "kick":
            await self._backend.publish_control({"k": "kick", "author": author, "room": item.room})
        elif action.action == "ban":
            until = now_ms() + (action.minutes or 24 * 60) * 60_000
            await self.sanctions.ban(author, until)
            await self._backend.publish_control({"k": "ban", "author": author, "until": until})
        await self.audit.append(
            moderator, action.action, item.id, item.room, item.author_handle,
            action.reason or (f"{action.minutes} minutes" if action.minutes else ""),
        )
        return item

    async def tell_author(self, author_key: str, frame: dict[str, Any]) -> None:
        """Deliver a private frame to the author's connections, on whichever hub they are."""
        await self._backend.publish_control({"k": "deliver", "author": author_key, "frame": encode(frame)})

    # -- time ---------------------------------------------------------------------------------------

    async def sweep(self) -> None:
        """Return lapsed claims, reject held messages past their room's limit, re-announce crises."""
        now = now_ms()
        for item in await self.queue.expire_leases(now):
            await self._announce("released", item)
        for item in await self.queue.active():
            if item.state != ItemState.OPEN:
                continue
            if item.kind == ItemKind.HELD:
                room = self._catalog.get(item.room)
                limit_ms = (room.hold_timeout_seconds if room else 600) * 1000
                if now - item.created_ms >= limit_ms:
                    await self._expire_held(item, now)
            elif item.kind == ItemKind.ESCALATION and now - item.created_ms >= item.announcements * self._reannounce_ms:
                # A crisis never silently expires: it is announced again, more urgently, until claimed.
                again = await self.queue.reannounce(item.id)
                if again is not None:
                    await self._announce("reannounced", again)

    async def _expire_held(self, item: QueueItem, now: int) -> None:
        record = {"action": "reject", "by": "timeout", "reason": "not reviewed in time"}
        resolved = await self.queue.resolve_automatically(item.id, record, now)
        if resolved is None:
            return  # a moderator got to it first
        await self.tell_author(
            item.author_key,
            {"type": "rejected", "room": item.room, "client_id": item.client_id,
             "message": "No moderator could review your message in time, so it was not published. "
                        "You are welcome to write it again."},
        )
        await self.audit.append("system", "auto_reject", item.id, item.room, item.author_handle, "not reviewed in time")
        await self._announce("resolved", resolved)
