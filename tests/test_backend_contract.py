"""One contract, two backends: the embedded memory backend and Redis (a real server) behave alike."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator

import orjson
import pytest
import redis.asyncio as aioredis

from app.protocol import message_body, message_id_key
from rooms.backend import Backend, BackendUnavailable, Publication, PublishResult, Retention
from rooms.memory_backend import MemoryBackend
from rooms.redis_backend import RedisBackend
from tests.support.redis_server import RedisServer, free_port

KEEP = Retention(limit=200, ttl_seconds=3600)


class Recorder:
    """A BusListener that records what it is given and lets a test wait for it."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, str]] = []
        self.events: list[tuple[str, str]] = []
        self.resubscribed: list[str] = []
        self.controls: list[dict] = []
        self.changed = asyncio.Event()

    def on_message(self, room: str, message_id: str, frame: str) -> None:
        self.messages.append((room, message_id, frame))
        self.changed.set()

    def on_event(self, room: str, frame: str) -> None:
        self.events.append((room, frame))
        self.changed.set()

    def on_resubscribed(self, room: str) -> None:
        self.resubscribed.append(room)
        self.changed.set()

    def on_control(self, payload: dict) -> None:
        self.controls.append(payload)
        self.changed.set()

    async def wait_for(self, condition, timeout: float = 10.0) -> None:
        async def loop() -> None:
            while not condition():
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(loop(), timeout)


@pytest.fixture
def own_redis_url() -> Iterator[str]:
    """A throwaway redis-server of this test's own, for what would disturb a shared one."""
    server = RedisServer(free_port())
    server.start()
    yield server.url
    server.stop()


@pytest.fixture(params=["memory", "redis"])
async def backend_factory(request, redis_url, key_prefix) -> AsyncIterator[object]:
    """Makes started backends of the parametrized kind; several share state (as hubs would)."""
    prefix = f"{key_prefix}contract-{secrets.token_hex(3)}:"
    made: list[Backend] = []
    shared_memory = MemoryBackend()
    memory_recorder = Recorder()

    async def make() -> tuple[Backend, Recorder]:
        if request.param == "memory" and made:
            return made[0], memory_recorder  # one process, one listener: "another hub" is the same one
        backend: Backend = shared_memory if request.param == "memory" else RedisBackend(redis_url, prefix)
        recorder = memory_recorder if request.param == "memory" else Recorder()
        await backend.start(recorder)
        made.append(backend)
        return backend, recorder

    make.kind = request.param  # type: ignore[attr-defined]
    yield make
    for backend in made:
        await backend.close()


async def test_publish_appends_to_history_and_announces_in_order(backend_factory):
    backend, recorder = await backend_factory()
    await backend.subscribe("a")
    ids = []
    for number in range(5):
        result = await backend.publish_message("a", message_body("Kind Owl 1", f"m{number}"), "author", None, KEEP)
        assert not result.duplicate
        ids.append(result.message_id)
    assert ids == sorted(ids, key=message_id_key) and len(set(ids)) == 5
    await recorder.wait_for(lambda: len(recorder.messages) == 5)
    assert [message_id for _, message_id, _ in recorder.messages] == ids
    frame = orjson.loads(recorder.messages[0][2])
    assert frame == {
        "type": "message", "room": "a", "id": ids[0], "ts": int(ids[0].split("-")[0]),
        "handle": "Kind Owl 1", "text": "m0",
    }
    page = await backend.history("a", None, KEEP)
    assert [m.message_id for m in page.messages] == ids and page.recovered
    assert [m.frame for m in page.messages] == [frame for _, _, frame in recorder.messages]
    page = await backend.history("a", ids[2], KEEP)
    assert [m.message_id for m in page.messages] == ids[3:] and page.recovered


async def test_only_subscribed_rooms_are_delivered(backend_factory):
    backend, recorder = await backend_factory()
    await backend.subscribe("b")
    await backend.publish_message("other", message_body("X", "not for you"), "a", None, KEEP)
    await backend.publish_message("b", message_body("X", "for you"), "a", None, KEEP)
    await recorder.wait_for(lambda: recorder.messages)
    assert [room for room, _, _ in recorder.messages] == ["b"]
    await backend.unsubscribe("b")
    await backend.publish_message("b", message_body("X", "after leaving"), "a", None, KEEP)
    await backend.subscribe("b2")  # a later subscription confirms the earlier unsubscribe took effect
    await backend.publish_message("b2", message_body("X", "marker"), "a", None, KEEP)
    await recorder.wait_for(lambda: len(recorder.messages) == 2)
    assert [room for room, _, _ in recorder.messages] == ["b", "b2"]


