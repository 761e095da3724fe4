"""Hubs ride out a Redis restart: sends during the outage are refused (and safe to retry), delivery resumes."""

from __future__ import annotations

import asyncio


from tests.conftest import hub_env
from tests.support.client import ChatClient, connected
from tests.support.hubs import HubProcess


async def _send_until_acknowledged(client: ChatClient, room: str, text: str, client_id: str) -> dict:
    while True:
        await client.send(room, text, client_id=client_id)
        reply = await _ack_or_error(client, client_id)
        if reply["type"] == "ack":
            return reply
        assert reply["code"] == "unavailable" and reply["retry_after"] > 0
        await asyncio.sleep(min(reply["retry_after"], 0.2))  # the server asked us to wait before retrying


async def _ack_or_error(client: ChatClient, client_id: str) -> dict:
    while True:
        frame = await client.next_frame()
        if frame["type"] == "ack" and frame["client_id"] == client_id:
            return frame
        if frame["type"] == "error":
            return frame
        # Anything else (presence, the echo of one's own message) is not what this waits for.


async def test_delivery_resumes_after_redis_restarts_and_nothing_accepted_is_lost(own_redis, rooms_file, room):
    env = hub_env(own_redis.url, "restart:", rooms_file)
    hubs = [HubProcess(env).start(), HubProcess(env).start()]
    try:
        sender = await connected(hubs[0].ws_url, room)
        receiver = await connected(hubs[1].ws_url, room)
        await sender.send(room, "before", client_id="before")
        before = await _ack_or_error(sender, "before")
        assert before["type"] == "ack"
        assert (await receiver.expect("message", room=room))["id"] == before["id"]

        own_redis.kill()
        own_redis.start()

        after = await _send_until_acknowledged(sender, room, "after the restart", "after")
        message = await receiver.expect("message", timeout=15, room=room)
        assert (message["id"], message["text"]) == (after["id"], "after the restart")
        # The message accepted before the restart is still in history (Redis kept its append-only file).
        late = await connected(hubs[1].ws_url)
        history = (await late.join(room))["history"]
        assert [m["id"] for m in history] == [before["id"], after["id"]]
        for client in (sender, receiver, late):
            await client.close()
    finally:
        for hub in hubs:
            hub.stop()
