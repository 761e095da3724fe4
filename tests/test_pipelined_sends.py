"""A client that writes many frames without waiting: its sends are published together, yet every
frame takes effect in the order sent and every reply comes in that order (real hubs, real Redis)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from app.protocol import message_id_key
from rooms.backend import Retention
from rooms.redis_backend import RedisBackend
from tests.conftest import hub_env
from tests.support.client import ChatClient, connected
from tests.support.hubs import HubProcess
from tests.support.moderators import Feed, Moderator

BURST = 200  # more than the 64 sends a connection takes ahead, so the reader also waits for room


async def _replies_until_pong(client: ChatClient) -> list[dict[str, Any]]:
    """Send a ping and return the frames answering this client's earlier frames, in order: a pong
    comes after the replies to every frame before it. Room traffic (messages, presence) stays queued."""
    await client.send_frame({"type": "ping"})
    replies: list[dict[str, Any]] = []
    traffic: list[dict[str, Any]] = []
    try:
        while (frame := await client.next_frame())["type"] != "pong":
            (traffic if frame["type"] in ("message", "presence", "deleted") else replies).append(frame)
    finally:
        client.frames.extendleft(reversed(traffic))
    return replies


def _outline(replies: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """Each reply's type and the `client_id` (or error `ref`) it answers."""
    return [(reply["type"], reply.get("client_id", reply.get("ref"))) for reply in replies]


async def test_a_burst_is_acked_in_order_and_every_member_gets_it_once_in_order(hubs, room):
    first, second = hubs
    sender = await connected(first.ws_url, room)
    members = [await connected(first.ws_url, room), await connected(second.ws_url, room)]
    client_ids = [f"burst-{n}" for n in range(BURST)]
    for number, client_id in enumerate(client_ids):
        await sender.send(room, f"burst {number}", client_id=client_id)

    replies = await _replies_until_pong(sender)
    assert _outline(replies) == [("ack", client_id) for client_id in client_ids]
    ids = [reply["id"] for reply in replies]
    assert ids == sorted(ids, key=message_id_key) and len(set(ids)) == BURST
    expected = [(message_id, f"burst {number}") for number, message_id in enumerate(ids)]
    for member in [sender, *members]:
        assert [(m["id"], m["text"]) for m in await member.messages(room, BURST)] == expected
    # Nothing more arrives: each message came exactly once.
    for member in members:
        await member.send_frame({"type": "ping"})
        await member.expect("pong")
        assert not [frame for frame in member.frames if frame["type"] == "message"]
    for client in [sender, *members]:
        await client.close()


async def test_a_send_then_leave_written_at_once_take_effect_in_that_order(hubs, room):
    first, second = hubs
    author = await connected(first.ws_url, room)
    other = await connected(second.ws_url, room)
    await author.send(room, "one last thing", client_id="last")
    await author.send_frame({"type": "leave", "room": room})
    await author.send(room, "too late", client_id="late")

    replies = await _replies_until_pong(author)
    assert _outline(replies) == [("ack", "last"), ("left", None), ("error", "late")]
    assert replies[2]["code"] == "not_joined"
    message = await other.expect("message", room=room)
    assert (message["id"], message["text"]) == (replies[0]["id"], "one last thing")
    for client in (author, other):
        await client.close()


async def test_a_send_then_forget_written_at_once_is_published_then_forgotten(hubs, room):
    first, second = hubs
    author = await connected(first.ws_url, room)
    other = await connected(second.ws_url, room)
    await author.send(room, "please forget this", client_id="gone")
    await author.send_frame({"type": "forget"})

    ack = await author.next_frame()
    while ack["type"] in ("message", "presence"):
        ack = await author.next_frame()
    assert (ack["type"], ack["client_id"]) == ("ack", "gone")
    assert (await author.expect("forgotten"))["removed"] == 1
    assert (await other.expect("deleted", room=room))["id"] == ack["id"]
    await other.close()


async def test_sends_written_just_before_the_client_closes_are_still_published(hubs, room):
    first, second = hubs
    author = await connected(first.ws_url, room)
    other = await connected(second.ws_url, room)
    for number in range(20):
        await author.send(room, f"parting {number}", client_id=f"parting-{number}")
    await author.close()
    received = await other.messages(room, 20)
    assert [m["text"] for m in received] == [f"parting {number}" for number in range(20)]
    await other.close()