async def test_idempotent_publish_returns_the_first_result_and_announces_once(backend_factory):
    backend, recorder = await backend_factory()
    await backend.subscribe("c")
    first = await backend.publish_message("c", message_body("X", "once"), "a", "author:client-1", KEEP)
    again = await backend.publish_message("c", message_body("X", "once"), "a", "author:client-1", KEEP)
    other = await backend.publish_message("c", message_body("X", "twice"), "a", "author:client-2", KEEP)
    assert again.message_id == first.message_id and again.duplicate and not first.duplicate
    assert other.message_id != first.message_id
    page = await backend.history("c", None, KEEP)
    assert [m.message_id for m in page.messages] == [first.message_id, other.message_id]


async def test_history_is_trimmed_by_count_and_a_lost_since_is_not_recovered(backend_factory):
    backend, _ = await backend_factory()
    small = Retention(limit=3, ttl_seconds=3600)
    ids = [
        (await backend.publish_message("d", message_body("X", str(n)), "a", None, small)).message_id for n in range(6)
    ]
    page = await backend.history("d", None, small)
    assert [m.message_id for m in page.messages] == ids[3:]
    assert (await backend.history("d", ids[1], small)).recovered is False  # ids[2] was trimmed
    assert (await backend.history("d", ids[2], small)).recovered is True  # nothing after it was lost
    assert [m.message_id for m in (await backend.history("d", ids[2], small)).messages] == ids[3:]


async def test_redis_keeps_a_room_log_no_longer_than_the_retention_after_its_last_message(redis_url, key_prefix):
    # Nobody may ever read the room again: its log and watermark must go by themselves.
    prefix = f"{key_prefix}expire-{secrets.token_hex(3)}:"
    backend = RedisBackend(redis_url, prefix)
    await backend.start(Recorder())
    admin = aioredis.from_url(redis_url)
    try:
        await backend.publish_message("quiet", message_body("X", "hello"), "a", None, Retention(200, 60))
        for suffix in ("log", "wm"):
            ttl = await admin.pttl(f"{prefix}{{quiet}}:{suffix}")
            assert 0 < ttl <= 60_000
    finally:
        await admin.aclose()
        await backend.close()


async def test_memory_drops_a_room_log_the_retention_after_its_last_message():
    now = [1_000.0]
    backend = MemoryBackend(clock=lambda: now[0])
    await backend.start(Recorder())
    short = Retention(limit=200, ttl_seconds=60)
    sent = await backend.publish_message("quiet", message_body("X", "hello"), "a", None, short)
    now[0] += 61 + 60  # past the retention, and past the next minutely sweep
    await backend.publish_message("busy", message_body("X", "hi"), "a", None, short)
    assert "quiet" not in backend._logs  # stored nowhere any more, not merely hidden from readers
    page = await backend.history("quiet", sent.message_id, short)
    assert page.messages == [] and page.recovered is False


async def test_redis_trims_a_busy_room_in_steps_but_never_shows_more_than_the_limit(redis_url, key_prefix):
    prefix = f"{key_prefix}slack-{secrets.token_hex(3)}:"
    backend = RedisBackend(redis_url, prefix)
    await backend.start(Recorder())
    admin = aioredis.from_url(redis_url)
    retention = Retention(limit=16, ttl_seconds=3600)  # lets the log run 2 over before trimming
    try:
        ids = [(await backend.publish_message("busy", message_body("X", str(n)), "a", None, retention)).message_id
               for n in range(18)]
        assert await admin.xlen(f"{prefix}{{busy}}:log") == 18  # within the slack: not trimmed yet
        page = await backend.history("busy", None, retention)
        assert [m.message_id for m in page.messages] == ids[2:]
        assert (await backend.history("busy", ids[0], retention)).recovered is False
        assert (await backend.history("busy", ids[1], retention)).recovered is True
        await backend.publish_message("busy", message_body("X", "next"), "a", None, retention)
        assert await admin.xlen(f"{prefix}{{busy}}:log") == 17
    finally:
        await admin.aclose()
        await backend.close()


async def test_since_for_a_room_without_history_is_not_recovered(backend_factory):
    backend, _ = await backend_factory()
    page = await backend.history("never-used", "1700000000000-0", KEEP)
    assert page.messages == [] and page.recovered is False
    page = await backend.history("never-used", None, KEEP)
    assert page.messages == [] and page.recovered is True


