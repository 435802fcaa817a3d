"""What the pool keeps across restarts: intents not yet done, and today's failover counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from custom_components.dinstar.const import DOMAIN

from .intent import Intent

STORAGE_VERSION = 1
STORAGE_KEY = f"{DOMAIN}.failover"
SAVE_DELAY = 1.0


@dataclass(slots=True)
class FailoverCounts:
    """Messages that needed failover today: by the gateway of their first attempt, by contact."""

    day: str = ""
    by_gateway: dict[str, int] = field(default_factory=dict)
    by_contact: dict[str, int] = field(default_factory=dict)

    def add(self, today: date, entry_id: str, contact: str | None) -> None:
        """One more message of ``entry_id``'s (and of ``contact``'s) needed another attempt."""
        self._roll(today)
        self.by_gateway[entry_id] = self.by_gateway.get(entry_id, 0) + 1
        if contact is not None:
            self.by_contact[contact] = self.by_contact.get(contact, 0) + 1

    def of(self, today: date, entry_id: str | None = None) -> int:
        """Today's count of one gateway, or of every gateway (``None``)."""
        self._roll(today)
        if entry_id is None:
            return sum(self.by_gateway.values())
        return self.by_gateway.get(entry_id, 0)

    def of_contact(self, today: date, contact: str) -> int:
        """Today's count of one contact's messages (its pool, whichever gateway sent them)."""
        self._roll(today)
        return self.by_contact.get(contact, 0)

    def _roll(self, today: date) -> None:
        if self.day != today.isoformat():
            self.day = today.isoformat()
            self.by_gateway.clear()
            self.by_contact.clear()


class FailoverStore:
    """One store for every gateway: an intent may span them."""

    def __init__(
        self, hass: HomeAssistant, contents: Callable[[], tuple[list[Intent], FailoverCounts]]
    ) -> None:
        """``contents`` gives what to write, read at each write."""
        self._store: Store[dict[str, Any]] = Store(hass, STORAGE_VERSION, STORAGE_KEY)
        self._contents = contents

    async def async_load(self) -> tuple[list[Intent], FailoverCounts]:
        """The stored intents and counts (none on a first start)."""
        stored = await self._store.async_load() or {}
        counts = stored.get("counts", {})
        return (
            [Intent.from_dict(item) for item in stored.get("intents", [])],
            FailoverCounts(
                counts.get("day", ""),
                dict(counts.get("by_gateway", {})),
                # Counts stored before contacts had their own.
                dict(counts.get("by_contact", {})),
            ),
        )

    async def async_save(self) -> None:
        """Write now: an attempt is on disk before its request leaves."""
        await self._store.async_save(self._as_dict())

    def async_delay_save(self) -> None:
        """Write soon: an outcome learned, read again from the gateway after a restart."""
        self._store.async_delay_save(self._as_dict, SAVE_DELAY)

    def _as_dict(self) -> dict[str, Any]:
        intents, counts = self._contents()
        return {
            "intents": [intent.as_dict() for intent in intents],
            "counts": {
                "day": counts.day,
                "by_gateway": dict(counts.by_gateway),
                "by_contact": dict(counts.by_contact),
            },
        }
