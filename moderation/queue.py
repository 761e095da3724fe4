"""The moderators' review queue: item types, states and the storage interface (no I/O here).

Implementations: `moderation/queue_memory.py` (embedded) and `moderation/queue_redis.py` (shared by all
hubs). Both honour the same contract (tests/test_queue_contract.py):

- Items are never lost: they live in the backend, not in a hub's memory.
- `claim` is atomic: of two moderators claiming one item at once, exactly one wins; the other learns
  who holds it. A claim is a lease; when it lapses the item is `open` again for everyone.
- A report of a message that already has an active item does not make a new item: it raises the
  existing item's report count and priority. The same `dedupe_key` never makes two active items.
- Time comes from the caller (`now_ms`, wall-clock milliseconds), so every hub and both stores agree
  on what "the lease has ended" means and tests can move the clock.
- Stores only store: announcing changes to moderators on every hub is the review service's job
  (app/review.py), so both stores stay small.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ItemKind(StrEnum):
    """Why an item needs a human."""

    HELD = "held"  # a message waiting for approval before anyone sees it
    ESCALATION = "escalation"  # a possible crisis: top priority
    REPORT = "report"  # a member reported a published message
    FLAG = "flag"  # published, but worth a look


class ItemState(StrEnum):
    """Where an item is in its life."""

    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"


# Priorities: crisis first. Each report adds REPORT_STEP up to REPORT_MAX.
PRIORITY_CRISIS = 100
PRIORITY_HELD = 50
PRIORITY_REPORT = 40
PRIORITY_FLAG = 20
REPORT_STEP = 5
REPORT_MAX = 90


@dataclass(frozen=True, slots=True)
class NewItem:
    """What the hub knows when it asks for a human: everything but id, state and times."""

    kind: ItemKind
    priority: int
    room: str
    text: str  # the message as written (for held items, as it would be published)
    author_handle: str
    author_key: str
    dedupe_key: str
    message_id: str | None = None  # set when the message was published
    client_id: str | None = None  # the author's client_id, so the author can be told the outcome
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    locale: str = "en"
    context_before: tuple[dict[str, Any], ...] = ()  # the room's messages just before (message frames)
    author_recent: tuple[dict[str, Any], ...] = ()  # the author's recent messages in the room
    report_reason: str | None = None


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One item as moderators see it."""

    id: str
    kind: ItemKind
    priority: int
    room: str
    text: str
    author_handle: str
    author_key: str
    message_id: str | None
    client_id: str | None
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    locale: str
    context_before: tuple[dict[str, Any], ...]
    author_recent: tuple[dict[str, Any], ...]
    created_ms: int
    state: ItemState
    claimed_by: str | None = None
    lease_until_ms: int | None = None
    first_claimed_ms: int | None = None
    resolved_ms: int | None = None
    decision: dict[str, Any] | None = None
    report_count: int = 0
    report_reasons: tuple[str, ...] = ()
    announcements: int = 1  # how many times it was announced (crisis items are re-announced)
    dedupe_key: str = ""

    def to_json(self) -> dict[str, Any]:
        """The item as sent to moderator consoles. Never includes a session id or an address."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "priority": self.priority,
            "room": self.room,
            "text": self.text,
            "author_handle": self.author_handle,
            "message_id": self.message_id,
            "categories": list(self.categories),
            "reasons": list(self.reasons),
            "context": {"before": list(self.context_before), "author_recent": list(self.author_recent)},
            "created_ms": self.created_ms,
            "state": self.state.value,
            "claimed_by": self.claimed_by,
            "lease_until_ms": self.lease_until_ms,
            "decision": self.decision,
            "report_count": self.report_count,
            "report_reasons": list(self.report_reasons),
            "announcements": self.announcements,
        }


def sort_key(item: QueueItem) -> tuple[int, int]:
    """Queue order: highest priority first, then oldest first."""
    return (-item.priority, item.created_ms)


@dataclass(frozen=True, slots=True)
class ClaimResult:
    """The outcome of a claim: `won`, and the item as it is now (with `claimed_by` the holder)."""

    won: bool
    item: QueueItem | None  # None when there is no such item


@dataclass(frozen=True, slots=True)
class QueueStats:
    """Team metrics: open items by kind, and time to first claim / to decision in milliseconds."""

    open_by_kind: dict[str, int] = field(default_factory=dict)
    claimed: int = 0
    time_to_claim_ms: dict[str, float] = field(default_factory=dict)  # {"p50": ..., "p95": ...}
    time_to_decision_ms: dict[str, float] = field(default_factory=dict)


class ReviewQueue(ABC):
    """Storage of the review queue. See the module docstring for the guarantees."""

    @abstractmethod
    async def add(self, new: NewItem, now_ms: int) -> tuple[QueueItem, bool]:
        """Add an item, or merge into the active item with the same dedupe key (reports raise its
        report count and priority). Returns the item and whether it is new."""

    @abstractmethod
    async def get(self, item_id: str) -> QueueItem | None:
        """One item, whatever its state (resolved items are kept for the history TTL)."""

    @abstractmethod
    async def active(self) -> list[QueueItem]:
        """Every open or claimed item, in queue order (`sort_key`)."""

    @abstractmethod
    async def claim(self, item_id: str, moderator: str, now_ms: int, lease_ms: int) -> ClaimResult:
        """Claim an open item (or renew one's own claim, or take one whose lease lapsed)."""

    @abstractmethod
    async def release(self, item_id: str, moderator: str) -> QueueItem | None:
        """Give back one's own claim; the item is open again. None if not held by `moderator`."""

    @abstractmethod
    async def resolve(self, item_id: str, moderator: str, decision: dict[str, Any], now_ms: int) -> QueueItem | None:
        """Record the decision and close the item; only the moderator holding the claim may.
        None if the item is not claimed by `moderator` (the caller tells them who holds it)."""

    @abstractmethod
    async def resolve_automatically(self, item_id: str, decision: dict[str, Any], now_ms: int) -> QueueItem | None:
        """Close an open item without a moderator (a held message timed out). None if it is no
        longer open (someone claimed or resolved it first)."""

    @abstractmethod
    async def expire_leases(self, now_ms: int) -> list[QueueItem]:
        """Return every claimed item whose lease ended before `now_ms` to `open`; the items changed."""

    @abstractmethod
    async def reannounce(self, item_id: str) -> QueueItem | None:
        """Count one more announcement of an unclaimed crisis item (urgency rises with the count)."""

    @abstractmethod
    async def stats(self) -> QueueStats:
        """Team metrics."""
