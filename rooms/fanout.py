"""Per-connection outbound queue: bounded, never blocks the publisher, coalesces what is waiting.

The hub pushes the same frame text to many outboxes; each connection's single writer task takes
everything waiting and writes it as ONE websocket message of newline-delimited frames. A member who
keeps up gets one frame per message; one who falls behind gets what piled up in one write, which is
far cheaper than a write per frame. A member whose queue passes its byte limit is dropped: the room
never waits for its slowest reader.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable

# One websocket message carries at most about this much, so a far-behind reader is not sent one
# giant message that a client library would refuse (most default to 1 MiB).
MAX_BATCH_CHARS = 256 * 1024


class Outbox:
    """Frames waiting to be written to one connection."""

    __slots__ = ("_frames", "_size", "_max_size", "_wakeup", "_on_overflow", "closed", "_closing")

    def __init__(self, max_size: int, on_overflow: Callable[[], None]) -> None:
        self._frames: deque[str] = deque()
        self._size = 0
        self._max_size = max_size
        self._wakeup = asyncio.Event()
        self._on_overflow = on_overflow
        self.closed = False
        self._closing = False

    def push(self, frame: str) -> None:
        """Queue a frame; never waits. Past the size limit the outbox closes and reports overflow."""
        if self.closed or self._closing:
            return
        self._frames.append(frame)
        self._size += len(frame)
        if self._size > self._max_size:
            self.close()
            self._on_overflow()
            return
        self._wakeup.set()

    def close(self) -> None:
        """Drop what is waiting and accept nothing more; wakes the writer so it can stop."""
        self.closed = True
        self._frames.clear()
        self._size = 0
        self._wakeup.set()

    def close_when_drained(self) -> None:
        """Accept nothing more, but let the writer take what is already waiting, then stop."""
        self._closing = True
        self._wakeup.set()

    async def next_batch(self) -> str | None:
        """Wait for frames and take them as one newline-delimited text; None once closed."""
        while not self._frames:
            if self.closed or self._closing:
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
