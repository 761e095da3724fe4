"""Delivery across two real hub processes sharing one Redis."""

from __future__ import annotations

import asyncio

from tests.support.client import ChatClient, connected


async def test_members_on_both_hubs_receive_every_message_once_in_the_same_order(hubs, room, another_room):
    first, second = hubs
    members = [await connected(hub.ws_url, room) for hub in (first, second, first, second)]
    outsider = await connected(second.ws_url, another_room)
    senders = members[:2]
    for round_number in range(25):
        for index, sender in enumerate(senders):
            await sender.send(room, f"message {round_number}-{index}")

    received = [await member.messages(room, 50) for member in members]
    orders = [[frame["id"] for frame in frames] for frames in received]
    assert all(order == orders[0] for order in orders)
    assert len(set(orders[0])) == 50
    texts = [frame["text"] for frame in received[0]]
    assert sorted(texts) == sorted(f"message {r}-{i}" for r in range(25) for i in range(2))
    # Nothing more arrives: each message came exactly once.
    await members[0].send_frame({"type": "ping"})
    await members[0].expect("pong")
    assert not [f for f in members[0].frames if f["type"] == "message"]
    # A member of another room received none of them.
    await outsider.send_frame({"type": "ping"})
    pong_or_message = await outsider.next_frame()
    while pong_or_message["type"] == "presence":
        pong_or_message = await outsider.next_frame()
    assert pong_or_message["type"] == "pong"
    for client in members + [outsider]:
        await client.close()
