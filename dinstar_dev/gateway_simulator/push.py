"""Pushes: one queue, sent in order by one task; a failed push is dropped, as a gateway does."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
import json
import logging
from typing import Any

import aiohttp

from .models import Faults
from .quirks import render_push

_LOGGER = logging.getLogger(__name__)
PUSH_TIMEOUT = 3.0
_HTTP_OK_BELOW = 300


class Pusher:
    """Queues pushes and posts them to the push URL; counts what became of each.

    ``counts`` gains ``sent``, ``failed`` (connection error, timeout, non-2xx), ``dropped`` (the
    ``drop_pushes`` switch) and ``no_url`` (no push URL set): a key appears with its first count.
    """

    def __init__(
        self, serial: str, faults: Faults, counts: Counter[str], url: Callable[[], str | None]
    ) -> None:
        """Push as gateway ``serial``; ``url`` is read at each send (it can change at run time)."""
        self._serial = serial
        self._faults = faults
        self._url = url
        self.counts = counts
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._session: aiohttp.ClientSession | None = None

    def push(self, body: dict[str, Any]) -> None:
        """Queue an event body; ``sn`` goes first, as the gateway writes it."""
        full = {"sn": self._serial, **body}
        self._queue.put_nowait(render_push(full, malformed=self._faults.malformed))

    def push_raw(self, body: Any) -> None:
        """Queue any body exactly as given (a string as is, anything else as JSON)."""
        self._queue.put_nowait(body if isinstance(body, str) else json.dumps(body))

    async def run(self) -> None:
        """Send queued pushes one after the other until cancelled."""
        self._session = aiohttp.ClientSession()
        try:
            while True:
                text = await self._queue.get()
                try:
                    await self._send(self._session, text)
                finally:
                    self._queue.task_done()
        finally:
            await self._session.close()
            self._session = None

    async def drain(self) -> None:
        """Wait until every queued push was tried."""
        await self._queue.join()

    @property
    def pending(self) -> int:
        """Pushes not tried yet."""
        return self._queue.qsize()

    async def _send(self, session: aiohttp.ClientSession, text: str) -> None:
        url = self._url()
        if not url:
            self.counts["no_url"] += 1
            return
        if self._faults.drop_pushes:
            self.counts["dropped"] += 1
            return
        try:
            async with session.post(
                url,
                data=text.encode(),
                headers={"Content-Type": "application/json"},
                timeout=aiohttp.ClientTimeout(total=PUSH_TIMEOUT),
                ssl=False,
            ) as response:
                await response.read()
                self.counts["sent" if response.status < _HTTP_OK_BELOW else "failed"] += 1
        except (aiohttp.ClientError, TimeoutError, ValueError) as err:
            # ValueError: a push URL aiohttp cannot use. A gateway never retries.
            self.counts["failed"] += 1
            _LOGGER.debug("Push to %s failed: %s", url, err)
