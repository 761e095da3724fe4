"""Finding a websocket connection's transport, so fan-out can write ready-made frames to it directly.

Why: the ASGI path costs five layers of calls per member per message (Starlette, the exception
wrapper, uvicorn's asgi_send, the websockets library's framing, then the socket write) although every
member gets the same bytes. With the transport, fan-out builds a frame once and writes it to each
member in one call per pass of the event loop (see rooms/fanout.py). Only transports of uvicorn's
websockets-based protocols are used: their framing of outgoing data keeps no state that raw frames
could upset (pings and the close frame are whole frames written to the same transport). With any
other server, connections use the ASGI path.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

SCOPE_KEY = "peerchat.transport"
_DIRECT_PROTOCOLS = {
    ("uvicorn.protocols.websockets.websockets_impl", "WebSocketProtocol"),
    ("uvicorn.protocols.websockets.websockets_sansio_impl", "WebSocketsSansIOProtocol"),
}


class CaptureTransport:
    """ASGI middleware (outermost, where `send` is still the server's own) that records the transport."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            owner: Any = getattr(send, "__self__", None)
            kind = (type(owner).__module__, type(owner).__name__)
            transport = getattr(owner, "transport", None)
            if kind in _DIRECT_PROTOCOLS and transport is not None:
                scope[SCOPE_KEY] = transport
        await self.app(scope, receive, send)
