"""A minimal websocket client (RFC 6455) on a bare asyncio.Protocol, for the load generator.

Why not `websockets` or `picows`: the generator must cost less CPU per delivery than the servers it
measures and must also run inside the test suite with only the project's own dependencies. A
Protocol that parses frame headers and hands every complete message of one read to one callback
does both: one `time.monotonic_ns()` and one regex pass per read, no task per connection.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
from collections.abc import Callable

_OP_CONT, _OP_TEXT, _OP_BINARY, _OP_CLOSE, _OP_PING, _OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


def _mask(payload: bytes, key: bytes) -> bytes:
    """XOR `payload` with the 4-byte `key` repeated (one big-int operation instead of a byte loop)."""
    size = len(payload)
    if size == 0:
        return payload
    stream = (key * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(stream, "little")).to_bytes(size, "little")


def encode_frame(payload: bytes, opcode: int = _OP_TEXT) -> bytes:
    """One masked client frame (clients must mask; RFC 6455 section 5.3)."""
    key = os.urandom(4)
    size = len(payload)
    if size < 126:
        header = bytes((0x80 | opcode, 0x80 | size))
    elif size < 65536:
        header = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x80 | opcode, 0x80 | 127)) + size.to_bytes(8, "big")
    return header + key + _mask(payload, key)


class WebSocketClient(asyncio.Protocol):
    """One client connection. `on_messages(client, [payload, ...])` gets every message completed by one read."""

    def __init__(
        self,
        host: str,
        port: int,
        path: str,
        on_open: Callable[["WebSocketClient"], None],
        on_messages: Callable[["WebSocketClient", list[bytes]], None],
        on_close: Callable[["WebSocketClient"], None],
    ) -> None:
        self.host, self.port, self.path = host, port, path
        self._on_open, self._on_messages, self._on_close = on_open, on_messages, on_close
        self.transport: asyncio.Transport | None = None
        self.open = False
        self.closed = False
        self._buffer = b""
        self._fragments: list[bytes] = []

    # -- asyncio.Protocol -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.transport.write(request.encode())

    def data_received(self, data: bytes) -> None:
        if self._buffer:
            data = self._buffer + data
            self._buffer = b""
        if not self.open:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self._buffer = data
                return
            status = data[: data.find(b"\r\n")]
            if b" 101 " not in status + b" ":
                self.abort()
                return
            self.open = True
            data = data[end + 4 :]
            self._on_open(self)
            if not data:
                return
        messages: list[bytes] = []
        position, size = 0, len(data)
        while size - position >= 2:
            first, length = data[position], data[position + 1] & 0x7F
            header = 2
            if length == 126:
                if size - position < 4:
                    break
                length, header = int.from_bytes(data[position + 2 : position + 4], "big"), 4
            elif length == 127:
                if size - position < 10:
                    break
                length, header = int.from_bytes(data[position + 2 : position + 10], "big"), 10
            end = position + header + length
            if end > size:
                break
            payload = data[position + header : end]
            position = end
            opcode = first & 0x0F
            if opcode == _OP_TEXT or opcode == _OP_BINARY or opcode == _OP_CONT:
                if first & 0x80:
                    if self._fragments:
                        payload = b"".join(self._fragments) + payload
                        self._fragments.clear()
                    messages.append(payload)
                else:
                    self._fragments.append(payload)
            elif opcode == _OP_PING:
                self.transport.write(encode_frame(payload, _OP_PONG))  # type: ignore[union-attr]
            elif opcode == _OP_CLOSE:
                self.abort()
                break
        if position < size:
            self._buffer = data[position:]
        if messages:
            self._on_messages(self, messages)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if not self.closed:
            self.closed = True
            self._on_close(self)

    # -- sending ------------------------------------------------------------------------------

    def send(self, payload: bytes) -> None:
        """Queue one text message."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(encode_frame(payload))

    def send_many(self, payloads: list[bytes]) -> None:
        """Queue several text messages with one write."""
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(b"".join(encode_frame(p) for p in payloads))

    def pause_reading(self) -> None:
        """Stop reading from the socket (a stalled reader); the kernel buffers fill, then the server's."""
        if self.transport is not None:
            self.transport.pause_reading()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


async def connect(
    host: str,
    port: int,
    path: str,
    on_open: Callable[[WebSocketClient], None],
    on_messages: Callable[[WebSocketClient, list[bytes]], None],
    on_close: Callable[[WebSocketClient], None],
    receive_buffer: int | None = None,
    prepare: Callable[[WebSocketClient], None] | None = None,
) -> WebSocketClient:
    """Open the TCP connection and send the upgrade request; `on_open` runs when the server accepts it.

    `prepare` sees the protocol object before any callback can run (to attach the caller's state).
    """
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setblocking(False)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if receive_buffer is not None:
        # Set before connecting so the advertised window is small from the first segment.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    try:
        await loop.sock_connect(sock, (host, port))
        def factory() -> WebSocketClient:
            client = WebSocketClient(host, port, path, on_open, on_messages, on_close)
            if prepare is not None:
                prepare(client)
            return client

        _, protocol = await loop.create_connection(factory, sock=sock)
    except BaseException:
        sock.close()
        raise
    return protocol