async def test_presence_sums_over_hubs_and_announces_changes(backend_factory):
    first, recorder = await backend_factory()
    second, _ = await backend_factory()
    await first.subscribe("e")
    assert await first.set_presence("e", "hub-1", 2, 30) == 2
    assert await second.set_presence("e", "hub-2", 3, 30) == 5
    assert await first.presence_counts(["e", "empty"]) == {"e": 5, "empty": 0}
    await recorder.wait_for(lambda: any('"count":5' in frame for _, frame in recorder.events))
    assert await second.set_presence("e", "hub-2", 0, 30) == 2
    assert await first.presence_counts(["e"]) == {"e": 2}


async def test_handles_are_reserved_per_session(backend_factory):
    backend, _ = await backend_factory()
    handle = f"Calm Otter {secrets.randbelow(10**6)}"
    assert await backend.reserve_handle(handle, "session-1", 60)
    assert await backend.reserve_handle(handle, "session-1", 60)  # renewing one's own
    assert not await backend.reserve_handle(handle.upper(), "session-2", 60)


async def test_all_hubs_get_the_same_signing_key(backend_factory):
    first, _ = await backend_factory()
    second, _ = await backend_factory()
    key = await first.shared_secret(b"first-candidate")
    assert await second.shared_secret(b"second-candidate") == key


async def test_events_reach_subscribers(backend_factory):
    backend, recorder = await backend_factory()
    await backend.subscribe("f")
    await backend.publish_event("f", '{"type":"deleted","room":"f","id":"1-0"}')
    await recorder.wait_for(lambda: recorder.events)
    assert recorder.events == [("f", '{"type":"deleted","room":"f","id":"1-0"}')]


async def test_redis_bus_reconnects_and_reports_rooms_to_resynchronise(redis_url, key_prefix):
    backend = RedisBackend(redis_url, f"{key_prefix}reconnect-{secrets.token_hex(3)}:")
    recorder = Recorder()
    await backend.start(recorder)
    try:
        await backend.subscribe("g")
        admin = aioredis.from_url(redis_url)
        killed = await admin.client_kill_filter(_type="pubsub", skipme=True)
        assert killed >= 1
        await admin.aclose()
        await recorder.wait_for(lambda: "g" in recorder.resubscribed)
        await backend.publish_message("g", message_body("X", "after reconnect"), "a", None, KEEP)
        await recorder.wait_for(lambda: recorder.messages)
        assert recorder.messages[0][0] == "g"
    finally:
        await backend.close()


async def test_control_messages_reach_every_hub(backend_factory):
    first, first_recorder = await backend_factory()
    second, second_recorder = await backend_factory()
    await first.publish_control({"k": "mute", "author": "abc"})
    await first_recorder.wait_for(lambda: first_recorder.controls)
    await second_recorder.wait_for(lambda: second_recorder.controls)
    assert first_recorder.controls == second_recorder.controls == [{"k": "mute", "author": "abc"}]


async def test_deleting_one_message_or_all_of_an_author(backend_factory):
    backend, _ = await backend_factory()
    ids = []
    for author in ("ann", "bob", "ann", "cy"):
        ids.append((await backend.publish_message("h", message_body(author, "x"), author, None, KEEP)).message_id)
    assert await backend.delete_messages("h", ids[3], None) == [ids[3]]
    assert sorted(await backend.delete_messages("h", None, "ann"), key=message_id_key) == [ids[0], ids[2]]
    page = await backend.history("h", None, KEEP)
    assert [(m.message_id, m.author_key) for m in page.messages] == [(ids[1], "bob")]
    # A client that had seen a deleted message can still resume from it.
    assert (await backend.history("h", ids[0], KEEP)).recovered is True


def _batch(room: str, texts: list[str], keys: list[str | None] | None = None) -> list[Publication]:
    keys = keys or [None] * len(texts)
    return [Publication(room, message_body("X", text), "author", key) for text, key in zip(texts, keys)]


def _texts(frames: list[str]) -> list[str]:
    return [orjson.loads(frame)["text"] for frame in frames]


