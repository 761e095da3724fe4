"""Work a connection has taken on but not finished, carried out in order by one worker, in batches.

Why: publishing a connection's messages one at a time costs a backend round trip each, and the
reader waited for it before reading the next frame. Here the reader admits work and moves on; one
worker takes everything admitted so far as one batch (so its messages can be published together)
and finishes it in admission order. The reader waits only when too much is unfinished, or when the
next frame must not take effect before the earlier ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SendQueue(Generic[T]):
    """Items admitted in order and not yet done; `run` hands them to a handler, batch by batch."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._waiting: list[T] = []
        self._undone = 0  # waiting, plus the batch being handled
        self._closed = False
        self._work = asyncio.Event()
        self._progress = asyncio.Event()

    @property
    def undone(self) -> int:
        """Items admitted and not done yet."""
        return self._undone

    def put(self, item: T) -> None:
        """Admit an item (never waits: the caller waits for `room` first, so the queue stays bounded)."""
        self._waiting.append(item)
        self._undone += 1
        self._work.set()

    async def room(self) -> None:
        """Return once fewer than `limit` items are undone."""
        await self._until_at_most(self._limit - 1)

    async def drained(self) -> None:
        """Return once every admitted item is done."""
        await self._until_at_most(0)

    def close(self) -> None:
        """Admit nothing more: `run` returns once what was admitted is done."""
        self._closed = True
        self._work.set()

    async def run(self, handle: Callable[[list[T]], Awaitable[None]]) -> None:
        """Hand every waiting item to `handle` as one batch, in admission order, until closed.

        `handle` must deal with its items' failures itself: an exception from it ends the worker.
        """
        while True:
            while not self._waiting:
                if self._closed:
                    return
                self._work.clear()
                await self._work.wait()
            batch, self._waiting = self._waiting, []
            try:
                await handle(batch)
            finally:
                self._undone -= len(batch)
                self._progress.set()

    async def _until_at_most(self, count: int) -> None:
        while self._undone > count:
            self._progress.clear()
            await self._progress.wait()
