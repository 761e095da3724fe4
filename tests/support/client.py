"""A test chat client over a real websocket: splits newline-delimited batches, waits on frames."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from typing import Any

import orjson
import websockets

DEFAULT_TIMEOUT = 10.0


class ChatClient:
    """One connection to a hub. `expect` waits for a frame of a type, keeping the others in order."""

    _ids = itertools.count(1)

    def __init__(self, url: str) -> None:
        self.url = url
        self.ws: Any = None
        self.frames: deque[dict[str, Any]] = deque()
        self.handle: str | None = None
        self.resume_token: str | None = None

    async def connect(self, **options: Any) -> "ChatClient":
        self.ws = await websockets.connect(self.url, max_size=None, **options)
        return self

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def __aenter__(self) -> "ChatClient":
        if self.ws is None:
            await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def send_frame(self, frame: dict[str, Any] | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else orjson.dumps(frame).decode())

    async def next_frame(self, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """The next server frame (one line of a possibly batched websocket message)."""
        if not self.frames:
            text = await asyncio.wait_for(self.ws.recv(), timeout)
            self.frames.extend(orjson.loads(line) for line in text.split("\n"))
        return self.frames.popleft()

    async def expect(self, kind: str, timeout: float = DEFAULT_TIMEOUT, **match: Any) -> dict[str, Any]:
        """Wait for the next frame of type `kind` (matching `match`); other frames stay queued in order."""
        skipped: list[dict[str, Any]] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                frame = await self.next_frame(max(deadline - loop.time(), 0.001))
                if frame["type"] == kind and all(frame.get(k) == v for k, v in match.items()):
                    return frame
                skipped.append(frame)
        finally:
            self.frames.extendleft(reversed(skipped))

    async def hello(self, resume_token: str | None = None, **fields: Any) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": "hello", **fields}
        if resume_token is not None:
            frame["resume_token"] = resume_token
        await self.send_frame(frame)
        welcome = await self.expect("welcome")
        self.handle, self.resume_token = welcome["handle"], welcome["resume_token"]
        return welcome

    async def join(self, room: str, since: str | None = None) -> dict[str, Any]:
        frame: dict[str, Any] = {"type": "join", "room": room}
        if since is not None:
            frame["since"] = since
        await self.send_frame(frame)
        return await self.expect("joined", room=room)

    async def send(self, room: str, text: str, client_id: str | None = None) -> str:
        client_id = client_id or f"c{next(self._ids)}"
        await self.send_frame({"type": "send", "room": room, "text": text, "client_id": client_id})
        return client_id

    async def error(self, code: str, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        """Wait for an `error` frame and check its code."""
        frame = await self.expect("error", timeout)
        assert frame["code"] == code, frame
        assert frame["message"], frame
        return frame

    async def messages(self, room: str, count: int, timeout: float = DEFAULT_TIMEOUT) -> list[dict[str, Any]]:
        """The next `count` message frames of `room`."""
        return [await self.expect("message", timeout, room=room) for _ in range(count)]


async def connected(url: str, room: str | None = None, **hello: Any) -> ChatClient:
    """A client that has said hello and, if given, joined `room`."""
    client = await ChatClient(url).connect()
    await client.hello(**hello)
    if room is not None:
        await client.join(room)
    return client
