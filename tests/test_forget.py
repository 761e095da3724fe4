""""Leave and forget me": a session's messages leave every room's history and the session ends."""

from __future__ import annotations

import pytest
import websockets

from tests.support.client import ChatClient, connected


async def test_forgetting_removes_the_messages_everywhere_and_ends_the_session(hubs, room, another_room):
    first, second = hubs
    leaver = await connected(first.ws_url, room)
    await leaver.join(another_room)
    other = await connected(second.ws_url, room)
    await other.join(another_room)
    ids = []
    for target, text in ((room, "something I regret saying"), (another_room, "and this too"), (room, "bye")):
        client_id = await leaver.send(target, text)
        ids.append((await leaver.expect("ack", client_id=client_id))["id"])
    await other.send(room, "a message that stays")
    kept = (await other.expect("ack"))["id"]

    await leaver.send_frame({"type": "forget"})
    assert (await leaver.expect("forgotten"))["removed"] == 3
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            await leaver.next_frame()
    assert leaver.ws.close_code == 1000

    deleted = {(await other.expect("deleted"))["id"] for _ in range(3)}
    assert deleted == set(ids)
    newcomer = await connected(second.ws_url)
    history = [m["id"] for m in (await newcomer.join(room))["history"]]
    assert history == [kept]
    comeback = await ChatClient(first.ws_url).connect()
    await comeback.send_frame({"type": "hello", "resume_token": leaver.resume_token})
    await comeback.error("invalid_resume_token")
    for client in (other, newcomer, comeback):
        await client.close()
