"""The send queue on its own: one worker, batches of everything waiting, a bounded reader."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import pytest

from app.send_queue import SendQueue


class Worker:
    """A batch handler that records its batches and finishes each only when the test says so."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.events: list[str] = []
        self.taken = asyncio.Event()
        self.gates: list[asyncio.Event] = [asyncio.Event() for _ in range(4)]

    async def handle(self, batch: list[int]) -> None:
        number = len(self.batches)
        self.batches.append(batch)
        self.taken.set()
        await self.gates[number].wait()
        self.events.append(f"done {number}")


async def _record(events: list[str], name: str, waiting: Awaitable[None]) -> None:
    await waiting
    events.append(name)


async def test_the_worker_takes_everything_waiting_as_one_batch_in_admission_order() -> None:
    queue: SendQueue[int] = SendQueue(limit=3)
    worker = Worker()
    running = asyncio.create_task(queue.run(worker.handle))
    queue.put(1)
    await worker.taken.wait()
    queue.put(2)
    queue.put(3)  # admitted while the first batch is being handled
    assert queue.undone == 3
    room = asyncio.create_task(_record(worker.events, "room", queue.room()))
    drained = asyncio.create_task(_record(worker.events, "drained", queue.drained()))
    worker.gates[0].set()
    await room
    worker.gates[1].set()
    await drained
    assert worker.batches == [[1], [2, 3]]
    # The reader had room only once the first batch was done, and all was drained after the second.
    assert worker.events == ["done 0", "room", "done 1", "drained"]
    assert queue.undone == 0
    queue.close()
    await running


async def test_closing_lets_the_worker_finish_what_was_admitted_then_return() -> None:
    queue: SendQueue[int] = SendQueue(limit=8)
    worker = Worker()
    for gate in worker.gates:
        gate.set()
    running = asyncio.create_task(queue.run(worker.handle))
    for number in range(5):
        queue.put(number)
    queue.close()
    await running
    assert [n for batch in worker.batches for n in batch] == [0, 1, 2, 3, 4]
    assert queue.undone == 0


async def test_a_failing_handler_ends_the_worker_and_counts_its_batch_as_done() -> None:
    queue: SendQueue[int] = SendQueue(limit=8)

    async def handle(batch: list[int]) -> None:
        raise RuntimeError("a bug")

    running = asyncio.create_task(queue.run(handle))
    queue.put(1)
    with pytest.raises(RuntimeError):
        await running
    await queue.drained()  # a reader waiting on it is not stuck