async def test_moderation_outcomes_in_a_burst_come_back_in_order_with_their_client_ids(hubs):
    author = await connected(hubs[0].ws_url, "strict")
    other = await connected(hubs[1].ws_url, "strict")
    burst = [
        ("plain", "hello all, first time here"),
        ("phone", "text me on +1 415 555 0133 if you want to talk"),
        ("insult", "you are a worthless idiot and everyone hates you"),
        ("swear", "this is fucking bullshit"),
        ("crisis", "I want to kill myself"),
        ("empty", "   "),
        ("after", "thanks for listening"),
    ]
    for client_id, text in burst:
        await author.send("strict", text, client_id=client_id)

    replies = await _replies_until_pong(author)
    assert _outline(replies) == [
        ("ack", "plain"),
        ("ack", "phone"), ("redacted", "phone"),
        ("held", "insult"),
        ("blocked", "swear"),
        ("ack", "crisis"), ("crisis", None),
        ("error", "empty"),
        ("ack", "after"),
    ]
    assert replies[7]["code"] == "empty_text"
    published = [reply["id"] for reply in replies if reply["type"] == "ack"]
    received = await other.messages("strict", 4)
    assert [m["id"] for m in received] == published
    assert [m["text"] for m in received][2:] == ["I want to kill myself", "thanks for listening"]
    assert "555" not in received[1]["text"]
    for client in (author, other):
        await client.close()


async def test_moderators_see_a_held_message_with_only_what_was_sent_before_it(hubs, team, moderated_room):
    first, second = hubs
    moderator = await Moderator.sign_in(first, "alice", team["alice"])
    feed = await Feed.open(first, moderator.token)
    author = await connected(second.ws_url, moderated_room)
    await author.send(moderated_room, "I had a rough week", client_id="before")
    await author.send(moderated_room, "you are a worthless idiot and everyone hates you", client_id="held")
    await author.send(moderated_room, "sorry, bad day", client_id="after")

    assert _outline(await _replies_until_pong(author)) == [("ack", "before"), ("held", "held"), ("ack", "after")]
    item = (await feed.expect(lambda f: f.get("type") == "queue" and f["item"]["room"] == moderated_room))["item"]
    assert item["kind"] == "held"
    # The later message was published in the same batch, before the item was made: it is not "before".
    assert [m["text"] for m in item["context"]["before"]] == ["I had a rough week"]
    assert [m["text"] for m in item["context"]["author_recent"]] == ["I had a rough week"]
    for client in (moderator, feed, author):
        await client.close()


async def _resend_until_acknowledged(client: ChatClient, room: str, texts: dict[str, str]) -> dict[str, str]:
    """Send every unacknowledged message again (same client_id) in bursts until each is acked."""
    acked: dict[str, str] = {}
    while True:
        for client_id, text in texts.items():
            if client_id not in acked:
                await client.send(room, text, client_id=client_id)
        retry_after = 0.0
        for reply in await _replies_until_pong(client):
            if reply["type"] == "ack":
                acked[reply["client_id"]] = reply["id"]
            else:
                assert reply["code"] == "unavailable" and reply["retry_after"] > 0, reply
                retry_after = reply["retry_after"]
        if len(acked) == len(texts):
            return acked
        await asyncio.sleep(min(retry_after, 0.2))  # the server asked us to wait before retrying


async def _history(redis_url: str, prefix: str, room: str) -> list[dict[str, Any]]:
    """A room's history read straight from Redis (a hub's pooled connections may still be the dead ones)."""
    backend = RedisBackend(redis_url, prefix)
    try:
        page = await backend.history(room, None, Retention(limit=200, ttl_seconds=3600))
    finally:
        await backend.close()
    return [orjson.loads(m.frame) for m in page.messages]


async def test_a_burst_while_redis_is_down_is_refused_message_by_message_and_nothing_acked_is_lost(
    own_redis, rooms_file, room
):
    env = hub_env(own_redis.url, "burst-outage:", rooms_file)
    hubs = [HubProcess(env).start(), HubProcess(env).start()]
    try:
        sender = await connected(hubs[0].ws_url, room)
        receiver = await connected(hubs[1].ws_url, room)
        early = {f"early-{n}": f"early {n}" for n in range(10)}
        acked = await _resend_until_acknowledged(sender, room, early)

        own_redis.kill()
        late = {f"late-{n}": f"late {n}" for n in range(20)}
        for client_id, text in late.items():
            await sender.send(room, text, client_id=client_id)
        replies = await _replies_until_pong(sender)
        assert _outline(replies) == [("error", client_id) for client_id in late]
        assert all(reply["code"] == "unavailable" and reply["retry_after"] > 0 for reply in replies)

        own_redis.start()
        acked |= await _resend_until_acknowledged(sender, room, late)
        # Every acked message is in history exactly once (Redis kept its append-only file), in ack order.
        history = await _history(own_redis.url, "burst-outage:", room)
        assert [m["id"] for m in history] == sorted(acked.values(), key=message_id_key)
        assert sorted(m["text"] for m in history) == sorted([*early.values(), *late.values()])
        # The member on the other hub got each of them once, in history order.
        received = await receiver.messages(room, len(history), timeout=15)
        assert [m["id"] for m in received] == [m["id"] for m in history]
        for client in (sender, receiver):
            await client.close()
    finally:
        for hub in hubs:
            hub.stop()
