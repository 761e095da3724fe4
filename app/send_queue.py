"""Work a connection has taken on but not finished, carried out in order by one worker, in batches.

Why: publishing a connection's messages one at a time costs a backend round trip each, and the
reader waited for it before reading the next frame. Here the reader admits work and moves on; one
worker takes everything admitted so far as one batch (so its messages can be published together)
and finishes it in admission order. The reader waits only when too much is unfinished, or when the
next frame must not take effect before the earlier ones.

The worker exists only while there is work: most connections are idle most of the time, and a task
parked per idle connection would cost every one of ten thousand members memory for nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SendQueue(Generic[T]):
    """Items admitted in order and not yet done, handed to `handle` batch by batch by one worker.

    `handle` must deal with its items' failures itself. If it raises anyway (a bug), `on_failure`
    gets the exception, and that batch and everything admitted after it count as done, so no reader
    waits forever.
    """

    __slots__ = ("_limit", "_handle", "_on_failure", "_waiting", "_undone", "_worker", "_progress")

    def __init__(
        self,
        limit: int,
        handle: Callable[[list[T]], Awaitable[None]],
        on_failure: Callable[[Exception], None],
    ) -> None:
        self._limit = limit
        self._handle = handle
        self._on_failure = on_failure
        self._waiting: list[T] = []
        self._undone = 0  # waiting, plus the batch being handled
        self._worker: asyncio.Task[None] | None = None
        self._progress: asyncio.Event | None = None  # made when a reader first waits

    @property
    def undone(self) -> int:
        """Items admitted and not done yet."""
        return self._undone

    def put(self, item: T) -> None:
        """Admit an item (never waits: the caller waits for `room` first, so the queue stays bounded)."""
        self._waiting.append(item)
        self._undone += 1
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._work())

    async def room(self) -> None:
        """Return once fewer than `limit` items are undone."""
        await self._until_at_most(self._limit - 1)

    async def drained(self) -> None:
        """Return once every admitted item is done."""
        await self._until_at_most(0)

    async def finish(self, timeout: float) -> None:
        """Give what was admitted `timeout` seconds to be done, then cancel the worker and await it."""
        worker = self._worker
        if worker is None:
            return
        done, _ = await asyncio.wait({worker}, timeout=timeout)
        if not done:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)

    async def _work(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    await self._handle(batch)
                except Exception as exc:  # a bug in the handler: give up on what is left, loudly
                    self._undone -= len(self._waiting)
                    self._waiting = []
                    self._on_failure(exc)
                finally:
                    self._undone -= len(batch)
                    if self._progress is not None:
                        self._progress.set()
        finally:
            self._worker = None

    async def _until_at_most(self, count: int) -> None:
        while self._undone > count:
            if self._progress is None:
                self._progress = asyncio.Event()
            self._progress.clear()
            await self._progress.wait()
