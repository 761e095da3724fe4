"""python-socketio peer: AsyncServer + AsyncRedisManager as an ASGI app under uvicorn (as its docs show)."""

import os

import socketio

manager = socketio.AsyncRedisManager(os.environ["REDIS_URL"])
sio = socketio.AsyncServer(async_mode="asgi", client_manager=manager, transports=["websocket"])
app = socketio.ASGIApp(sio)


@sio.event
async def join(sid, room):
    await sio.enter_room(sid, room)
    return {"room": room}


@sio.event
async def send(sid, msg):
    room = msg.get("room") if isinstance(msg, dict) else None
    if not isinstance(room, str) or room not in sio.rooms(sid):
        return
    await sio.emit("message", {"room": room, "text": str(msg.get("text"))}, room=room)
