"""Incoming SMS to events exactly once and in id order, as the gateway's inbox holds them.

A push announcing a message is a doorbell: it makes the integration read the inbox now, and
only the read fires. Whether pushes reach Home Assistant at all is learned on the way: a
message the inbox holds that no push announced within a few seconds means they do not, and
the inbox is then read on every refresh (push mode falls back to polling) until an announced
message is confirmed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store

from custom_components.dinstar.aiodinstar import (
    DinstarClient,
    DinstarError,
    InboxLedger,
    IncomingSms,
)
from custom_components.dinstar.assist.config import assist_pin
from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED, FireEvent, sms_received_data
from custom_components.dinstar.const import CONF_INCOMING_MODE, LOGGER, IncomingMode, storage_key
from custom_components.dinstar.repairs import async_check_push_silence, async_raise_inbox_renumbered

from .push_audit import PushAudit
from .recent_keys import RecentKeys

STORAGE_VERSION = 1
# Written soon after a change; a restart inside that window may repeat, never lose, a message.
SAVE_DELAY = 1.0
# Messages read that no push had announced yet: a push that comes late for one of them
# shows pushes do arrive. Bounded: a gateway that never pushes adds one a message.
UNANNOUNCED_REMEMBERED = 64
# A gateway pushes a burst of messages one push at a time, each after the last was answered:
# a read may find messages whose pushes are still on their way. Those still unannounced this
# long after are taken for pushes that never come.
ANNOUNCE_GRACE = 10.0
# Kept with the ledger until one inbox read completed: the gateway's history is not news.
_BASELINE_PENDING = "baseline_pending"
_PUSHES = "pushes"


class Pushes(StrEnum):
    """What the inbox has shown of the gateway's SMS pushes."""

    UNKNOWN = "unknown"  # no message announced and read yet (a new gateway, or a quiet one)
    FLOWING = "flowing"  # an announced message was in the inbox
    MISSING = "missing"  # a message came that no push announced


