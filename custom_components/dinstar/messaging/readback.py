"""The messaging path of one gateway: pushes as doorbells, and what each refresh reads.

A push says "look now"; what it announces is read from the gateway's authenticated API before
anything fires, counts or changes: the inbox above the cursor for SMS, the results of those
user_ids (or the records by number, port and time), the delivery reports, the call records;
a SIM registration or a power change is checked on the next refresh, which the push asks
for. Port exceptions cannot be read back: they fire at once, marked ``confirmed: false``.

The reads start right after the push is answered (never inside it: the gateway's embedded
server may answer one request at a time) and a burst of pushes shares one read. Refreshes
read the inbox when pushes do not bring SMS (polling mode, no push confirmed yet, or a message
came that no push announced), after an outage, and every few minutes as a safety net.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import time

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from custom_components.dinstar.aiodinstar import (
    CallRecord,
    CallRecordEvent,
    DeliveryReport,
    DeliveryReportEvent,
    DeviceEvent,
    DevicePowerStatus,
    DinstarClient,
    DinstarError,
    PushEvent,
    RegisterEvent,
    RegisterStatus,
    RegistrationState,
    SmsReceivedEvent,
    SmsResult,
    SmsResultEvent,
    UssdEvent,
    same_call,
    time_window,
)
from custom_components.dinstar.bus_events import FireEvent, event_for
from custom_components.dinstar.const import LOGGER
from custom_components.dinstar.coordinator import DinstarCoordinator
from custom_components.dinstar.repairs import async_check_push_silence
from custom_components.dinstar.sim.ussd import UssdSessions

from .inbox_sync import InboxSync, Pushes, expects_pushes
from .outbox_sync import OutboxSync
from .push_audit import PushAudit

# Pushes of a burst arrive a few milliseconds apart: the read waits this long to take them all.
BURST_WINDOW = 0.02
# However many pushes come (a flood of forgeries, say), reads start at most this often.
MIN_READ_SPACING = 0.25
# Each kind of announcement waiting for a read is bounded; what is beyond is left unread.
MAX_WAITING = 256
# In push mode with pushes arriving, the inbox is still read this often: a push lost on the
# way, or a push URL changed, costs minutes, not the message.
SAFETY_READ_EVERY = timedelta(minutes=5)
# A registration or power push is checked against refreshes made within this time after it.
STATE_CHECK_WINDOW = timedelta(minutes=2)


@dataclass
class _Waiting:
    """What pushes announced since the last read, each with the address that pushed it."""

    sms: bool = False
    results: list[tuple[SmsResult, str | None]] = field(default_factory=list)
    reports: list[tuple[DeliveryReport, str | None]] = field(default_factory=list)
    calls: list[tuple[CallRecord, str | None]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.sms or bool(self.results or self.reports or self.calls)

    def outcomes(self) -> _Waiting:
        """The announced outcomes alone (the inbox has its own retry)."""
        return _Waiting(results=self.results, reports=self.reports, calls=self.calls)

    def add(self, other: _Waiting) -> None:
        """Take over the outcomes another announced too, within the bound."""
        _bounded_extend(self.results, other.results)
        _bounded_extend(self.reports, other.reports)
        _bounded_extend(self.calls, other.calls)


@dataclass(frozen=True, slots=True)
class _StateClaim:
    """A push that says the gateway's state changed: checked by the next refreshes."""

    event: RegisterEvent | DeviceEvent
    source: str | None
    refreshes_before: int  # refreshes begun when it came: only later ones can confirm it
    at: datetime


