"""encode/broadcaster + Starlette peer: the chat example from broadcaster's README, one room per socket."""

import os

import anyio
import contextlib
import json
from broadcaster import Broadcast
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

broadcast = Broadcast(os.environ["REDIS_URL"])


async def chat(websocket: WebSocket) -> None:
    await websocket.accept()
    first = json.loads(await websocket.receive_text())
    room = str(first["room"])
    async with broadcast.subscribe(channel=room) as subscriber:
        await websocket.send_text(json.dumps({"type": "joined", "room": room}))

        async def receiver() -> None:
            try:
                while True:
                    frame = json.loads(await websocket.receive_text())
                    if frame.get("type") == "send" and frame.get("room") == room:
                        message = {"type": "message", "room": room, "text": str(frame.get("text"))}
                        await broadcast.publish(channel=room, message=json.dumps(message))
            except WebSocketDisconnect:
                pass
            task_group.cancel_scope.cancel()

        async def sender() -> None:
            async for event in subscriber:
                await websocket.send_text(event.message)

        async with anyio.create_task_group() as task_group:
            task_group.start_soon(receiver)
            task_group.start_soon(sender)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    await broadcast.connect()
    yield
    await broadcast.disconnect()


app = Starlette(routes=[WebSocketRoute("/ws", chat)], lifespan=lifespan)
