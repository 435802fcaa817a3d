"""Sent SMS followed to their outcome, one event each, kept across restarts.

Pushed results and delivery reports are applied as they come. While messages are pending and
no push has been heard lately, ``query_sms_result`` on their user_ids fills in, backing off from
15 seconds to 5 minutes. A message is followed for at most six hours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .aiodinstar import DeliveryReport, DinstarClient, DinstarError, SmsResult, SmsStatus
from .bus_events import EVENT_SMS_DELIVERY, EVENT_SMS_SENT, FireEvent
from .const import LOGGER, storage_key
from .recent_keys import RecentKeys
from .tracking import Outcome, SmsTracker, TrackedSms, TrackingUpdate

STORAGE_VERSION = 1
# 1.2: a message's reported parts as a list of ref_ids (1.1 kept a dict of their codes).
STORAGE_MINOR_VERSION = 2
SAVE_DELAY = 1.0
FOLLOW_FOR = timedelta(hours=6)
POLL_FIRST = 15.0
POLL_MAX = 300.0
PUSH_FRESH = timedelta(minutes=2)
REPORT_CLOCK_MARGIN = timedelta(hours=12)
# Numbers (with their port) whose messages finished lately: their late pushes are ours.
FINISHED_REMEMBERED = 64
_SENT_OUTCOMES = {Outcome.SENT: "sent", Outcome.FAILED: "failed"}
# Results of messages Home Assistant did not send: what each final status reports.
_FOREIGN_OUTCOMES = {
    SmsStatus.SENT_OK: "sent",
    SmsStatus.DELIVERED: "sent",
    SmsStatus.FAILED: "failed",
}


class OutboxSync:
    """Owns the entry's tracker, its counters and their store."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DinstarClient,
        fire: FireEvent,
        on_change: Callable[[], None],
    ) -> None:
        """Nothing is read until :meth:`async_load`; ``on_change`` hears of new counts."""
        self._client = client
        self._fire_event = fire
        self._on_change = on_change
        self._store = _OutboxStore(
            hass,
            STORAGE_VERSION,
            storage_key(entry.entry_id, "outbox"),
            minor_version=STORAGE_MINOR_VERSION,
        )
        self.tracker = SmsTracker(FOLLOW_FOR.total_seconds())
        self.counters: Counter[str] = Counter()
        self._poll_wait = POLL_FIRST
        self._next_poll = time.monotonic()  # due at once
        self._finished: RecentKeys[tuple[int, str]] = RecentKeys(FINISHED_REMEMBERED)

    async def async_load(self) -> None:
        """Restore messages still followed and the counters."""
        if (stored := await self._store.async_load()) is None:
            return
        for item in stored["pending"]:
            reported = set(item["reported_parts"])
            self.tracker.track(TrackedSms(**{**item, "reported_parts": reported}))
        self.counters.update(stored["counters"])

    async def async_save(self) -> None:
        """Write now (at unload)."""
        await self._store.async_save(self._as_dict())

    def _as_dict(self) -> dict[str, Any]:
        return {
            "pending": [
                {**asdict(sms), "reported_parts": sorted(sms.reported_parts)}
                for sms in self.tracker.pending
            ],
            "counters": dict(self.counters),
        }

    @callback
    def async_track(self, messages: list[TrackedSms]) -> None:
        """Follow messages the gateway accepted; poll soon if no push tells first."""
        for sms in messages:
            self.tracker.track(sms)
        # The next refresh may ask at once; later asks back off.
        self._poll_wait = POLL_FIRST
        self._next_poll = time.monotonic()
        self._store.async_delay_save(self._as_dict, SAVE_DELAY)

    @callback
    def async_result(self, result: SmsResult, *, pushed: bool = False) -> None:
        """A sending result, pushed or polled; a pushed one for another's message fires too."""
        updates = self.tracker.apply_result(result)
        self._apply(updates)
        if (
            pushed
            and not updates
            and result.status in _FOREIGN_OUTCOMES
            and not self._ours(result.port, result.number)
        ):
            self._fire_foreign(
                EVENT_SMS_SENT,
                result.port,
                {
                    "number": result.number,
                    "user_id": result.user_id,
                    "parts": max(result.count, 1),
                    "outcome": _FOREIGN_OUTCOMES[result.status],
                },
            )

    @callback
    def async_report(self, report: DeliveryReport, *, pushed: bool = False) -> None:
        """A delivery report for one part; a pushed one for another's message fires too."""
        updates = self.tracker.apply_report(report)
        self._apply(updates)
        if (
            pushed
            and not updates
            and not report.temporary_error
            and not self._ours(report.port, report.number)
        ):
            self._fire_foreign(
                EVENT_SMS_DELIVERY,
                report.port,
                {
                    "number": report.number,
                    "user_id": None,
                    "parts": 1,
                    "delivered": report.delivered,
                    "status_code": report.status_code,
                },
            )

    def _ours(self, port: int, number: str) -> bool:
        """Followed, or finished lately (late or repeated pushes of its parts still come)."""
        return self.tracker.follows(port, number) or (port, number) in self._finished

    def _fire_foreign(self, event_type: str, port: int, fields: dict[str, Any]) -> None:
        """An outcome of a message sent by someone else (the gateway's web page, a server)."""
        self._fire_event(
            event_type, port, {**fields, "port": port, "sent_by_home_assistant": False}
        )

    async def async_poll_if_due(self, last_push: datetime | None) -> None:
        """Query pending messages when pushes are silent and the back-off allows.

        ``last_push`` is when the gateway last pushed anything (``None``: never since set-up).
        """
        self._apply(self.tracker.expire(time.time()))
        pending = self.tracker.pending
        if not pending or time.monotonic() < self._next_poll:
            return
        if last_push is not None and dt_util.utcnow() - last_push < PUSH_FRESH:
            return
        self._next_poll = time.monotonic() + self._poll_wait
        self._poll_wait = min(self._poll_wait * 2, POLL_MAX)
        try:
            results = await self._client.query_sms_result(user_ids=[sms.user_id for sms in pending])
        except DinstarError as err:
            LOGGER.debug("Polling sending results failed: %s", err)  # pragma: no mutate
            return
        for result in results:
            self.async_result(result)
        await self._async_poll_reports()

    async def _async_poll_reports(self) -> None:
        """Sent messages still awaiting their report: a failed delivery shows only there.

        A result stays SENT_OK when the network refuses the message, so its reports are read
        (by number, since the message's first hours) and matched by port, number and ref_id.
        """
        waiting = [
            sms
            for sms in self.tracker.pending
            if sms.sent and sms.wants_report and sms.first_ref_id is not None
        ]
        if not waiting:
            return
        oldest = dt_util.as_local(dt_util.utc_from_timestamp(min(s.created for s in waiting)))
        try:
            reports = await self._client.query_sms_deliver_status(
                numbers=sorted({sms.number for sms in waiting}),
                # The gateway's clock has no zone: allow for one that is hours off.
                time_after=oldest.replace(tzinfo=None) - REPORT_CLOCK_MARGIN,
            )
        except DinstarError as err:
            LOGGER.debug("Polling delivery reports failed: %s", err)  # pragma: no mutate
            return
        for report in reports:
            self.async_report(report)

    def _apply(self, updates: list[TrackingUpdate]) -> None:
        if not updates:
            return
        for update in updates:
            self._fire(update)
            if update.sms.port is not None:
                self._finished.add((update.sms.port, update.sms.number))
        self._store.async_delay_save(self._as_dict, SAVE_DELAY)
        self._on_change()

    def _fire(self, update: TrackingUpdate) -> None:
        sms = update.sms
        base = {
            "number": sms.number,
            "user_id": sms.user_id,
            "port": sms.port,
            "parts": sms.parts,
            "sent_by_home_assistant": True,
        }
        if update.outcome in _SENT_OUTCOMES:
            outcome = _SENT_OUTCOMES[update.outcome]
            self.counters[outcome] += 1
            self._fire_event(EVENT_SMS_SENT, sms.port, {**base, "outcome": outcome})
        elif update.outcome is Outcome.EXPIRED:
            LOGGER.debug(  # pragma: no mutate
                "Stopped following SMS %s to %s: no outcome",  # pragma: no mutate
                sms.user_id,  # pragma: no mutate
                sms.number,  # pragma: no mutate
            )
        else:
            delivered = update.outcome is Outcome.DELIVERED
            self.counters["delivered" if delivered else "undelivered"] += 1
            self._fire_event(
                EVENT_SMS_DELIVERY,
                sms.port,
                {**base, "delivered": delivered, "status_code": update.status_code},
            )


class _OutboxStore(Store[dict[str, Any]]):
    """The outbox's store, read in the shape of the newest minor version."""

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        if old_minor_version < 2:  # noqa: PLR2004 - the version that changed the shape
            for item in old_data["pending"]:
                # Only parts reported arrived (or done) were kept; JSON made their keys text.
                item["reported_parts"] = sorted(int(ref_id) for ref_id in item.pop("part_codes"))
        return old_data
