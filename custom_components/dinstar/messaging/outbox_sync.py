"""Sent SMS followed to their outcome, one event each, kept across restarts.

Only the gateway's records make an outcome: a pushed result or delivery report is a doorbell,
read back at once (``query_sms_result`` on its user_ids, or the records by number, port and
time for a message Home Assistant did not send) and applied as the gateway has it. While
messages are pending and no push was confirmed lately, ``query_sms_result`` on their user_ids
fills in, backing off from 15 seconds to 5 minutes. A message is followed for at most six hours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from custom_components.dinstar.aiodinstar import (
    DeliveryReport,
    DinstarClient,
    DinstarError,
    Outcome,
    SmsResult,
    SmsStatus,
    SmsTracker,
    TrackedSms,
    TrackingUpdate,
    confirms_status,
    is_number,
    same_report,
    same_result,
    time_window,
)
from custom_components.dinstar.bus_events import EVENT_SMS_DELIVERY, EVENT_SMS_SENT, FireEvent
from custom_components.dinstar.const import LOGGER, storage_key

from .push_audit import PushAudit
from .recent_keys import RecentKeys

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
# Outcomes of others' messages fired lately: a push the gateway repeats fires once.
FOREIGN_REMEMBERED = 256
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
        *,
        fire: FireEvent,
        audit: PushAudit,
        on_change: Callable[[], None],
    ) -> None:
        """Nothing is read until :meth:`async_load`; ``on_change`` hears of new counts."""
        self._client = client
        self._fire_event = fire
        self._audit = audit
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
        self._foreign_fired: RecentKeys[tuple[object, ...]] = RecentKeys(FOREIGN_REMEMBERED)
        self._outcome_listeners: list[Callable[[TrackingUpdate], None]] = []

    @callback
    def async_listen_outcomes(self, listener: Callable[[TrackingUpdate], None]) -> CALLBACK_TYPE:
        """Hear each outcome of a message Home Assistant sent, as its event fires (failover)."""
        self._outcome_listeners.append(listener)
        return lambda: self._outcome_listeners.remove(listener)

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
    def async_result(self, result: SmsResult) -> None:
        """A sending result read from the gateway."""
        self._apply(self.tracker.apply_result(result))

    @callback
    def async_report(self, report: DeliveryReport) -> None:
        """A delivery report for one part, read from the gateway."""
        self._apply(self.tracker.apply_report(report))

    async def async_confirm_results(self, pushed: Sequence[tuple[SmsResult, str | None]]) -> None:
        """Read back what pushed results announce; apply and fire the gateway's records.

        Each pushed item comes with the address that pushed it. Results carrying the user_id
        of a message Home Assistant follows are read by user_id; the others (firmware may
        leave the user_id out of a push) by number, port and time.
        """
        by_id = [(r, source) for r, source in pushed if self._follows(r.user_id)]
        if by_id:
            records = await self._client.query_sms_result(
                user_ids=sorted({r.user_id for r, _ in by_id if r.user_id is not None})
            )
            for record in records:
                self.async_result(record)
            self._audit_results(by_id, records)
        if by_number := self._plausible(
            [(r, source) for r, source in pushed if not self._follows(r.user_id)]
        ):
            after, before = time_window(r.time for r, _ in by_number)
            records = await self._client.query_sms_result(
                numbers=sorted({r.number for r, _ in by_number}),
                ports=sorted({r.port for r, _ in by_number}),
                time_after=after,
                time_before=before,
            )
            for record in self._audit_results(by_number, records):
                self._apply_or_fire_foreign(record)

    def _apply_or_fire_foreign(self, record: SmsResult) -> None:
        """A confirmed result found by number: ours if it matches, else someone else's."""
        updates = self.tracker.apply_result(record)
        self._apply(updates)
        if (
            not updates
            and record.status in _FOREIGN_OUTCOMES
            and not self._ours(record.port, record.number)
        ):
            self._fire_foreign(
                EVENT_SMS_SENT,
                record.port,
                {
                    "number": record.number,
                    "user_id": record.user_id,
                    "parts": max(record.count, 1),
                    "outcome": _FOREIGN_OUTCOMES[record.status],
                },
                key=(record.user_id, record.ref_id, record.time, record.status),
            )

    async def async_confirm_reports(
        self, pushed: Sequence[tuple[DeliveryReport, str | None]]
    ) -> None:
        """Read back what pushed delivery reports announce, by number and port."""
        if not (pushed := self._plausible(pushed)):
            return
        oldest = min((r.time for r, _ in pushed if r.time is not None), default=None)
        records = await self._client.query_sms_deliver_status(
            numbers=sorted({r.number for r, _ in pushed}),
            ports=sorted({r.port for r, _ in pushed}),
            # A report's time is the gateway's, of the message or of its report (firmware
            # differs): allow for the hours a message may take to be delivered.
            time_after=None if oldest is None else oldest - REPORT_CLOCK_MARGIN,
        )
        for report, source in pushed:
            record = next((r for r in records if same_report(report, r)), None)
            if record is None:
                self._audit.not_confirmed(
                    f"a delivery report for {report.number} on port {report.port}", source
                )
                continue
            self._audit.confirmed()
            updates = self.tracker.apply_report(record)
            self._apply(updates)
            if (
                not updates
                and not record.temporary_error
                and not self._ours(record.port, record.number)
            ):
                self._fire_foreign(
                    EVENT_SMS_DELIVERY,
                    record.port,
                    {
                        "number": record.number,
                        "user_id": None,
                        "parts": 1,
                        "delivered": record.delivered,
                        "status_code": record.status_code,
                    },
                    key=(record.ref_id, record.time, record.status_code),
                )

    def _follows(self, user_id: int | None) -> bool:
        return user_id is not None and self.tracker.is_pending(user_id)

    def _plausible[T: SmsResult | DeliveryReport](
        self, pushed: Sequence[tuple[T, str | None]]
    ) -> list[tuple[T, str | None]]:
        """Pushed items whose number the gateway could hold; the others are reported."""
        kept = []
        for item, source in pushed:
            if is_number(item.number):
                kept.append((item, source))
            else:
                self._audit.not_confirmed(f"a message to {item.number!r}", source)
        return kept

    def _audit_results(
        self, pushed: Sequence[tuple[SmsResult, str | None]], records: Sequence[SmsResult]
    ) -> list[SmsResult]:
        """The records that confirm pushed results; the others are reported."""
        confirmed = []
        for result, source in pushed:
            record = next(
                (
                    r
                    for r in records
                    if same_result(result, r) and confirms_status(result.status, r.status)
                ),
                None,
            )
            if record is None:
                self._audit.not_confirmed(
                    f"{result.status.value} for a message to {result.number}", source
                )
            else:
                self._audit.confirmed()
                confirmed.append(record)
        return confirmed

    def _ours(self, port: int, number: str) -> bool:
        """Followed, or finished lately (late or repeated pushes of its parts still come)."""
        return self.tracker.follows(port, number) or (port, number) in self._finished

    def _fire_foreign(
        self, event_type: str, port: int, fields: dict[str, Any], key: tuple[object, ...]
    ) -> None:
        """An outcome of a message sent by someone else (the gateway's web page, a server)."""
        key = (event_type, port, fields["number"], *key)
        if key in self._foreign_fired:
            return
        self._foreign_fired.add(key)
        self._fire_event(
            event_type, port, {**fields, "port": port, "sent_by_home_assistant": False}
        )

    async def async_poll_if_due(self, last_push: datetime | None) -> None:
        """Query pending messages when pushes are silent and the back-off allows.

        ``last_push`` is when a push was last confirmed (``None``: never since set-up).
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
            LOGGER.debug("Polling sending results failed: %s", err)
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
            LOGGER.debug("Polling delivery reports failed: %s", err)
            return
        for report in reports:
            self.async_report(report)

    def _apply(self, updates: list[TrackingUpdate]) -> None:
        if not updates:
            return
        for update in updates:
            self._fire(update)
            for listener in list(self._outcome_listeners):
                listener(update)
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
            LOGGER.debug("Stopped following SMS %s to %s: no outcome", sms.user_id, sms.number)
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
        if old_minor_version < 2:  # the version that changed the shape
            for item in old_data["pending"]:
                # Only parts reported arrived (or done) were kept; JSON made their keys text.
                item["reported_parts"] = sorted(int(ref_id) for ref_id in item.pop("part_codes"))
        return old_data
