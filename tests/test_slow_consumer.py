"""A reader that stops reading is dropped; the room's delivery to everyone else goes on."""

from __future__ import annotations

import asyncio
import socket

import websockets

from tests.support.client import ChatClient, connected

MESSAGES = 2600  # 5 MB: more than the kernel buffers between the hub and the client hold
TEXT = "abcdefghij" * 190


async def _stalled_client(url: str, room: str) -> ChatClient:
    # A tiny receive buffer and a one-message client queue: once those are full the client stops
    # reading from the socket, as a frozen phone or a dead tab would.
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", int(url.rsplit(":", 1)[1].split("/")[0])))
    client = ChatClient(url)
    client.ws = await websockets.connect(url, sock=sock, max_size=None, max_queue=1)
    await client.hello()
    await client.join(room)
    return client


async def test_a_stalled_reader_is_dropped_and_the_others_keep_receiving(start_hub, room):
    hub = start_hub(PEERCHAT_OUTBOX_MAX_BYTES="65536")
    stalled = await _stalled_client(hub.ws_url, room)
    readers = [await connected(hub.ws_url, room) for _ in range(2)]
    sender = await connected(hub.ws_url, room)

    async def publish() -> None:
        for index in range(MESSAGES):
            await sender.send(room, f"{index} {TEXT}")

    async def drain_sender() -> None:
        # The sender is a member too and gets the whole flood back: it must read like any client, or
        # it is itself a stalled reader and is dropped before it has sent everything.
        while True:
            await sender.ws.recv()

    publishing = asyncio.create_task(publish())
    draining = asyncio.create_task(drain_sender())
    received = await asyncio.gather(*(reader.messages(room, MESSAGES, timeout=30) for reader in readers))
    await publishing
    draining.cancel()
    await asyncio.gather(draining, return_exceptions=True)
    for frames in received:
        assert [int(frame["text"].split()[0]) for frame in frames] == list(range(MESSAGES))

    # The hub let go of the stalled member: the room's count drops from 4 to 3 for everyone.
    await readers[0].expect("presence", timeout=30, count=3)
    # When the stalled client finally reads, its connection has been closed by the server.
    try:
        while True:
            await asyncio.wait_for(stalled.ws.recv(), 30)
    except websockets.ConnectionClosed as closed:
        assert closed.rcvd is None or closed.rcvd.code == 4008
    for client in readers + [sender]:
        await client.close()
