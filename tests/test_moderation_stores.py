"""One contract for the moderation stores: every test runs against the memory stores and real Redis.

Time is moved, never waited for: the queue takes `now_ms` from its caller, the memory stores take a
clock, and for Redis TTLs the test reads the TTL Redis set instead of sleeping until it passes.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import redis.asyncio as aioredis

from moderation.accounts import Moderator, ModeratorStore, Role
from moderation.accounts_memory import MemoryModeratorStore
from moderation.accounts_redis import RedisModeratorStore
from moderation.audit import AuditLog
from moderation.audit_memory import MemoryAuditLog
from moderation.audit_redis import RedisAuditLog
from moderation.queue import (
    PRIORITY_CRISIS,
    PRIORITY_FLAG,
    PRIORITY_HELD,
    PRIORITY_REPORT,
    REPORT_MAX,
    REPORT_STEP,
    ItemKind,
    ItemState,
    NewItem,
    ReviewQueue,
)
from moderation.queue_memory import MemoryReviewQueue
from moderation.queue_redis import RedisReviewQueue
from moderation.sanctions import EVERYWHERE, SanctionStore
from moderation.sanctions_memory import MemorySanctionStore
from moderation.sanctions_redis import RedisSanctionStore
from tests.support.redis_server import RedisServer, free_port

T0 = 1_700_000_000_000  # a wall-clock time in ms; every queue test counts from here
LEASE = 120_000


class Clock:
    """A clock the memory stores read (seconds, like time.time) and the tests move."""

    def __init__(self, start: float = T0 / 1000) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Kit:
    """The four stores of one backend, with what a test needs to look behind them."""

    backend: str
    clock: Clock
    prefix: str  # this test's own key prefix (Redis)
    redis_url: str | None
    queue: ReviewQueue
    moderators: ModeratorStore
    audit: AuditLog
    sanctions: SanctionStore
    client: aioredis.Redis | None = None
    _extra_clients: list[aioredis.Redis] = field(default_factory=list)

    def make_queue(self, retention_seconds: float = 7 * 86400) -> ReviewQueue:
        """A queue over the same data as `queue`, with its own retention."""
        if self.client is None:
            return MemoryReviewQueue(self.clock, retention_seconds)
        return RedisReviewQueue(self.client, self.prefix, retention_seconds)

    def queue_on_own_connection(self) -> ReviewQueue:
        """Another store instance over the same data, as another hub process would have (memory: the
        embedded store is one object, so it is the same one)."""
        if self.redis_url is None:
            return self.queue
        client = aioredis.from_url(self.redis_url, decode_responses=False)
        self._extra_clients.append(client)
        return RedisReviewQueue(client, self.prefix)

    async def ttl_ms(self, key_suffix: str) -> int:
        """PTTL of one of this test's keys (Redis only)."""
        assert self.client is not None
        return int(await self.client.pttl(self.prefix + key_suffix))

    async def close(self) -> None:
        for client in self._extra_clients:
            await client.aclose()
        if self.client is not None:
            await self.client.aclose()


@pytest.fixture(params=["memory", "redis"])
async def kit(request: pytest.FixtureRequest) -> AsyncIterator[Kit]:
    """The stores of one backend; Redis ones under a key prefix of this test's own."""
    clock = Clock()
    if request.param == "memory":
        made = Kit(
            "memory", clock, "", None, MemoryReviewQueue(clock), MemoryModeratorStore(clock), MemoryAuditLog(clock),
            MemorySanctionStore(clock),
        )
    else:
        url = request.getfixturevalue("redis_url")
        prefix = f"{request.getfixturevalue('key_prefix')}stores-{secrets.token_hex(4)}:"
        client = aioredis.from_url(url, decode_responses=False)
        made = Kit(
            "redis", clock, prefix, url, RedisReviewQueue(client, prefix), RedisModeratorStore(client, prefix),
            RedisAuditLog(client, prefix), RedisSanctionStore(client, prefix), client,
        )
    yield made
    await made.close()


