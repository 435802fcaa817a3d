"""Incoming SMS to events exactly once and in id order: pushed, caught up, polled, or all three."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
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
from .repairs import async_raise_inbox_renumbered

STORAGE_VERSION = 1
# Written soon after a change; a restart inside that window may repeat, never lose, a message.
SAVE_DELAY = 1.0
# Concurrent pushes may land out of order; a message still missing this long after a later one
# came was lost on the way, and is read from the gateway.
GAP_WAIT = 10.0
# Kept with the ledger until one inbox read completed: the gateway's history is not news.
_BASELINE_PENDING = "baseline_pending"


class InboxSync:
    """Owns the entry's inbox ledger and fires ``dinstar_sms_received`` once per message.

    Every message fires in id order: a pushed one fires at once when it follows the last
    handled id, else it waits for the gap before it to be pushed or read from the gateway.
    A pushed id the gateway's inbox does not hold is never fired.
    """

    @classmethod
    async def async_create(
        cls, hass: HomeAssistant, entry: ConfigEntry, client: DinstarClient, fire: FireEvent
    ) -> InboxSync:
        """Restore where the last run stopped; nothing stored means a new entry."""
        store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry.entry_id, "inbox")
        )
        return cls(hass, entry, client, fire, store=store, stored=await store.async_load())

    def __init__(  # noqa: PLR0913 - the entry's parts, its store and what it held
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DinstarClient,
        fire: FireEvent,
        *,
        store: Store[dict[str, Any]],
        stored: dict[str, Any] | None,
    ) -> None:
        """Take over from the stored state; nothing is read until asked."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._fire_event = fire
        self._store = store
        self._ledger = InboxLedger.from_dict(stored)
        self._catch_up_lock = asyncio.Lock()
        self._gap_timer: CALLBACK_TYPE | None = None
        self._held: dict[int, IncomingSms] = {}
        self.baseline_pending = stored is None or bool(stored.get(_BASELINE_PENDING))
        # The last read failed (a timeout at start, say): the next good refresh reads again,
        # or what arrived while Home Assistant was away would wait for the next push.
        self.read_failed = False

    async def async_save(self) -> None:
        """Write now (at unload)."""
        await self._store.async_save(self._as_dict())

    def _as_dict(self) -> dict[str, Any]:
        data = self._ledger.as_dict()
        if self.baseline_pending:
            data[_BASELINE_PENDING] = True
        return data

    @callback
    def async_pushed(self, messages: Iterable[IncomingSms]) -> None:
        """Pushed messages: fire each new one once it follows every handled one."""
        check = False
        for sms in messages:
            if self._ledger.is_new(sms):
                self._held[sms.incoming_sms_id] = sms
            elif self._ledger.may_be_renumbered(sms):
                check = True
        self._release()
        if check:
            # Believed only when the gateway's own inbox shows its ids started again.
            self._entry.async_create_background_task(
                self._hass,
                self.async_catch_up(),
                "dinstar inbox numbering check",  # pragma: no mutate
            )
        self._arm_gap_timer()

    @callback
    def _release(self) -> None:
        """Fire the held pushes that follow every handled message; drop those read since."""
        if self.baseline_pending:
            return
        fired = False
        while (sms := self._held.pop(self._ledger.cursor + 1, None)) is not None:
            self._ledger.claim(sms)
            self._fire(sms)
            fired = True
        for sms_id in [i for i, sms in self._held.items() if not self._ledger.is_new(sms)]:
            del self._held[sms_id]
        if fired:
            self._store.async_delay_save(self._as_dict, SAVE_DELAY)

    @callback
    def _arm_gap_timer(self) -> None:
        if self._held and self._gap_timer is None:
            self._gap_timer = async_call_later(self._hass, GAP_WAIT, self._async_gap_check)

    @callback
    def _async_gap_check(self, _now: datetime) -> None:
        self._gap_timer = None
        if self._held:
            self._entry.async_create_background_task(
                self._hass,
                self.async_catch_up(),
                "dinstar inbox gap",  # pragma: no mutate
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
        The first complete read of a new entry fires only what was pushed meanwhile.
        """
        async with self._catch_up_lock:
            waiting = set(self._held)
            try:
                new = await self._async_read_new()
            except DinstarError as err:
                LOGGER.debug(  # pragma: no mutate
                    "Catching up with the gateway's inbox failed: %s",  # pragma: no mutate
                    err,  # pragma: no mutate
                )
                self.read_failed = True
                self._arm_gap_timer()
                return
            self.read_failed = False
            if self.baseline_pending:
                self.baseline_pending = False
                LOGGER.debug(  # pragma: no mutate
                    "%s messages already on the gateway are not fired",  # pragma: no mutate
                    sum(sms.incoming_sms_id not in waiting for sms in new),  # pragma: no mutate
                )
                new = [sms for sms in new if sms.incoming_sms_id in waiting]
            # Still held after a complete read that did not return them: not the gateway's.
            missing = sorted(waiting & set(self._held) - {sms.incoming_sms_id for sms in new})
            if missing:
                LOGGER.warning(
                    "%s pushed SMS %s that its inbox does not hold: not fired",
                    self._entry.title,
                    ", ".join(map(str, missing)),
                )
            for sms_id in waiting:
                self._held.pop(sms_id, None)
            for sms in new:
                self._fire(sms)
            self._release()
            self._arm_gap_timer()
            self._store.async_delay_save(self._as_dict, SAVE_DELAY)

    async def _async_read_new(self) -> list[IncomingSms]:
        """The gateway's messages not handled yet, claimed; follows ids that started again."""
        cursor = self._ledger.cursor
        if cursor == 0:
            return self._ledger.claim_catch_up(await self._client.fetch_incoming_since(0))
        # One message of overlap: the one at the cursor still there shows the numbering goes on.
        messages = await self._client.fetch_incoming_since(cursor - 1)
        if any(sms.incoming_sms_id >= cursor for sms in messages):
            return self._ledger.claim_catch_up(messages)
        inbox = await self._client.fetch_incoming_since(0)
        new = self._ledger.follow_renumbering(inbox)
        if new is None:
            return self._ledger.claim_catch_up(inbox)
        if new:
            LOGGER.warning(
                "%s numbers its SMS from 1 again (reset?): following the new numbering",
                self._entry.title,
            )
            async_raise_inbox_renumbered(self._hass, self._entry)
        return new

    def _fire(self, sms: IncomingSms) -> None:
        self._fire_event(EVENT_SMS_RECEIVED, sms.port, sms_received_data(sms))
