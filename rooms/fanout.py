"""Per-connection outbound queue: bounded, never blocks the publisher, coalesces what is waiting.

The hub pushes the same frame text to many outboxes. What an outbox holds goes out as ONE websocket
message of newline-delimited frames, so a member who falls behind gets what piled up in one write.

Two ways out, chosen per connection:
- direct: the outbox writes ready-made websocket frames to the connection's transport. A `Flusher`
  runs once per pass of the event loop, after the bus has handed over everything it had buffered,
  and writes each waiting member's frames with one call. A frame's bytes are built once and shared
  by every member that gets exactly the same frames. Buffered bytes past the limit drop the member.
- task: a writer task per connection awaits `next_batch` and sends through the ASGI interface (any
  server). The queue's length past the limit drops the member.

Either way the room never waits for its slowest reader.
"""

from __future__ import annotations

import asyncio
import struct
from collections import deque
from collections.abc import Callable
from typing import Protocol

# One websocket message carries at most about this much, so a far-behind reader is not sent one
# giant message that a client library would refuse (most default to 1 MiB).
MAX_BATCH_CHARS = 256 * 1024


class Transport(Protocol):
    """The part of an asyncio transport a direct outbox uses."""

    def write(self, data: bytes) -> None: ...
    def get_write_buffer_size(self) -> int: ...
    def is_closing(self) -> bool: ...


def text_frame(payload: bytes) -> bytes:
    """A final, unmasked websocket text frame (RFC 6455 5.2) around `payload`, as a server sends it."""
    length = len(payload)
    if length < 126:
        return bytes((0x81, length)) + payload
    if length < 65_536:
        return struct.pack("!BBH", 0x81, 126, length) + payload
    return struct.pack("!BBQ", 0x81, 127, length) + payload


class Flusher:
    """Writes every waiting direct outbox once per pass of the event loop."""

    __slots__ = ("_waiting", "_scheduled")

    def __init__(self) -> None:
        self._waiting: list[Outbox] = []
        self._scheduled = False

    def mark(self, outbox: Outbox) -> None:
        """`outbox` has frames to write; they go out at the end of this pass of the loop."""
        self._waiting.append(outbox)
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self.flush)

    def flush(self) -> None:
        """Write everything waiting (also called directly before a connection closes)."""
        self._scheduled = False
        waiting, self._waiting = self._waiting, []
        # Bytes built in this pass, keyed by the frames' identities: members of one room get the same
        # frame objects in the same order, so their message is built once for all of them.
        built: dict[tuple[int, ...], bytes] = {}
        for outbox in waiting:
            outbox.write_waiting(built)


class Outbox:
    """Frames waiting to be written to one connection."""

    __slots__ = (
        "_frames", "_size", "_max_size", "_wakeup", "_on_overflow", "closed", "_closing",
        "_transport", "_flusher", "_marked",
    )

    def __init__(
        self,
        max_size: int,
        on_overflow: Callable[[], None],
        transport: Transport | None = None,
        flusher: Flusher | None = None,
    ) -> None:
        self._frames: deque[str] = deque()
        self._size = 0
        self._max_size = max_size
        self._on_overflow = on_overflow
        self.closed = False
        self._closing = False
        self._transport = transport if flusher is not None else None
        self._flusher = flusher
        # Only a writer task waits on it; a direct outbox (the usual case) needs none.
        self._wakeup: asyncio.Event | None = None if self._transport is not None else asyncio.Event()
        self._marked = False

    @property
    def direct(self) -> bool:
        """True when frames are written to the transport by the flusher (no writer task needed)."""
        return self._transport is not None

    def push(self, frame: str) -> None:
        """Queue a frame; never waits. Past the size limit the outbox closes and reports overflow."""
        if self.closed or self._closing:
            return
        self._frames.append(frame)
        if self._transport is not None:
            if not self._marked:
                self._marked = True
                self._flusher.mark(self)  # type: ignore[union-attr]
            return
        self._size += len(frame)
        if self._size > self._max_size:
            self._overflow()
            return
        self._wakeup.set()  # type: ignore[union-attr]

    def _overflow(self) -> None:
        self.close()
        self._on_overflow()

    def write_waiting(self, built: dict[tuple[int, ...], bytes]) -> None:
        """Direct mode: write what is waiting as one websocket message per MAX_BATCH_CHARS, in one call."""
        self._marked = False
        transport = self._transport
        if self.closed or transport is None or not self._frames:
            return
        frames, self._frames = self._frames, deque()
        if transport.is_closing():
            return
        key = tuple(map(id, frames))
        data = built.get(key)
        if data is None:
            data = built[key] = b"".join(text_frame("\n".join(batch).encode()) for batch in _batches(frames))
        transport.write(data)
        if transport.get_write_buffer_size() > self._max_size:
            self._overflow()

    def close(self) -> None:
        """Drop what is waiting and accept nothing more; wakes the writer so it can stop."""
        self.closed = True
        self._frames.clear()
        self._size = 0
        if self._wakeup is not None:
            self._wakeup.set()

    def close_when_drained(self) -> None:
        """Accept nothing more, but let what is already waiting go out, then stop."""
        if self._transport is not None and self._frames and not self.closed:
            self.write_waiting({})
        self._closing = True
        if self._wakeup is not None:
            self._wakeup.set()

    async def next_batch(self) -> str | None:
        """Task mode: wait for frames and take them as one newline-delimited text; None once closed."""
        while not self._frames:
            if self.closed or self._closing or self._wakeup is None:
                return None
            self._wakeup.clear()
            await self._wakeup.wait()
        if self.closed:
            return None
        frames = self._frames
        if len(frames) == 1:
            frame = frames.popleft()
            self._size -= len(frame)
            return frame
        batch: list[str] = []
        taken = 0
        while frames and (not batch or taken + len(frames[0]) <= MAX_BATCH_CHARS):
            frame = frames.popleft()
            taken += len(frame) + 1
            batch.append(frame)
        self._size -= taken - len(batch)
        return "\n".join(batch)


def _batches(frames: deque[str]) -> list[list[str]]:
    if len(frames) == 1:
        return [list(frames)]
    batches: list[list[str]] = [[]]
    size = 0
    for frame in frames:
        if batches[-1] and size + len(frame) > MAX_BATCH_CHARS:
            batches.append([])
            size = 0
        batches[-1].append(frame)
        size += len(frame) + 1
    return batches