def new_item(
    kind: ItemKind = ItemKind.HELD, priority: int | None = None, key: str | None = None, **extra: object
) -> NewItem:
    default = {
        ItemKind.HELD: PRIORITY_HELD,
        ItemKind.ESCALATION: PRIORITY_CRISIS,
        ItemKind.REPORT: PRIORITY_REPORT,
        ItemKind.FLAG: PRIORITY_FLAG,
    }[kind]
    values: dict[str, object] = {
        "kind": kind,
        "priority": default if priority is None else priority,
        "room": "room-a",
        "text": "a message",
        "author_handle": "quiet-otter",
        "author_key": "author-1",
        "dedupe_key": key or f"message:{secrets.token_hex(4)}",
    }
    values.update(extra)
    return NewItem(**values)  # type: ignore[arg-type]


def report(message_id: str, reason: str | None = None) -> NewItem:
    return new_item(
        ItemKind.REPORT, key=f"report:room-a:{message_id}", message_id=message_id, report_reason=reason
    )


# -- the queue ----------------------------------------------------------------------------------------


async def test_an_item_keeps_everything_the_moderator_needs(kit: Kit) -> None:
    before = ({"type": "message", "id": "1-0", "text": "earlier ☀", "handle": "x"},)
    recent = ({"type": "message", "id": "2-0", "text": "mine before"},)
    added, created = await kit.queue.add(
        new_item(
            ItemKind.HELD, text="héllo / \"quoted\"", client_id="c-1", categories=("pii",), reasons=("phone number",),
            locale="de", context_before=before, author_recent=recent,
        ),
        T0,
    )
    assert created
    stored = await kit.queue.get(added.id)
    assert stored == added
    assert (stored.text, stored.client_id, stored.message_id, stored.locale) == ('héllo / "quoted"', "c-1", None, "de")
    assert (stored.categories, stored.reasons) == (("pii",), ("phone number",))
    assert (stored.context_before, stored.author_recent) == (before, recent)
    assert (stored.state, stored.created_ms, stored.report_count, stored.announcements) == (ItemState.OPEN, T0, 0, 1)
    assert await kit.queue.get("no-such-item") is None


async def test_active_is_crisis_first_then_oldest(kit: Kit) -> None:
    flag, _ = await kit.queue.add(new_item(ItemKind.FLAG), T0)
    held_old, _ = await kit.queue.add(new_item(ItemKind.HELD), T0 + 1)
    crisis_new, _ = await kit.queue.add(new_item(ItemKind.ESCALATION), T0 + 5)
    held_new, _ = await kit.queue.add(new_item(ItemKind.HELD), T0 + 3)
    crisis_old, _ = await kit.queue.add(new_item(ItemKind.ESCALATION), T0 + 4)
    reported, _ = await kit.queue.add(report("m-1"), T0 + 2)
    order = [item.id for item in await kit.queue.active()]
    assert order == [crisis_old.id, crisis_new.id, held_old.id, held_new.id, reported.id, flag.id]


async def test_repeated_reports_merge_into_one_item_and_raise_it(kit: Kit) -> None:
    held, _ = await kit.queue.add(new_item(ItemKind.HELD), T0 + 10)
    first, created = await kit.queue.add(report("m-1", "rude"), T0)
    assert created and (first.priority, first.report_count, first.report_reasons) == (PRIORITY_REPORT, 1, ("rude",))
    assert [item.id for item in await kit.queue.active()] == [held.id, first.id]

    second, created_again = await kit.queue.add(report("m-1"), T0 + 20)
    third, _ = await kit.queue.add(report("m-1", "spam"), T0 + 30)
    assert not created_again
    assert second.id == third.id == first.id
    assert third.report_count == 3 and third.report_reasons == ("rude", "spam")
    assert third.priority == PRIORITY_REPORT + 2 * REPORT_STEP
    assert third.created_ms == T0  # age counts from the first report
    # Now equal in priority to the held item and older, so it comes first; still one item.
    assert [item.id for item in await kit.queue.active()] == [first.id, held.id]
    assert await kit.queue.get(first.id) == third

    for n in range(20):
        last, _ = await kit.queue.add(report("m-1"), T0 + 40 + n)
    assert last.priority == REPORT_MAX and last.report_count == 23


async def test_a_report_never_lowers_a_crisis(kit: Kit) -> None:
    crisis, _ = await kit.queue.add(new_item(ItemKind.ESCALATION, key="report:room-a:m-9"), T0)
    merged, created = await kit.queue.add(report("m-9"), T0 + 1)
    assert not created and merged.id == crisis.id and merged.priority == PRIORITY_CRISIS