class Messaging:
    """Reads back what pushes announce, and decides what each refresh reads."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        *,
        coordinator: DinstarCoordinator,
        client: DinstarClient,
        inbox: InboxSync,
        outbox: OutboxSync,
        ussd: UssdSessions,
        audit: PushAudit,
        fire: FireEvent,
    ) -> None:
        """Nothing is read until a push or a refresh asks."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._client = client
        self.inbox = inbox
        self.outbox = outbox
        self._ussd = ussd
        self.audit = audit
        self._fire = fire
        self._waiting = _Waiting()
        # Outcomes whose read-back failed: read once more after the next good refresh.
        self._failed = _Waiting()
        self._reader: asyncio.Task[None] | None = None
        self._claims: list[_StateClaim] = []
        self._was_available = True

    @callback
    def async_ring(self, events: Sequence[PushEvent], source: str | None) -> None:
        """Pushed events of the entry's serial: note what to read, and read it soon."""
        self._take(events, source)
        self._start_reader()

    @callback
    def _take(self, events: Sequence[PushEvent], source: str | None) -> None:
        for event in events:
            match event:
                case SmsReceivedEvent(sms=sms):
                    self.inbox.async_announced([sms.incoming_sms_id], source)
                    self._waiting.sms = True
                case SmsResultEvent(result=result):
                    _bounded_append(self._waiting.results, (result, source))
                case DeliveryReportEvent(report=report):
                    _bounded_append(self._waiting.reports, (report, source))
                case CallRecordEvent(record=record):
                    _bounded_append(self._waiting.calls, (record, source))
                case UssdEvent(reply=reply):
                    self._ussd.async_pushed(reply, source)
                case (
                    RegisterEvent(status=RegisterStatus.UP | RegisterStatus.DOWN)
                    | DeviceEvent(status=DevicePowerStatus.POWER_ON | DevicePowerStatus.POWER_OFF)
                ):
                    self._claim(event, source)
                case _:
                    # A port exception, or a state this integration cannot read back.
                    event_type, port, data = event_for(event)
                    self._fire(event_type, port, {**data, "confirmed": False})

    @callback
    def _start_reader(self) -> None:
        if self._waiting and self._reader is None:
            self._reader = self._entry.async_create_background_task(
                self._hass,
                self._async_read_announced(),
                "dinstar push read-back",
            )

    async def _async_read_announced(self) -> None:
        """Read what was announced; pushes that came meanwhile share the next read."""
        try:
            while True:
                await asyncio.sleep(BURST_WINDOW)
                waiting, self._waiting = self._waiting, _Waiting()
                await self._async_read(waiting)
                if not self._waiting:
                    return
                await asyncio.sleep(MIN_READ_SPACING)
        finally:
            self._reader = None

    async def _async_read(self, waiting: _Waiting, *, retry: bool = False) -> None:
        if waiting.sms:
            # A failed read is read again at the next good refresh (``read_failed``).
            await self.inbox.async_catch_up()
        try:
            if waiting.results:
                await self.outbox.async_confirm_results(waiting.results)
            if waiting.reports:
                await self.outbox.async_confirm_reports(waiting.reports)
            if waiting.calls:
                await self._async_confirm_calls(waiting.calls)
        except DinstarError as err:
            # The gateway keeps its records: they are read once more after the next good
            # refresh (not at once: a failing gateway is not asked in a loop).
            LOGGER.debug("Reading back pushed outcomes failed: %s", err)
            if not retry:
                self._failed.add(waiting.outcomes())
        # A confirmed push ends the "pushes are not arriving" repair at once.
        self.async_check_silence()

    async def _async_catch_up(self, *, late: bool) -> None:
        await self.inbox.async_catch_up(late=late)
        # An SMS no push announced raises the "pushes are not arriving" repair at once.
        self.async_check_silence()

    async def _async_confirm_calls(self, pushed: list[tuple[CallRecord, str | None]]) -> None:
        after, before = time_window(record.start_date for record, _ in pushed)
        records = await self._client.get_cdr(
            ports=sorted({record.port for record, _ in pushed}),
            time_after=after,
            time_before=before,
        )
        for call, source in pushed:
            record = next((r for r in records if same_call(call, r)), None)
            if record is None:
                self.audit.not_confirmed(f"a call record on port {call.port}", source)
                continue
            self.audit.confirmed()
            event_type, port, data = event_for(CallRecordEvent(record))
            self._fire(event_type, port, {**data, "confirmed": True})

    @callback
    def _claim(self, event: RegisterEvent | DeviceEvent, source: str | None) -> None:
        """A state change to check on the next refresh, asked for now (debounced)."""
        if len(self._claims) < MAX_WAITING:
            self._claims.append(
                _StateClaim(event, source, self._coordinator.refreshes_begun, dt_util.utcnow())
            )
        self._entry.async_create_background_task(
            self._hass,
            self._coordinator.async_request_refresh(),
            "dinstar pushed refresh",
        )

    @callback
    def async_after_refresh(self) -> None:
        """After each refresh: check pushed state changes, read the inbox and results as due."""
        available = self._coordinator.last_update_success
        self._check_claims(available)
        inbox = self.inbox
        self.async_check_silence()
        if available and self._inbox_due():
            # Back from an outage, what came meanwhile is late news (its pushes went nowhere).
            late = not self._was_available or inbox.read_failed
            self._entry.async_create_background_task(
                self._hass, self._async_catch_up(late=late), "dinstar inbox catch-up"
            )
        if available and self._failed:
            failed, self._failed = self._failed, _Waiting()
            self._entry.async_create_background_task(
                self._hass,
                self._async_read(failed, retry=True),
                "dinstar push read-back retry",
            )
        if available and self.outbox.tracker.pending:
            self._entry.async_create_background_task(
                self._hass,
                self.outbox.async_poll_if_due(self.audit.last_confirmed),
                "dinstar sending results",
            )
        self._was_available = available

    def _inbox_due(self) -> bool:
        inbox = self.inbox
        if (
            not expects_pushes(self._entry)
            or inbox.pushes is not Pushes.FLOWING
            or not self._was_available
            or inbox.read_failed
            or inbox.last_read is None  # never read completely (the baseline is pending)
        ):
            return True
        return time.monotonic() - inbox.last_read >= SAFETY_READ_EVERY.total_seconds()

    def _check_claims(self, available: bool) -> None:
        """Fire the pushed state changes the refresh confirms; report those it never did."""
        begun = self._coordinator.refreshes_begun
        now = dt_util.utcnow()
        kept: list[_StateClaim] = []
        for claim in self._claims:
            if claim.refreshes_before < begun and self._confirms(claim.event, available):
                self.audit.confirmed()
                self._fire_claim(claim.event)
            elif now - claim.at < STATE_CHECK_WINDOW:
                kept.append(claim)
            else:
                self.audit.not_confirmed(_claim_text(claim.event), claim.source)
        self._claims = kept

    def _confirms(self, event: RegisterEvent | DeviceEvent, available: bool) -> bool:
        """Whether a refresh that started after the push shows what the push said."""
        if isinstance(event, DeviceEvent):
            return available is (event.status is DevicePowerStatus.POWER_ON)
        if not available:
            return False
        info = self._coordinator.data.ports.get(event.port)
        if info is None:
            return False
        registered = info.registration is RegistrationState.REGISTER_OK
        return registered is (event.status is RegisterStatus.UP)

    def _fire_claim(self, event: RegisterEvent | DeviceEvent) -> None:
        event_type, port, data = event_for(event)
        if isinstance(event, RegisterEvent):
            # The SIM as the gateway reads it, whatever the push said of it.
            info = self._coordinator.data.ports[event.port]
            data |= {"iccid": info.iccid, "imsi": info.imsi, "number": info.number}
        self._fire(event_type, port, {**data, "confirmed": True})
        if isinstance(event, DeviceEvent) and event.status is DevicePowerStatus.POWER_ON:
            # Pushes made while it restarted may be lost: read what came meanwhile.
            self._entry.async_create_background_task(
                self._hass,
                self._async_catch_up(late=True),
                "dinstar inbox catch-up",
            )

    @callback
    def async_check_silence(self) -> None:
        """Raise the repair when SMS come unannounced, or no push was confirmed for a day."""
        if self.audit.last_confirmed is not None:
            # Any confirmed push shows the gateway reaches Home Assistant.
            self.inbox.async_pushes_seen()
        async_check_push_silence(
            self._hass,
            self._entry,
            self.audit.heard,
            missing=self.inbox.pushes is Pushes.MISSING,
        )


def _bounded_append[T](items: list[T], item: T) -> None:
    _bounded_extend(items, [item])


def _bounded_extend[T](items: list[T], more: list[T]) -> None:
    items += more[: MAX_WAITING - len(items)]


def _claim_text(event: RegisterEvent | DeviceEvent) -> str:
    if isinstance(event, DeviceEvent):
        return f"a {event.status.value} of the gateway"
    return f"SIM registration {event.status.value} on port {event.port}"
