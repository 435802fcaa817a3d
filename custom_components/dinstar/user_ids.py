"""``user_id``s for sent SMS: unique per gateway, across restarts."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import storage_key

STORAGE_VERSION = 1


class UserIdAllocator:
    """Hands out increasing ids and writes the next one before any is used."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bound to one entry's store."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry_id, "user_ids")
        )
        self._next: int | None = None
        self._lock = asyncio.Lock()

    async def async_allocate(self, count: int) -> list[int]:
        """Reserve ``count`` ids; they are on disk before the caller sends anything."""
        async with self._lock:
            if self._next is None:
                stored = await self._store.async_load() or {}
                self._next = int(stored.get("next", 1))
            first = self._next
            self._next += count
            await self._store.async_save({"next": self._next})
        return list(range(first, first + count))