async def test_after_resolution_the_same_key_makes_a_new_item(kit: Kit) -> None:
    first, _ = await kit.queue.add(report("m-2"), T0)
    await kit.queue.claim(first.id, "ana", T0 + 1, LEASE)
    assert await kit.queue.resolve(first.id, "ana", {"action": "no_action"}, T0 + 2) is not None
    again, created = await kit.queue.add(report("m-2"), T0 + 3)
    assert created and again.id != first.id and again.report_count == 1
    assert [item.id for item in await kit.queue.active()] == [again.id]


async def test_claim_race_has_exactly_one_winner(kit: Kit) -> None:
    item, _ = await kit.queue.add(new_item(ItemKind.ESCALATION), T0)
    queues = [kit.queue_on_own_connection() for _ in range(50)]
    results = await asyncio.gather(
        *(queue.claim(item.id, f"mod-{n}", T0 + 1, LEASE) for n, queue in enumerate(queues))
    )
    winners = [f"mod-{n}" for n, result in enumerate(results) if result.won]
    assert len(winners) == 1
    assert all(result.item is not None and result.item.claimed_by == winners[0] for result in results)
    held = await kit.queue.get(item.id)
    assert held is not None and (held.state, held.claimed_by) == (ItemState.CLAIMED, winners[0])
    assert (held.lease_until_ms, held.first_claimed_ms) == (T0 + 1 + LEASE, T0 + 1)


async def test_a_live_lease_is_renewed_by_its_holder_and_refused_to_others(kit: Kit) -> None:
    item, _ = await kit.queue.add(new_item(), T0)
    assert (await kit.queue.claim(item.id, "ana", T0, 1000)).won
    refused = await kit.queue.claim(item.id, "ben", T0 + 500, 1000)
    assert not refused.won and refused.item is not None and refused.item.claimed_by == "ana"
    renewed = await kit.queue.claim(item.id, "ana", T0 + 900, 1000)
    assert renewed.won and renewed.item is not None and renewed.item.lease_until_ms == T0 + 1900
    assert not (await kit.queue.claim(item.id, "ben", T0 + 1900, 1000)).won  # the last live millisecond
    taken = await kit.queue.claim(item.id, "ben", T0 + 1901, 1000)  # lapsed: anyone may take it
    assert taken.won and taken.item is not None and taken.item.claimed_by == "ben"
    assert taken.item.first_claimed_ms == T0  # first claim is kept for the metrics
    assert (await kit.queue.claim("no-such-item", "ana", T0, 1000)).item is None


async def test_a_lapsed_lease_returns_the_item_to_open(kit: Kit) -> None:
    item, _ = await kit.queue.add(new_item(), T0)
    other, _ = await kit.queue.add(new_item(), T0 + 1)
    await kit.queue.claim(item.id, "ana", T0 + 10, 1000)
    await kit.queue.claim(other.id, "ben", T0 + 10, 5000)
    assert await kit.queue.expire_leases(T0 + 1010) == []  # the lease ends at T0+1010, not before
    reopened = await kit.queue.expire_leases(T0 + 1011)
    assert [(i.id, i.state, i.claimed_by, i.lease_until_ms) for i in reopened] == [
        (item.id, ItemState.OPEN, None, None)
    ]
    assert await kit.queue.expire_leases(T0 + 1012) == []
    states = {i.id: (i.state, i.claimed_by) for i in await kit.queue.active()}
    assert states == {item.id: (ItemState.OPEN, None), other.id: (ItemState.CLAIMED, "ben")}
    assert (await kit.queue.claim(item.id, "carla", T0 + 1012, 1000)).won


async def test_release_only_by_the_holder(kit: Kit) -> None:
    item, _ = await kit.queue.add(new_item(), T0)
    assert await kit.queue.release(item.id, "ana") is None  # nobody holds it
    await kit.queue.claim(item.id, "ana", T0, LEASE)
    assert await kit.queue.release(item.id, "ben") is None
    released = await kit.queue.release(item.id, "ana")
    assert released is not None and (released.state, released.claimed_by, released.lease_until_ms) == (
        ItemState.OPEN, None, None
    )
    assert (await kit.queue.claim(item.id, "ben", T0 + 1, LEASE)).won
    assert await kit.queue.expire_leases(T0 + LEASE + 1) == []  # a released lease is not expired again