async def test_a_batch_lands_in_its_order_in_history_and_on_the_channel(backend_factory):
    backend, recorder = await backend_factory()
    await backend.subscribe("i")
    before = await backend.publish_message("i", message_body("X", "before"), "author", None, KEEP)
    texts = [f"b{n}" for n in range(20)]
    results = await backend.publish_messages(_batch("i", texts), KEEP)
    assert all(isinstance(r, PublishResult) and not r.duplicate for r in results)
    ids = [before.message_id] + [r.message_id for r in results]
    assert ids == sorted(ids, key=message_id_key) and len(set(ids)) == 21
    await recorder.wait_for(lambda: len(recorder.messages) == 21)
    assert [message_id for _, message_id, _ in recorder.messages] == ids
    assert _texts([frame for _, _, frame in recorder.messages]) == ["before", *texts]
    page = await backend.history("i", None, KEEP)
    assert [m.message_id for m in page.messages] == ids
    assert await backend.publish_messages([], KEEP) == []


async def test_idempotency_keys_hold_inside_a_batch_and_across_batches(backend_factory):
    backend, recorder = await backend_factory()
    await backend.subscribe("j")
    first = await backend.publish_messages(_batch("j", ["a", "b", "a again"], ["k:1", "k:2", "k:1"]), KEEP)
    assert [r.duplicate for r in first] == [False, False, True]
    assert first[2].message_id == first[0].message_id
    second = await backend.publish_messages(_batch("j", ["b again", "c"], ["k:2", "k:3"]), KEEP)
    assert [r.duplicate for r in second] == [True, False]
    assert second[0].message_id == first[1].message_id
    page = await backend.history("j", None, KEEP)
    assert _texts([m.frame for m in page.messages]) == ["a", "b", "c"]
    await recorder.wait_for(lambda: len(recorder.messages) == 3)
    await backend.publish_message("j", message_body("X", "marker"), "author", None, KEEP)
    await recorder.wait_for(lambda: len(recorder.messages) == 4)
    assert _texts([frame for _, _, frame in recorder.messages]) == ["a", "b", "c", "marker"]  # repeats unannounced


async def test_a_batch_may_mix_rooms_and_each_room_keeps_the_batch_order(backend_factory):
    backend, recorder = await backend_factory()
    first, _ = await backend_factory()
    rooms = ["k1", "k2", "k3"]
    for room in rooms:
        await backend.subscribe(room)
    items = [item for n in range(10) for item in _batch(rooms[n % 3], [f"{rooms[n % 3]}-{n}"])]
    results = await first.publish_messages(items, KEEP)
    await recorder.wait_for(lambda: len(recorder.messages) == 10)
    for room in rooms:
        expected = [item for item in items if item.room == room]
        ids = [r.message_id for item, r in zip(items, results) if item.room == room]
        assert ids == sorted(ids, key=message_id_key) and len(set(ids)) == len(ids)
        live = [(message_id, frame) for r, message_id, frame in recorder.messages if r == room]
        assert [message_id for message_id, _ in live] == ids
        assert _texts([frame for _, frame in live]) == _texts(["{" + item.body for item in expected])
        page = await backend.history(room, None, KEEP)
        assert [m.message_id for m in page.messages] == ids


async def test_redis_batch_reloads_a_lost_script_and_keeps_the_order(own_redis_url, key_prefix):
    backend = RedisBackend(own_redis_url, f"{key_prefix}noscript-{secrets.token_hex(3)}:")
    recorder = Recorder()
    await backend.start(recorder)
    admin = aioredis.from_url(own_redis_url)
    try:
        await backend.subscribe("l")
        await backend.publish_message("l", message_body("X", "warm"), "a", None, KEEP)
        await admin.script_flush()
        results = await backend.publish_messages(_batch("l", ["x", "y", "z"]), KEEP)
        assert all(isinstance(r, PublishResult) for r in results)
        page = await backend.history("l", None, KEEP)
        assert _texts([m.frame for m in page.messages]) == ["warm", "x", "y", "z"]
        assert [m.message_id for m in page.messages][1:] == [r.message_id for r in results]
    finally:
        await admin.aclose()
        await backend.close()


async def test_redis_batch_that_cannot_reach_redis_gives_each_message_its_error(key_prefix):
    backend = RedisBackend(f"redis://127.0.0.1:{free_port()}/0", key_prefix)
    try:
        results = await backend.publish_messages(_batch("m", ["one", "two"]), KEEP)
        assert [type(r) for r in results] == [BackendUnavailable, BackendUnavailable]
        with pytest.raises(BackendUnavailable):
            await backend.publish_message("m", message_body("X", "three"), "a", None, KEEP)
    finally:
        await backend.close()
