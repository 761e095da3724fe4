"""The chat websocket endpoint `/ws` (protocol: docs/protocol.md)."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from app.connection import Connection

router = APIRouter()


@router.websocket("/ws")
async def chat_socket(websocket: WebSocket) -> None:
    """Accept an anonymous chat connection and serve it until it ends."""
    await websocket.accept()
    services = websocket.app.state.services
    connection = Connection(websocket, services)
    services.connections.add(connection)
    try:
        await connection.run()
    finally:
        services.connections.discard(connection)