async def test_only_the_holder_resolves_and_resolved_items_leave_the_queue(kit: Kit) -> None:
    item, _ = await kit.queue.add(new_item(), T0)
    decision = {"action": "approve", "by": "ana", "message_id": "5-0"}
    assert await kit.queue.resolve(item.id, "ana", decision, T0 + 1) is None  # not claimed
    await kit.queue.claim(item.id, "ana", T0 + 1, 1000)
    assert await kit.queue.resolve(item.id, "ben", decision, T0 + 2) is None
    assert await kit.queue.resolve(item.id, "ana", decision, T0 + 1002) is None  # her lease has lapsed
    await kit.queue.claim(item.id, "ana", T0 + 1003, 1000)
    resolved = await kit.queue.resolve(item.id, "ana", decision, T0 + 1004)
    assert resolved is not None
    assert (resolved.state, resolved.resolved_ms, resolved.decision) == (ItemState.RESOLVED, T0 + 1004, decision)
    assert resolved.claimed_by == "ana" and resolved.lease_until_ms is None
    assert await kit.queue.active() == []
    assert await kit.queue.get(item.id) == resolved
    again = await kit.queue.claim(item.id, "ben", T0 + 1005, LEASE)
    assert not again.won and again.item is not None and again.item.state == ItemState.RESOLVED
    assert await kit.queue.resolve(item.id, "ana", decision, T0 + 1006) is None
    assert await kit.queue.expire_leases(T0 + 10_000) == []


async def test_resolve_automatically_only_while_open(kit: Kit) -> None:
    item, _ = await kit.queue.add(new_item(), T0)
    timeout = {"action": "reject", "by": "timeout"}
    await kit.queue.claim(item.id, "ana", T0 + 1, LEASE)
    assert await kit.queue.resolve_automatically(item.id, timeout, T0 + 2) is None  # a moderator is on it
    await kit.queue.release(item.id, "ana")
    closed = await kit.queue.resolve_automatically(item.id, timeout, T0 + 3)
    assert closed is not None and closed.state == ItemState.RESOLVED and closed.decision == timeout
    assert await kit.queue.resolve_automatically(item.id, timeout, T0 + 4) is None
    assert await kit.queue.resolve_automatically("no-such-item", timeout, T0 + 4) is None
    assert await kit.queue.active() == []


async def test_reannounce_counts_while_unclaimed(kit: Kit) -> None:
    crisis, _ = await kit.queue.add(new_item(ItemKind.ESCALATION), T0)
    assert crisis.announcements == 1
    assert (await kit.queue.reannounce(crisis.id)).announcements == 2  # type: ignore[union-attr]
    assert (await kit.queue.reannounce(crisis.id)).announcements == 3  # type: ignore[union-attr]
    await kit.queue.claim(crisis.id, "ana", T0 + 1, LEASE)
    assert await kit.queue.reannounce(crisis.id) is None
    assert (await kit.queue.get(crisis.id)).announcements == 3  # type: ignore[union-attr]
    assert await kit.queue.reannounce("no-such-item") is None


async def test_stats_count_open_items_by_kind_and_time_percentiles(kit: Kit) -> None:
    empty = await kit.queue.stats()
    assert empty.open_by_kind == {"held": 0, "escalation": 0, "report": 0, "flag": 0}
    assert (empty.claimed, empty.time_to_claim_ms, empty.time_to_decision_ms) == (0, {}, {})

    held = [(await kit.queue.add(new_item(ItemKind.HELD), T0))[0] for _ in range(4)]
    await kit.queue.add(new_item(ItemKind.ESCALATION), T0)
    flag, _ = await kit.queue.add(new_item(ItemKind.FLAG), T0)
    await kit.queue.add(new_item(ItemKind.FLAG), T0)
    for n, item in enumerate(held, start=1):
        await kit.queue.claim(item.id, "ana", T0 + n * 1000, LEASE)
    await kit.queue.claim(held[0].id, "ana", T0 + 9000, LEASE)  # a renewal is not a first claim
    await kit.queue.resolve(held[0].id, "ana", {"action": "approve"}, T0 + 5000)
    await kit.queue.resolve(held[1].id, "ana", {"action": "reject"}, T0 + 7000)
    await kit.queue.resolve_automatically(flag.id, {"action": "reject", "by": "timeout"}, T0 + 60_000)

    stats = await kit.queue.stats()
    assert stats.open_by_kind == {"held": 0, "escalation": 1, "report": 0, "flag": 1}
    assert stats.claimed == 2
    assert stats.time_to_claim_ms == {"p50": 2000.0, "p95": 4000.0}
    assert stats.time_to_decision_ms == {"p50": 5000.0, "p95": 7000.0}  # the timeout is no team decision


