"""Gapless resume: a client killed mid-stream rejoins with `since` while others keep publishing."""

from __future__ import annotations

import asyncio

from tests.support.client import ChatClient, connected

TOTAL = 300


async def _publish(sender: ChatClient, room: str, count: int, label: str) -> None:
    for index in range(count):
        await sender.send(room, f"{label}-{index}")
        # Wait for each ack so the stream of messages stays live for the whole test.
        await sender.expect("ack")


async def test_reconnect_with_since_gets_everything_missed_without_gap_or_duplicate(hubs, room):
    first, second = hubs
    witness = await connected(first.ws_url, room)  # stays connected: the reference order
    victim = await connected(first.ws_url, room)
    senders = [await connected(first.ws_url, room), await connected(second.ws_url, room)]
    publishing = [
        asyncio.create_task(_publish(sender, room, TOTAL // 2, f"s{number}")) for number, sender in enumerate(senders)
    ]

    before_kill = await victim.messages(room, 40)
    victim.ws.transport.abort()  # the network dies under the client: no close handshake
    await asyncio.sleep(0)

    resumed = await ChatClient(second.ws_url).connect()  # back through the other hub
    welcome = await resumed.hello(victim.resume_token)
    assert welcome["handle"] == victim.handle
    joined = await resumed.join(room, since=before_kill[-1]["id"])
    assert joined["recovered"] is True
    after = list(joined["history"])
    await asyncio.gather(*publishing)
    while len(before_kill) + len(after) < TOTAL:
        after.append(await resumed.expect("message", room=room))

    reference = [frame["id"] for frame in await witness.messages(room, TOTAL)]
    seen = [frame["id"] for frame in before_kill + after]
    assert seen == reference
    assert len(set(seen)) == TOTAL
    for client in [witness, resumed, *senders]:
        await client.close()


async def test_since_older_than_retained_history_says_not_recovered(start_hub, room):
    hub = start_hub(PEERCHAT_HISTORY_LIMIT="5")
    sender = await connected(hub.ws_url, room)
    ids = []
    for index in range(8):
        await sender.send(room, f"m{index}")
        ids.append((await sender.expect("ack"))["id"])

    late = await connected(hub.ws_url)
    joined = await late.join(room, since=ids[0])
    assert joined["recovered"] is False
    assert [frame["id"] for frame in joined["history"]] == ids[3:]

    current = await connected(hub.ws_url)
    joined = await current.join(room, since=ids[4])
    assert joined["recovered"] is True
    assert [frame["id"] for frame in joined["history"]] == ids[5:]
    for client in (sender, late, current):
        await client.close()


async def test_a_repeated_send_after_reconnect_is_acknowledged_with_the_same_id_and_posted_once(hubs, room):
    first, second = hubs
    witness = await connected(first.ws_url, room)
    author = await connected(first.ws_url, room)
    await author.send(room, "only once please", client_id="retry-1")
    original = await author.expect("ack", client_id="retry-1")
    await author.close()

    again = await ChatClient(second.ws_url).connect()
    await again.hello(author.resume_token)
    await again.join(room)
    await again.send(room, "only once please", client_id="retry-1")
    repeated = await again.expect("ack", client_id="retry-1")
    assert repeated["id"] == original["id"]

    await again.send(room, "a new one", client_id="retry-2")
    fresh = await again.expect("ack", client_id="retry-2")
    received = await witness.messages(room, 2)
    assert [m["id"] for m in received] == [original["id"], fresh["id"]]
    await witness.close()
    await again.close()
