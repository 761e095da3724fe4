"""Moderator helpers for tests: create accounts with the real CLI, sign in, use the API and the feed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import httpx
import orjson
import websockets

from tests.support.hubs import ROOT, HubProcess


def add_moderator(env: dict[str, str], name: str, role: str = "moderator") -> str:
    """Create a moderator with `peerchat moderators add` and return the printed one-time secret."""
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "moderators", "add", name, "--role", role],
        cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().rsplit(" ", 1)[-1]


class Moderator:
    """A signed-in moderator talking to one hub's HTTP API."""

    def __init__(self, hub: HubProcess, name: str, token: str) -> None:
        self.hub, self.name, self.token = hub, name, token
        self.http = httpx.AsyncClient(base_url=hub.http_url, headers={"Authorization": f"Bearer {token}"})

    @classmethod
    async def sign_in(cls, hub: HubProcess, name: str, secret: str) -> "Moderator":
        async with httpx.AsyncClient(base_url=hub.http_url) as http:
            response = await http.post("/api/mod/signin", json={"name": name, "secret": secret})
        assert response.status_code == 200, response.text
        return cls(hub, name, response.json()["token"])

    def on(self, hub: HubProcess) -> "Moderator":
        """The same signed-in moderator, talking to another hub."""
        return Moderator(hub, self.name, self.token)

    async def items(self) -> list[dict[str, Any]]:
        response = await self.http.get("/api/mod/items")
        assert response.status_code == 200, response.text
        return response.json()["items"]

    async def claim(self, item_id: str) -> httpx.Response:
        return await self.http.post(f"/api/mod/items/{item_id}/claim")

    async def decide(self, item_id: str, action: str, **fields: Any) -> httpx.Response:
        return await self.http.post(f"/api/mod/items/{item_id}/decision", json={"action": action, **fields})

    async def act(self, item_id: str, action: str, **fields: Any) -> httpx.Response:
        return await self.http.post(f"/api/mod/items/{item_id}/actions", json={"action": action, **fields})

    async def close(self) -> None:
        await self.http.aclose()


class Feed:
    """A moderator's live queue feed over `/mod/ws`."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, hub: HubProcess, token: str) -> "Feed":
        ws = await websockets.connect(hub.ws_url.replace("/ws", "/mod/ws"), max_size=None)
        await ws.send(orjson.dumps({"type": "auth", "token": token}).decode())
        return cls(ws)

    async def next(self, timeout: float = 10.0) -> dict[str, Any]:
        text = await asyncio.wait_for(self.ws.recv(), timeout)
        frames = [orjson.loads(line) for line in text.split("\n")]
        self.frames.extend(frames[1:])
        return frames[0]

    async def expect(self, predicate: Any, timeout: float = 10.0) -> dict[str, Any]:
        """The first frame (queued or new) for which `predicate(frame)` holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            while self.frames:
                frame = self.frames.pop(0)
                if predicate(frame):
                    return frame
            frame = await self.next(max(deadline - loop.time(), 0.001))
            if predicate(frame):
                return frame

    async def close(self) -> None:
        await self.ws.close()