async def test_resolved_items_are_kept_for_the_retention_then_forgotten(kit: Kit) -> None:
    queue = kit.make_queue(retention_seconds=60)
    item, _ = await queue.add(new_item(), T0)
    await queue.claim(item.id, "ana", T0, LEASE)
    await queue.resolve(item.id, "ana", {"action": "approve"}, T0 + 1)
    assert (await queue.get(item.id)).state == ItemState.RESOLVED  # type: ignore[union-attr]
    if kit.backend == "memory":
        kit.clock.advance(59)
        assert await queue.get(item.id) is not None
        kit.clock.advance(2)
        assert await queue.get(item.id) is None
    else:
        assert 0 < await kit.ttl_ms(f"{{mq}}:item:{item.id}") <= 60_000
        assert await kit.ttl_ms(f"{{mq}}:dedupe:{item.dedupe_key}") == -2  # the index entry is gone
    # Active items never expire, however long they wait.
    waiting, _ = await queue.add(new_item(), T0)
    if kit.backend == "memory":
        kit.clock.advance(10 * 86400)
        assert await queue.get(waiting.id) is not None
    else:
        assert await kit.ttl_ms(f"{{mq}}:item:{waiting.id}") == -1


# -- moderator accounts -------------------------------------------------------------------------------


def moderator(name: str, role: Role = Role.MODERATOR) -> Moderator:
    return Moderator(name, role, False, T0)


async def test_moderators_are_created_once_and_listed_by_name(kit: Kit) -> None:
    assert await kit.moderators.create(moderator("zoe", Role.ADMIN), "argon2-hash-z")
    assert await kit.moderators.create(moderator("ana"), "argon2-hash-a")
    assert not await kit.moderators.create(moderator("ana", Role.ADMIN), "another-hash")
    assert await kit.moderators.get("ana") == (moderator("ana"), "argon2-hash-a")
    assert await kit.moderators.get("nobody") is None
    assert [m.name for m in await kit.moderators.all()] == ["ana", "zoe"]
    assert (await kit.moderators.all())[1].role == Role.ADMIN
    assert await kit.moderators.set_secret_hash("ana", "argon2-hash-a2")
    assert (await kit.moderators.get("ana"))[1] == "argon2-hash-a2"  # type: ignore[index]
    assert not await kit.moderators.set_secret_hash("nobody", "x")
    assert await kit.moderators.get("nobody") is None
    assert not await kit.moderators.set_disabled("nobody", True)


async def test_disabling_a_moderator_revokes_every_token(kit: Kit) -> None:
    await kit.moderators.create(moderator("ana"), "h")
    await kit.moderators.create(moderator("ben"), "h")
    await kit.moderators.store_token("tok-a1", "ana", 3600)
    await kit.moderators.store_token("tok-a2", "ana", 3600)
    await kit.moderators.store_token("tok-b", "ben", 3600)
    assert await kit.moderators.token_owner("tok-a1") == "ana"
    assert await kit.moderators.set_disabled("ana", True)
    assert (await kit.moderators.get("ana"))[0].disabled  # type: ignore[index]
    assert await kit.moderators.token_owner("tok-a1") is None
    assert await kit.moderators.token_owner("tok-a2") is None
    assert await kit.moderators.token_owner("tok-b") == "ben"
    await kit.moderators.set_disabled("ana", False)
    assert await kit.moderators.token_owner("tok-a1") is None  # re-enabling does not bring tokens back
    await kit.moderators.store_token("tok-a3", "ana", 3600)
    assert await kit.moderators.token_owner("tok-a3") == "ana"
    await kit.moderators.revoke_token("tok-a3")
    assert await kit.moderators.token_owner("tok-a3") is None
    await kit.moderators.revoke_token("never-issued")


async def test_tokens_live_for_their_ttl(kit: Kit) -> None:
    await kit.moderators.create(moderator("ana"), "h")
    await kit.moderators.store_token("tok-short", "ana", 60)
    assert await kit.moderators.token_owner("tok-short") == "ana"
    if kit.backend == "memory":
        kit.clock.advance(59)
        assert await kit.moderators.token_owner("tok-short") == "ana"
        kit.clock.advance(2)
        assert await kit.moderators.token_owner("tok-short") is None
    else:
        assert 0 < await kit.ttl_ms("{mods}:token:tok-short") <= 60_000
        assert 0 < await kit.ttl_ms("{mods}:tokens:ana") <= 60_000  # the index goes with its tokens


