"""The moderators' live feed `/mod/ws`: a snapshot of the queue, then every change from every hub.

The first frame must be `{"type": "auth", "token": "<moderator token>"}` (a browser cannot set headers
on a websocket, and a token in the URL would end up in proxy logs).
"""

from __future__ import annotations

import asyncio

import orjson
from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect

from app.mod_api import check_origin
from app.protocol import encode
from app.services import Services
from rooms.fanout import Outbox

router = APIRouter()

CLOSE_UNAUTHORIZED = 4001
_AUTH_TIMEOUT_SECONDS = 10.0


class ModeratorFeed:
    """One moderator's live connection: queue changes are pushed into its outbox."""

    def __init__(self, websocket: WebSocket, services: Services) -> None:
        self._ws = websocket
        self._services = services
        self._dropped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.outbox = Outbox(services.settings.outbox_max_bytes, self._overflow)
        # Changes that arrive before the first snapshot is sent wait here, then follow it.
        self._before_snapshot: list[str] | None = []

    def _overflow(self) -> None:
        if not self._dropped.done():
            self._dropped.set_result(None)

    def deliver(self, frame: str) -> None:
        """Queue a frame for this moderator."""
        if self._before_snapshot is not None:
            self._before_snapshot.append(frame)
        else:
            self.outbox.push(frame)

    def start(self, snapshot: str) -> None:
        """Send the first snapshot, then the changes that came in while it was read."""
        self.outbox.push(snapshot)
        for frame in self._before_snapshot or ():
            self.outbox.push(frame)
        self._before_snapshot = None

    async def resync(self) -> None:
        """Send a fresh snapshot (after the bus reconnected, changes may have been missed)."""
        items = await self._services.review.queue.active()
        self.outbox.push(encode({"type": "snapshot", "items": [item.to_json() for item in items]}))

    async def serve(self) -> None:
        """Write the feed until the moderator goes away."""

        async def write() -> None:
            while (batch := await self.outbox.next_batch()) is not None:
                await self._ws.send_text(batch)

        async def read() -> None:
            while True:
                message = await self._ws.receive()
                if message["type"] == "websocket.disconnect":
                    return
                if message.get("text") and orjson.loads(message["text"]).get("type") == "ping":
                    self.deliver('{"type":"pong"}')

        tasks = [asyncio.create_task(write()), asyncio.create_task(read())]
        try:
            await asyncio.wait([*tasks, self._dropped], return_when=asyncio.FIRST_COMPLETED)
        finally:
            self.outbox.close()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


@router.websocket("/mod/ws")
async def moderator_socket(websocket: WebSocket) -> None:
    """Authenticate a moderator, then stream the queue to them."""
    services: Services = websocket.app.state.services
    if not check_origin(websocket.headers.get("origin"), websocket.headers.get("host"), services):
        await websocket.close(code=1008)
        return
    await websocket.accept()
    try:
        first = await asyncio.wait_for(websocket.receive_text(), _AUTH_TIMEOUT_SECONDS)
        token = orjson.loads(first).get("token") if first.startswith("{") else None
    except (asyncio.TimeoutError, WebSocketDisconnect, orjson.JSONDecodeError, AttributeError):
        token = None
    moderator = await services.moderators.resolve(token) if isinstance(token, str) else None
    if moderator is None:
        await websocket.send_text(encode({"type": "error", "code": "unauthenticated",
                                          "message": "Sign in as a moderator first."}))
        await websocket.close(code=CLOSE_UNAUTHORIZED)
        return
    feed = ModeratorFeed(websocket, services)
    # Register before taking the snapshot so no change between the two is missed; changes that
    # arrive meanwhile are sent after the snapshot (consoles apply changes by item id, so one that
    # the snapshot already shows is harmless).
    services.registry.moderator_feeds.add(feed)
    try:
        items = await services.review.queue.active()
        feed.start(encode({"type": "snapshot", "moderator": {"name": moderator.name, "role": moderator.role.value},
                             "items": [item.to_json() for item in items]}))
        await feed.serve()
    finally:
        services.registry.moderator_feeds.discard(feed)
