"""The review queue in process memory, for the embedded single-hub mode.

Same contract as the Redis store (see `moderation/queue.py`). Atomicity comes from the event loop:
no method awaits between reading and writing an item, so a claim is decided in one step. Resolved
items are forgotten `retention_seconds` after they were resolved (by the store's clock).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from moderation.queue import (
    ClaimResult,
    ItemKind,
    ItemState,
    NewItem,
    QueueItem,
    QueueStats,
    ReviewQueue,
    sort_key,
)
from moderation.queue_rules import (
    DEFAULT_RETENTION_SECONDS,
    MAX_REPORT_REASONS,
    METRIC_SAMPLES,
    merged_priority,
    percentiles,
)


class MemoryReviewQueue(ReviewQueue):
    """Items in a dict; an index of active items by dedupe key; resolved items expire after retention."""

    def __init__(
        self, clock: Callable[[], float] = time.time, retention_seconds: float = DEFAULT_RETENTION_SECONDS
    ) -> None:
        self._clock = clock
        self._retention = retention_seconds
        self._ids = itertools.count(1)
        self._items: dict[str, QueueItem] = {}
        self._by_dedupe: dict[str, str] = {}  # only while the item is active
        self._resolved: deque[tuple[float, str]] = deque()  # (forget at, id), in resolution order
        self._to_claim: deque[int] = deque(maxlen=METRIC_SAMPLES)
        self._to_decide: deque[int] = deque(maxlen=METRIC_SAMPLES)

    def _forget_old(self) -> None:
        # Retention is one constant, so resolution order is also expiry order.
        now = self._clock()
        while self._resolved and self._resolved[0][0] <= now:
            self._items.pop(self._resolved.popleft()[1], None)

    async def add(self, new: NewItem, now_ms: int) -> tuple[QueueItem, bool]:
        """Add, or merge a repeat into the active item with the same dedupe key."""
        self._forget_old()
        is_report = new.kind == ItemKind.REPORT
        existing_id = self._by_dedupe.get(new.dedupe_key)
        if existing_id is not None:
            item = self._items[existing_id]
            reasons = item.report_reasons
            if is_report and new.report_reason and len(reasons) < MAX_REPORT_REASONS:
                reasons = (*reasons, new.report_reason)
            item = dataclasses.replace(
                item,
                priority=merged_priority(item.priority, new.priority, is_report),
                report_count=item.report_count + (1 if is_report else 0),
                report_reasons=reasons,
            )
            self._items[item.id] = item
            return item, False
        item = QueueItem(
            id=str(next(self._ids)),
            kind=new.kind,
            priority=new.priority,
            room=new.room,
            text=new.text,
            author_handle=new.author_handle,
            author_key=new.author_key,
            message_id=new.message_id,
            client_id=new.client_id,
            categories=tuple(new.categories),
            reasons=tuple(new.reasons),
            locale=new.locale,
            context_before=tuple(new.context_before),
            author_recent=tuple(new.author_recent),
            created_ms=now_ms,
            state=ItemState.OPEN,
            report_count=1 if is_report else 0,
            report_reasons=(new.report_reason,) if is_report and new.report_reason else (),
            dedupe_key=new.dedupe_key,
        )
        self._items[item.id] = item
        self._by_dedupe[new.dedupe_key] = item.id
        return item, True

    async def get(self, item_id: str) -> QueueItem | None:
        """One item, whatever its state, until its retention ends."""
        self._forget_old()
        return self._items.get(item_id)

    async def active(self) -> list[QueueItem]:
        """Open and claimed items, highest priority first, then oldest (ties by id, as in Redis)."""
        items = [self._items[item_id] for item_id in self._by_dedupe.values()]
        return sorted(items, key=lambda item: (*sort_key(item), int(item.id)))

    async def claim(self, item_id: str, moderator: str, now_ms: int, lease_ms: int) -> ClaimResult:
        """Claim an open item, renew one's own lease, or take one whose lease lapsed."""
        item = await self.get(item_id)
        if item is None:
            return ClaimResult(False, None)
        if item.state == ItemState.RESOLVED:
            return ClaimResult(False, item)
        if item.state == ItemState.CLAIMED and item.claimed_by != moderator and (item.lease_until_ms or 0) >= now_ms:
            return ClaimResult(False, item)
        first = item.first_claimed_ms
        if first is None:
            first = now_ms
            self._to_claim.appendleft(now_ms - item.created_ms)
        item = dataclasses.replace(
            item,
            state=ItemState.CLAIMED,
            claimed_by=moderator,
            lease_until_ms=now_ms + lease_ms,
            first_claimed_ms=first,
        )
        self._items[item_id] = item
        return ClaimResult(True, item)

    async def release(self, item_id: str, moderator: str) -> QueueItem | None:
        """Give back one's own claim."""
        item = self._items.get(item_id)
        if item is None or item.state != ItemState.CLAIMED or item.claimed_by != moderator:
            return None
        item = dataclasses.replace(item, state=ItemState.OPEN, claimed_by=None, lease_until_ms=None)
        self._items[item_id] = item
        return item

    def _close(self, item: QueueItem, decision: dict[str, Any], now_ms: int) -> QueueItem:
        # Stored as JSON, as Redis does: the caller's later changes cannot rewrite a recorded decision,
        # and a decision that Redis could not store fails here too.
        recorded = json.loads(json.dumps(decision))
        closed = dataclasses.replace(
            item, state=ItemState.RESOLVED, lease_until_ms=None, resolved_ms=now_ms, decision=recorded
        )
        self._items[item.id] = closed
        if self._by_dedupe.get(item.dedupe_key) == item.id:
            del self._by_dedupe[item.dedupe_key]
        self._resolved.append((self._clock() + self._retention, item.id))
        return closed

    async def resolve(self, item_id: str, moderator: str, decision: dict[str, Any], now_ms: int) -> QueueItem | None:
        """Close an item; only the holder of a live lease may."""
        item = self._items.get(item_id)
        if (
            item is None
            or item.state != ItemState.CLAIMED
            or item.claimed_by != moderator
            or (item.lease_until_ms or 0) < now_ms
        ):
            return None
        self._to_decide.appendleft(now_ms - item.created_ms)
        return self._close(item, decision, now_ms)

    async def resolve_automatically(self, item_id: str, decision: dict[str, Any], now_ms: int) -> QueueItem | None:
        """Close an item nobody holds (a timeout); not counted as a team decision in the metrics."""
        item = self._items.get(item_id)
        if item is None or item.state != ItemState.OPEN:
            return None
        return self._close(item, decision, now_ms)

    async def expire_leases(self, now_ms: int) -> list[QueueItem]:
        """Reopen every claimed item whose lease ended before `now_ms`."""
        changed = []
        for item_id in list(self._by_dedupe.values()):
            item = self._items[item_id]
            if item.state == ItemState.CLAIMED and (item.lease_until_ms or 0) < now_ms:
                item = dataclasses.replace(item, state=ItemState.OPEN, claimed_by=None, lease_until_ms=None)
                self._items[item_id] = item
                changed.append(item)
        return changed

    async def reannounce(self, item_id: str) -> QueueItem | None:
        """Count one more announcement of an open item; None once it is claimed or resolved."""
        item = self._items.get(item_id)
        if item is None or item.state != ItemState.OPEN:
            return None
        item = dataclasses.replace(item, announcements=item.announcements + 1)
        self._items[item_id] = item
        return item

    async def stats(self) -> QueueStats:
        """Open items by kind (every kind listed), claimed count, p50/p95 of recent durations."""
        open_by_kind = {kind.value: 0 for kind in ItemKind}
        claimed = 0
        for item in await self.active():
            if item.state == ItemState.OPEN:
                open_by_kind[item.kind.value] += 1
            else:
                claimed += 1
        return QueueStats(open_by_kind, claimed, percentiles(self._to_claim), percentiles(self._to_decide))