async def test_failed_sign_ins_are_counted_in_a_sliding_window(kit: Kit) -> None:
    assert [await kit.moderators.record_failure("ana", 60) for _ in range(3)] == [1, 2, 3]
    assert await kit.moderators.record_failure("ben", 60) == 1  # counted per key
    await kit.moderators.clear_failures("ana")
    assert await kit.moderators.record_failure("ana", 60) == 1
    if kit.backend == "memory":
        kit.clock.advance(30)
        assert await kit.moderators.record_failure("ana", 60) == 2
        kit.clock.advance(31)  # the first failure has left the window, the second has not
        assert await kit.moderators.record_failure("ana", 60) == 2
    else:
        assert 0 < await kit.ttl_ms("{mods}:fail:ana") <= 60_000


# -- the audit log ------------------------------------------------------------------------------------

STREAM_ID = re.compile(r"^\d+-\d+$")


def id_key(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq)


async def test_audit_is_append_only_and_pages_newest_first(kit: Kit) -> None:
    written = []
    for n in range(7):
        who = "ana" if n % 2 == 0 else "ben"
        written.append(await kit.audit.append(who, "reject", str(n), "room-a", "quiet-otter", f"reason {n}"))
        if n == 3:
            kit.clock.advance(0.005)
    assert all(STREAM_ID.match(entry.id) for entry in written)
    assert [id_key(e.id) for e in written] == sorted({id_key(e.id) for e in written})  # unique and increasing
    assert all(entry.ts_ms == id_key(entry.id)[0] for entry in written)

    newest_first = list(reversed(written))
    assert await kit.audit.page(None, None, 100) == newest_first
    assert await kit.audit.page(None, None, 3) == newest_first[:3]
    assert await kit.audit.page(None, newest_first[2].id, 3) == newest_first[3:6]
    assert await kit.audit.page(None, newest_first[5].id, 3) == newest_first[6:]
    assert await kit.audit.page(None, written[0].id, 3) == []
    assert await kit.audit.page(None, None, 0) == []


async def test_audit_filters_by_moderator_with_paging(kit: Kit) -> None:
    for n in range(10):
        await kit.audit.append("ana" if n in (0, 4, 9) else "ben", "mute", None, None, None, "")
    ana = await kit.audit.page("ana", None, 2)
    assert [entry.moderator for entry in ana] == ["ana", "ana"]
    assert id_key(ana[0].id) > id_key(ana[1].id)
    rest = await kit.audit.page("ana", ana[-1].id, 2)
    assert len(rest) == 1 and id_key(rest[0].id) < id_key(ana[-1].id)
    assert await kit.audit.page("ana", rest[0].id, 2) == []
    assert await kit.audit.page("nobody", None, 5) == []
    assert len(await kit.audit.page("ben", None, 100)) == 7
    entry = (await kit.audit.page("ben", None, 1))[0]
    assert (entry.item_id, entry.room, entry.target_handle, entry.reason) == (None, None, None, "")
    with pytest.raises(ValueError):
        await kit.audit.page(None, "not-an-id", 5)


# -- sanctions ----------------------------------------------------------------------------------------


def now_ms(kit: Kit) -> int:
    """The time the sanction store judges by: the memory clock, or the real clock Redis keeps."""
    return int(kit.clock() * 1000) if kit.backend == "memory" else int(time.time() * 1000)


async def test_mutes_hold_in_their_room_or_everywhere_until_their_time(kit: Kit) -> None:
    now = now_ms(kit)
    await kit.sanctions.mute("author-1", "room-a", now + 60_000)
    found = await kit.sanctions.get("author-1")
    assert found.muted_until("room-a", now) == now + 60_000
    assert found.muted_until("room-b", now) is None
    assert not found.banned(now) and not found.forgotten
    await kit.sanctions.mute("author-1", EVERYWHERE, now + 30_000)
    found = await kit.sanctions.get("author-1")
    assert found.muted_until("room-b", now) == now + 30_000
    assert found.muted_until("room-a", now) == now + 60_000
    assert (await kit.sanctions.get("author-2")).mutes == {}

    await kit.sanctions.mute("author-1", "room-a", now - 1)  # an until in the past lifts the mute
    assert (await kit.sanctions.get("author-1")).mutes == {EVERYWHERE: now + 30_000}
    if kit.backend == "memory":
        kit.clock.advance(31)
    else:
        # A mute whose time has passed while stored (Redis would get here by waiting): gone when read.
        await kit.client.hset(f"{kit.prefix}{{sx:author-1}}:mutes", EVERYWHERE, now - 5)  # type: ignore[union-attr]
    assert (await kit.sanctions.get("author-1")).mutes == {}


