"""Incoming SMS to events exactly once: pushed, caught up after gaps, polled, or all three."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store

from .aiodinstar import DinstarClient, DinstarError, IncomingSms
from .bus_events import EVENT_SMS_RECEIVED, FireEvent, sms_received_data
from .const import LOGGER, storage_key
from .inbox import InboxLedger

STORAGE_VERSION = 1
# Written soon after a change; a restart inside that window may repeat, never lose, a message.
SAVE_DELAY = 1.0
# Concurrent pushes may land out of order; a message still missing this long after a later one
# came was lost on the way, and is read from the gateway.
GAP_WAIT = 10.0


class InboxSync:
    """Owns the entry's inbox ledger and fires ``dinstar_sms_received`` once per message."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, client: DinstarClient, fire: FireEvent
    ) -> None:
        """Nothing is read until :meth:`async_load`."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._fire_event = fire
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry.entry_id, "inbox")
        )
        self._ledger = InboxLedger()
        self._catch_up_lock = asyncio.Lock()
        self._gap_timer: CALLBACK_TYPE | None = None
        # A new entry takes what the gateway already holds as handled: its history is not news.
        self._baseline_pending = False

    async def async_load(self) -> None:
        """Restore where the last run stopped; nothing stored means a new entry."""
        stored = await self._store.async_load()
        self._ledger = InboxLedger.from_dict(stored)
        self._baseline_pending = stored is None

    async def async_save(self) -> None:
        """Write now (at unload)."""
        await self._store.async_save(self._ledger.as_dict())

    @callback
    def async_pushed(self, sms: IncomingSms) -> None:
        """A pushed message: fire it unless it was handled before."""
        cursor = self._ledger.cursor
        if self._ledger.claim(sms):
            if self._ledger.cursor < cursor:
                LOGGER.warning(
                    "%s numbers its SMS from %s again (reset?): following the new numbering",
                    self._entry.title,
                    sms.incoming_sms_id,
                )
            self._fire(sms)
            self._store.async_delay_save(self._ledger.as_dict, SAVE_DELAY)
        if self._ledger.has_gap and self._gap_timer is None:
            self._gap_timer = async_call_later(self._hass, GAP_WAIT, self._async_gap_check)

    @callback
    def _async_gap_check(self, _now: datetime) -> None:
        self._gap_timer = None
        if self._ledger.has_gap:
            self._entry.async_create_background_task(
                self._hass, self.async_catch_up(), "dinstar inbox gap"
            )

    @callback
    def async_stop(self) -> None:
        """No more gap checks (the entry unloads)."""
        if self._gap_timer is not None:
            self._gap_timer()
            self._gap_timer = None

    async def async_catch_up(self) -> None:
        """Read every message above the cursor and fire the new ones in id order.

        Reads with flag ``all``, never ``unread``, so the gateway's read marks stay as they are.
        """
        async with self._catch_up_lock:
            try:
                messages = await self._client.fetch_incoming_since(self._ledger.cursor)
            except DinstarError as err:
                LOGGER.debug("Catching up with the gateway's inbox failed: %s", err)
                return
            new = self._ledger.claim_catch_up(messages)
            if self._baseline_pending:
                self._baseline_pending = False
                LOGGER.debug("%s messages already on the gateway are not fired", len(new))
                await self.async_save()
                return
            for sms in new:
                self._fire(sms)
            self._store.async_delay_save(self._ledger.as_dict, SAVE_DELAY)

    def _fire(self, sms: IncomingSms) -> None:
        self._fire_event(EVENT_SMS_RECEIVED, sms.port, sms_received_data(sms))
