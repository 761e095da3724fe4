"""The send queue on its own: one worker while there is work, batches of everything waiting, a bounded reader."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from app.send_queue import SendQueue


class Worker:
    """A batch handler that records its batches and finishes each only when the test says so."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.events: list[str] = []
        self.taken = asyncio.Event()
        self.gates: list[asyncio.Event] = [asyncio.Event() for _ in range(4)]
        self.failures: list[Exception] = []

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
    worker = Worker()
    queue: SendQueue[int] = SendQueue(3, worker.handle, worker.failures.append)
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
    assert worker.failures == []


async def test_no_worker_runs_while_there_is_nothing_to_do() -> None:
    worker = Worker()
    for gate in worker.gates:
        gate.set()
    queue: SendQueue[int] = SendQueue(8, worker.handle, worker.failures.append)
    assert not _workers()
    queue.put(1)
    assert len(_workers()) == 1
    await queue.drained()
    # The worker returned in the same step that finished its batch: nothing was waiting any more.
    assert not _workers()
    queue.put(2)  # a new burst starts a new worker
    await queue.drained()
    assert worker.batches == [[1], [2]]


async def test_finishing_lets_the_worker_carry_out_what_was_admitted() -> None:
    worker = Worker()
    for gate in worker.gates:
        gate.set()
    queue: SendQueue[int] = SendQueue(8, worker.handle, worker.failures.append)
    for number in range(5):
        queue.put(number)
    await queue.finish(timeout=5.0)
    assert [n for batch in worker.batches for n in batch] == [0, 1, 2, 3, 4]
    assert queue.undone == 0


async def test_finishing_cancels_work_that_takes_too_long() -> None:
    worker = Worker()  # its gates are never opened: the first batch never finishes
    queue: SendQueue[int] = SendQueue(8, worker.handle, worker.failures.append)
    queue.put(1)
    await worker.taken.wait()
    await queue.finish(timeout=0.01)
    assert not _workers()
    assert worker.events == []


async def test_a_failing_handler_is_reported_and_no_reader_is_left_waiting() -> None:
    failures: list[Exception] = []

    async def handle(batch: list[int]) -> None:
        raise RuntimeError("a bug")

    queue: SendQueue[int] = SendQueue(8, handle, failures.append)
    queue.put(1)
    queue.put(2)
    await queue.drained()  # a reader waiting on it is not stuck
    assert [type(f) for f in failures] == [RuntimeError]
    assert queue.undone == 0


def _workers() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_coro().__qualname__ == "SendQueue._work" and not t.done()]