class InboxSync:
    """Owns the entry's inbox ledger and fires ``dinstar_sms_received`` once per message."""

    @classmethod
    async def async_create(
        cls,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DinstarClient,
        fire: FireEvent,
        audit: PushAudit,
    ) -> InboxSync:
        """Restore where the last run stopped; nothing stored means a new entry."""
        store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry.entry_id, "inbox")
        )
        stored = await store.async_load()
        return cls(hass, entry, client, fire, audit, store=store, stored=stored)

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DinstarClient,
        fire: FireEvent,
        audit: PushAudit,
        *,
        store: Store[dict[str, Any]],
        stored: dict[str, Any] | None,
    ) -> None:
        """Take over from the stored state; nothing is read until asked."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._fire_event = fire
        self._audit = audit
        self._store = store
        self._ledger = InboxLedger.from_dict(stored)
        self._catch_up_lock = asyncio.Lock()
        # Ids pushes announced since the last read, with the address that pushed each.
        self._announced: dict[int, str | None] = {}
        self._unannounced: RecentKeys[int] = RecentKeys(UNANNOUNCED_REMEMBERED)
        # Of those, the ones read since the grace began: none announced by its end, pushes
        # are missing.
        self._suspects: set[int] = set()
        self._grace: CALLBACK_TYPE | None = None
        self.baseline_pending = stored is None or bool(stored.get(_BASELINE_PENDING))
        self.pushes = Pushes(stored.get(_PUSHES, Pushes.UNKNOWN) if stored else Pushes.UNKNOWN)
        # The last read failed (a timeout at start, say): the next good refresh reads again,
        # or what arrived while Home Assistant was away would wait for the next push.
        self.read_failed = False
        self.last_read: float | None = None  # monotonic time of the last complete read

    async def async_save(self) -> None:
        """Write now (at unload)."""
        await self._store.async_save(self._as_dict())

    def _as_dict(self) -> dict[str, Any]:
        data = self._ledger.as_dict()
        data[_PUSHES] = self.pushes.value
        if self.baseline_pending:
            data[_BASELINE_PENDING] = True
        return data

    @callback
    def async_announced(self, sms_ids: Iterable[int], source: str | None) -> None:
        """Pushes announced these ids: the next read answers them (nothing fires from here)."""
        for sms_id in sms_ids:
            if sms_id in self._unannounced:
                # Read before its push arrived: the push was only late.
                self._suspects.discard(sms_id)
                self._set_pushes(Pushes.FLOWING)
            else:
                self._announced[sms_id] = source

    @callback
    def async_pushes_seen(self) -> None:
        """Another kind of push was confirmed: until an SMS says otherwise, pushes arrive."""
        if self.pushes is Pushes.UNKNOWN:
            self._set_pushes(Pushes.FLOWING)

    @callback
    def async_stop(self) -> None:
        """No grace check after the entry unloads."""
        if self._grace is not None:
            self._grace()
            self._grace = None

    @callback
    def _async_grace_over(self, _now: datetime) -> None:
        self._grace = None
        if self._suspects:
            self._suspects.clear()
            self._set_pushes(Pushes.MISSING)
            async_check_push_silence(self._hass, self._entry, self._audit.heard, missing=True)

    def _set_pushes(self, pushes: Pushes) -> None:
        if pushes is Pushes.FLOWING:
            self._audit.confirmed()
        if pushes is self.pushes:
            return
        if pushes is Pushes.MISSING:
            LOGGER.warning(
                "%s: an SMS came that no push announced: its inbox is read on every refresh "
                "until pushes reach Home Assistant",
                self._entry.title,
            )
        self.pushes = pushes
        self._store.async_delay_save(self._as_dict, SAVE_DELAY)

    async def async_catch_up(self, *, late: bool = False) -> None:
        """Read every message above the cursor and fire the new ones in id order.

        Reads with flag ``all``, never ``unread``, so the gateway's read marks stay as they are.
        The first complete read of a new entry fires only what pushes announced meanwhile (and
        the inbox holds). An announced id above the cursor that the read does not return is
        not the gateway's: nothing fires, and the push is reported. A ``late`` read (after
        Home Assistant started, an outage or a gateway restart) finds what pushes could not
        bring: no sign that pushes are lost, and its messages are marked caught up.
        """
        async with self._catch_up_lock:
            announced = dict(self._announced)
            cursor = self._ledger.cursor
            try:
                new = await self._async_read_new()
            except DinstarError as err:
                LOGGER.debug("Catching up with the gateway's inbox failed: %s", err)
                self.read_failed = True
                return
            self.read_failed = False
            self.last_read = time.monotonic()
            for sms_id in announced:
                del self._announced[sms_id]
            if self.baseline_pending:
                self.baseline_pending = False
                on_the_gateway = len(new)
                new = [sms for sms in new if sms.incoming_sms_id in announced]
                LOGGER.debug("%s messages on the gateway are not fired", on_the_gateway - len(new))
            self._note_announcements(announced, cursor, new, late=late)
            for sms in new:
                self._fire(sms, caught_up=late and sms.incoming_sms_id not in announced)
            self._store.async_delay_save(self._as_dict, SAVE_DELAY)

    def _note_announcements(
        self,
        announced: dict[int, str | None],
        cursor: int,
        new: list[IncomingSms],
        *,
        late: bool,
    ) -> None:
        """Compare what pushes announced with what the complete read found."""
        found = {sms.incoming_sms_id for sms in new}
        if found & announced.keys():
            self._set_pushes(Pushes.FLOWING)
        unannounced = found - announced.keys()
        if unannounced and not late and expects_pushes(self._entry):
            # A push lost on the way, none sent at all, or one still in flight: the grace
            # tells them apart.
            for sms_id in sorted(unannounced):
                self._unannounced.add(sms_id)
            self._suspects |= unannounced
            if self._grace is None:
                self._grace = async_call_later(self._hass, ANNOUNCE_GRACE, self._async_grace_over)
        for sms_id, source in sorted(announced.items()):
            # At or below the cursor: handled before (a repeated push); a reset gateway's new
            # numbering was followed by the read itself.
            if sms_id > cursor and sms_id not in found:
                self._audit.not_confirmed(f"SMS {sms_id}", source)

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

    def _fire(self, sms: IncomingSms, *, caught_up: bool) -> None:
        # The Assist PIN is masked in what is fired (recorded, shown, logged): Assist reads the
        # message itself from the gateway.
        data = sms_received_data(sms, caught_up=caught_up, pin=assist_pin(self._entry))
        self._fire_event(EVENT_SMS_RECEIVED, sms.port, data)


def expects_pushes(entry: ConfigEntry) -> bool:
    """Whether the options say received SMS are pushed (push, or push and polling)."""
    return bool(entry.options.get(CONF_INCOMING_MODE) != IncomingMode.POLLING)
