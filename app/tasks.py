"""An owner for fire-and-forget steps, so every background task is cancelled and awaited at shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger("peerchat.tasks")


class BackgroundTasks:
    """Runs coroutines in the background and keeps them until done or cancelled."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> None:
        """Start `coroutine`; a failure is logged by type (never by message: it may quote someone)."""
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("background step %s failed: %s", task.get_name(), type(task.exception()).__name__)

    async def close(self) -> None:
        """Cancel every running step and wait for them to end."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
