"""Every background task the simulator starts, so that stopping it leaves none behind."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
import logging
from typing import Any

_LOGGER = logging.getLogger(__name__)


class Background:
    """Tracks tasks in the caller's event loop; :meth:`cancel_all` ends them all."""

    def __init__(self) -> None:
        """Start with no tasks, open for new ones."""
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    def __len__(self) -> int:
        """Tasks still running."""
        return len(self._tasks)

    def open(self) -> None:
        """Accept tasks again (a simulator may be started after a stop)."""
        self._closed = False

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any] | None:
        """Run ``coroutine`` as a tracked task; after :meth:`cancel_all` it is dropped unrun."""
        if self._closed:
            coroutine.close()
            return None
        task = asyncio.get_running_loop().create_task(coroutine, name=f"dinstar-sim {name}")
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            _LOGGER.error("Simulator task %s failed", task.get_name(), exc_info=error)

    async def cancel_all(self) -> None:
        """Cancel every task and wait until each has ended; refuse new ones from now on."""
        self._closed = True
        while self._tasks:
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self._tasks.difference_update(tasks)
