"""The panel's messages in Home Assistant's storage: one store for every gateway, bounded.

Writes are batched (one write at most every :data:`SAVE_DELAY` seconds, and one when Home
Assistant stops); each write first drops what is past its gateway's days or past the cap.
Whoever changes the history tells the store, which writes and tells its listeners.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
import time
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from custom_components.dinstar.const import CONF_MESSAGES_DAYS, DEFAULT_MESSAGES_DAYS, DOMAIN

from .history import History, Message, oldest_beyond

STORAGE_VERSION = 1
STORAGE_KEY = f"{DOMAIN}.messages"
SAVE_DELAY = 10.0
# Per gateway: a thread of a few thousand messages pages fast, and the file stays a few MB.
MAX_MESSAGES_PER_GATEWAY = 10_000
_DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class MessageChanged:
    """A message arrived, or a sent one moved on."""

    message: Message


@dataclass(frozen=True, slots=True)
class ThreadRead:
    """A thread was read up to a message (by anyone: read marks are shared)."""

    thread: str
    up_to: int


type Change = MessageChanged | ThreadRead
type Listener = Callable[[Change], None]


class MessageStore:
    """The history, its storage, its bounds, and who listens to its changes."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Empty until :meth:`async_load`."""
        self._hass = hass
        self._store = Store[dict[str, Any]](hass, STORAGE_VERSION, STORAGE_KEY)
        self._listeners: list[Listener] = []
        self._save_pending = False
        self.history = History()

    async def async_load(self) -> None:
        """Read the stored history, and drop what went past its bounds meanwhile.

        Home Assistant may have been off for weeks, or a gateway deleted while it was.
        """
        if data := await self._store.async_load():
            self.history.load(data)
        if self.async_prune(time.time()):
            self._schedule_save()

    @callback
    def async_listen(self, listener: Listener) -> Callable[[], None]:
        """Hear of every change until the returned function is called."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def async_changed(self, change: Change) -> None:
        """Something in the history changed: written with the next batch, told at once."""
        self._schedule_save()
        for listener in list(self._listeners):
            listener(change)

    @callback
    def async_forget_texts(self, entry_id: str) -> None:
        """A gateway now keeps its texts private: the ones already kept go too."""
        changed = False
        for message in self.history:
            if message.entry_id == entry_id and message.text is not None:
                message.text = None
                changed = True
        if changed:
            self._schedule_save()

    async def async_remove_entry(self, entry_id: str) -> None:
        """A deleted gateway's messages go at once, from memory and from the file."""
        if self.history.remove(lambda message: message.entry_id == entry_id):
            await self._store.async_save(self._data_to_save())

    @callback
    def async_prune(self, now: float) -> int:
        """Drop what is past its gateway's days, then the oldest past the cap; how many.

        Messages of a gateway that is no longer there go too.
        """
        since = {
            entry.entry_id: now
            - entry.options.get(CONF_MESSAGES_DAYS, DEFAULT_MESSAGES_DAYS) * _DAY
            for entry in self._hass.config_entries.async_entries(DOMAIN)
        }
        removed = self.history.remove(
            lambda message: message.entry_id not in since or message.at < since[message.entry_id]
        )
        counts = Counter(message.entry_id for message in self.history)
        beyond: set[int] = set()
        for entry_id, count in counts.items():
            if count > MAX_MESSAGES_PER_GATEWAY:
                beyond |= oldest_beyond(
                    (message for message in self.history if message.entry_id == entry_id),
                    MAX_MESSAGES_PER_GATEWAY,
                )
        return removed + self.history.remove(lambda message: message.id in beyond)

    def _schedule_save(self) -> None:
        # Asked again, Home Assistant's delayed save would wait again: under a steady stream
        # of messages it would never write. Once scheduled, later changes ride along.
        if not self._save_pending:
            self._save_pending = True
            self._store.async_delay_save(self._data_to_save, SAVE_DELAY)

    def _data_to_save(self) -> dict[str, Any]:
        self._save_pending = False
        self.async_prune(time.time())
        return self.history.as_dict()