async def test_bans_hold_until_their_time_and_forgotten_sessions_stay_ended(kit: Kit) -> None:
    now = now_ms(kit)
    await kit.sanctions.ban("author-1", now + 3_600_000)
    found = await kit.sanctions.get("author-1")
    assert found.banned(now) and found.banned_until_ms == now + 3_600_000
    await kit.sanctions.ban("author-1", now - 1)
    assert (await kit.sanctions.get("author-1")).banned_until_ms is None
    if kit.backend == "redis":
        await kit.sanctions.ban("author-1", now + 60_000)
        assert 0 < await kit.ttl_ms("{sx:author-1}:ban") <= 60_000
    else:
        await kit.sanctions.ban("author-1", now + 60_000)
        kit.clock.advance(61)
        assert (await kit.sanctions.get("author-1")).banned_until_ms is None

    await kit.sanctions.forget("author-3", 120)
    found = await kit.sanctions.get("author-3")
    assert found.forgotten and found.banned(now_ms(kit))
    if kit.backend == "redis":
        assert 0 < await kit.ttl_ms("{sx:author-3}:forgot") <= 120_000
    else:
        kit.clock.advance(121)
        assert not (await kit.sanctions.get("author-3")).forgotten


# -- durability -------------------------------------------------------------------------------------


async def test_queue_and_audit_survive_a_redis_restart_with_appendonly() -> None:
    server = RedisServer(free_port(), appendonly=True)
    await asyncio.to_thread(server.start)
    try:
        prefix = "durable:"
        client = aioredis.from_url(server.url, decode_responses=False)
        queue, audit = RedisReviewQueue(client, prefix), RedisAuditLog(client, prefix)
        crisis, _ = await queue.add(new_item(ItemKind.ESCALATION, context_before=({"text": "before"},)), T0)
        reported, _ = await queue.add(report("m-1", "rude"), T0 + 1)
        await queue.add(report("m-1", "mean"), T0 + 2)
        held, _ = await queue.add(new_item(ItemKind.HELD), T0 + 3)
        await queue.claim(crisis.id, "ana", T0 + 4, LEASE)
        await queue.claim(held.id, "ben", T0 + 5, LEASE)
        await queue.resolve(held.id, "ben", {"action": "approve"}, T0 + 6)
        for action in ("claim", "approve", "mute"):
            await audit.append("ben", action, held.id, "room-a", "quiet-otter", "")
        before = (await queue.active(), await queue.get(held.id), await audit.page(None, None, 10), await queue.stats())
        await client.aclose()

        await asyncio.to_thread(server.kill)  # no shutdown save: only the append-only file remains
        await asyncio.to_thread(server.start)

        client = aioredis.from_url(server.url, decode_responses=False)
        try:
            queue, audit = RedisReviewQueue(client, prefix), RedisAuditLog(client, prefix)
            after = (
                await queue.active(), await queue.get(held.id), await audit.page(None, None, 10), await queue.stats()
            )
            assert after == before
            assert [item.id for item in after[0]] == [crisis.id, reported.id]
            assert after[0][0].claimed_by == "ana" and after[0][1].report_count == 2
            assert len(after[2]) == 3
            # The stores go on where they stopped: ids are not reused, the merge index holds, scripts reload.
            newer, created = await queue.add(new_item(), T0 + 7)
            assert created and int(newer.id) > int(held.id)
            merged, created = await queue.add(report("m-1"), T0 + 8)
            assert not created and merged.id == reported.id and merged.report_count == 3
            entry = await audit.append("ana", "release", crisis.id, "room-a", None, "")
            assert id_key(entry.id) > id_key(after[2][0].id)
        finally:
            await client.aclose()
    finally:
        await asyncio.to_thread(server.stop)
