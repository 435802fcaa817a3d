"""Balance checks: when each port's SIM is asked for its money, how, and what it answered.

Checks go one at a time, a minute apart at most one, so a gateway full of SIMs never sends all
its codes at once; a busy port (sending, in a call, in a user's USSD session) is tried again
later, waiting longer each time, and so is a check the gateway failed. The reply is read by
``balance_reply``; one without an amount leaves the balance unknown and keeps the reply for the
user to see. A balance belongs to the SIM it was read from: another SIM in the port (another
ICCID) starts unknown and is checked first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from custom_components.dinstar.aiodinstar import (
    CallState,
    DinstarError,
    normalize_number,
    parse_balance,
)
from custom_components.dinstar.bus_events import EVENT_LOW_BALANCE, EVENT_SMS_RECEIVED, FireEvent
from custom_components.dinstar.const import LOGGER
from custom_components.dinstar.coordinator import DinstarCoordinator
from custom_components.dinstar.errors import gateway_error
from custom_components.dinstar.signals import balance_signal
from custom_components.dinstar.subentries import (
    CONF_BALANCE_PORTS,
    CONF_CODE,
    CONF_CURRENCY,
    CONF_INTERVAL,
    CONF_PATTERN,
    CONF_REPLY_SENDER,
    CONF_REPLY_WAIT,
    CONF_THRESHOLD,
    SUBENTRY_BALANCE,
)

from .ussd import UssdSessions

# How often due checks are looked for; at most one check starts each time.
CHECK_TICK = timedelta(minutes=1)
FIRST_RETRY = timedelta(minutes=2)
LONGEST_RETRY = timedelta(hours=1)
USSD_WAIT = 30.0
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class BalanceGroup:
    """One balance subentry: ports on the same operator, asked the same way."""

    ports: frozenset[int]
    code: str
    interval: timedelta
    currency: str
    threshold: Decimal | None
    pattern: str | None
    reply_sender: str | None
    reply_wait: timedelta

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> BalanceGroup:
        """Read a subentry's data."""
        threshold = data.get(CONF_THRESHOLD)
        return cls(
            ports=frozenset(data[CONF_BALANCE_PORTS]),
            code=data[CONF_CODE].strip(),
            interval=timedelta(hours=data[CONF_INTERVAL]),
            currency=data[CONF_CURRENCY],
            threshold=None if threshold is None else Decimal(str(threshold)),
            pattern=data.get(CONF_PATTERN) or None,
            reply_sender=data.get(CONF_REPLY_SENDER) or None,
            reply_wait=timedelta(minutes=data[CONF_REPLY_WAIT]),
        )


@dataclass(slots=True)
class PortBalance:
    """What the last check of a port found."""

    amount: Decimal | None = None
    reply: str | None = None
    checked_at: datetime | None = None
    retry_at: datetime | None = None
    failures: int = 0
    unreadable_logged: bool = False
    iccid: str | None = None  # the SIM's; None until one is seen


class BalanceChecker:
    """Checks the balance of every port a balance subentry names."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        coordinator: DinstarCoordinator,
        ussd: UssdSessions,
        fire: FireEvent,
    ) -> None:
        """Read the groups from the entry's balance subentries."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._ussd = ussd
        self._fire = fire
        self._subentries = self._balance_subentries()
        self.groups = _groups(self._subentries)
        self.balances: dict[int, PortBalance] = {port: PortBalance() for port in self.groups}
        self._sms_waiters: dict[int, tuple[str, asyncio.Future[str]]] = {}
        self._running: asyncio.Task[None] | None = None
        self._listeners: list[Callable[[set[int]], None]] = []

    def _balance_subentries(self) -> dict[str, Mapping[str, Any]]:
        return {
            subentry_id: subentry.data
            for subentry_id, subentry in self._entry.subentries.items()
            if subentry.subentry_type == SUBENTRY_BALANCE
        }

    @callback
    def async_start(self) -> Callable[[], None]:
        """Look for due checks every minute and watch for replies by SMS; returns the stop."""
        stops: list[CALLBACK_TYPE] = [
            async_track_time_interval(
                self._hass, self._async_tick, CHECK_TICK, name="dinstar balance checks"
            ),
            self._hass.bus.async_listen(EVENT_SMS_RECEIVED, self._async_sms, self._for_entry),
            self._coordinator.async_add_listener(self._async_follow_sims),
        ]

        @callback
        def stop() -> None:
            for unsubscribe in stops:
                unsubscribe()

        return stop

    @callback
    def async_add_listener(self, listener: Callable[[set[int]], None]) -> None:
        """Call ``listener`` with the ports a check names newly, whenever checks change."""
        self._listeners.append(listener)

    @callback
    def async_follow_subentries(self) -> None:
        """Checks added, changed or deleted: from now on the checks are the subentries' as they are.

        A port still named keeps what its last check found; a port named newly is checked
        first; a port no check names any more is forgotten (its entities go, see
        ``async_add_balance_entities``).
        """
        subentries = self._balance_subentries()
        if subentries == self._subentries:
            return
        self._subentries = subentries
        before = set(self.groups)
        self.groups = _groups(subentries)
        for port in before - set(self.groups):
            del self.balances[port]
        added = set(self.groups) - before
        for port in added:
            self.balances[port] = PortBalance()
        for listener in self._listeners:
            listener(added)
        async_dispatcher_send(self._hass, balance_signal(self._entry.entry_id))

    @callback
    def async_restore(
        self,
        port: int,
        amount: Decimal | None,
        reply: str | None,
        checked_at: datetime | None,
        iccid: str | None,
    ) -> None:
        """A balance kept from before a restart: not asked again before it is due.

        One read from another SIM than the port holds now is not restored; one kept before
        the SIM was stored with it is taken as the present SIM's.
        """
        present = self._present_iccid(port)
        if iccid is not None and present is not None and iccid != present:
            LOGGER.info(
                "Port %s of %s has another SIM than before the restart: its balance is checked",
                port,
                self._entry.title,
            )
            return
        self.balances[port] = PortBalance(amount, reply, checked_at, iccid=present or iccid)
        async_dispatcher_send(self._hass, balance_signal(self._entry.entry_id))

    def threshold(self, port: int) -> Decimal | None:
        """Below this a port's balance is low; ``None`` when it is not checked or has none."""
        group = self.groups.get(port)
        return None if group is None else group.threshold

    def reading(self, port: int) -> PortBalance:
        """What the port's checks found; nothing for a port no check names (any more)."""
        return self.balances.get(port) or PortBalance()

    def amount(self, port: int) -> Decimal | None:
        """The port's last known balance."""
        return self.reading(port).amount

    def iccid(self, port: int) -> str | None:
        """The ICCID of the SIM the port's balance was read from (or is to be read from)."""
        return self.reading(port).iccid

    def _present_iccid(self, port: int) -> str | None:
        """The ICCID of the SIM in the port at the last refresh; ``None`` when none was told."""
        info = self._coordinator.data.ports.get(port)
        return None if info is None else info.iccid or None

    @callback
    def _async_follow_sims(self) -> None:
        """Another SIM in a port: the last one's balance, reply and time are not its own."""
        changed = False
        for port, balance in list(self.balances.items()):
            if (present := self._present_iccid(port)) is None or present == balance.iccid:
                continue
            if balance.iccid is None:
                balance.iccid = present  # the first SIM seen there
                continue
            LOGGER.info(
                "Port %s of %s has another SIM: its balance is checked", port, self._entry.title
            )
            self.balances[port] = PortBalance(iccid=present)
            changed = True
        if changed:
            async_dispatcher_send(self._hass, balance_signal(self._entry.entry_id))

    @callback
    def _for_entry(self, event_data: Mapping[str, Any]) -> bool:
        return event_data.get("config_entry_id") == self._entry.entry_id

    @callback
    def _async_sms(self, event: Event) -> None:
        """An SMS on a port that waits for its balance by SMS: the reply, if from the sender."""
        port = event.data.get("port")
        if port is None or (waiting := self._sms_waiters.get(port)) is None:
            return
        sender, reply = waiting
        from_sender = normalize_number(str(event.data.get("sender", ""))).casefold() == sender
        if from_sender and not reply.done():
            reply.set_result(str(event.data.get("text", "")))

    @callback
    def _async_tick(self, now: datetime) -> None:
        """Start the most overdue check, unless one still runs."""
        if self._running is not None and not self._running.done():
            return
        due = sorted(
            (when, port) for port in self.groups if (when := self._due_at(port) or _NEVER) <= now
        )
        if not due:
            return
        port = due[0][1]
        self._running = self._entry.async_create_background_task(
            self._hass, self._async_scheduled_check(port, now), f"dinstar balance check {port}"
        )

    def _due_at(self, port: int) -> datetime | None:
        """When the port is to be checked next; ``None``: never checked, first of all."""
        balance = self.balances[port]
        if balance.retry_at is not None:
            return balance.retry_at
        if balance.checked_at is None:
            return None
        return balance.checked_at + self.groups[port].interval

    async def _async_scheduled_check(self, port: int, now: datetime) -> None:
        """A check due by the schedule: a failure is tried again later, waiting longer."""
        balance = self.balances[port]
        info = self._coordinator.data.ports.get(port)
        if info is not None and info.call_state not in (CallState.IDLE, CallState.UNKNOWN, None):
            # A code sent during a call would break into it: later, as after a failure.
            LOGGER.debug("Balance check of port %s failed (the port is in a call)", port)
        else:
            try:
                await self.async_check(port)
            except (HomeAssistantError, DinstarError) as err:
                LOGGER.debug("Balance check of port %s failed (%s)", port, err)
            else:
                return
        balance.failures += 1
        balance.retry_at = now + min(FIRST_RETRY * 2 ** (balance.failures - 1), LONGEST_RETRY)

    async def async_check(self, port: int) -> None:
        """Ask the port's balance now; raises a translated error when no reply came."""
        group = self.groups[port]
        if group.reply_sender is None:
            text = await self._ussd.async_send_background(port, group.code, USSD_WAIT)
        else:
            text = await self._async_check_by_sms(port, group, group.reply_sender)
        self._record(port, group, text)

    async def _async_check_by_sms(self, port: int, group: BalanceGroup, sender: str) -> str:
        """Send the code, then wait for the operator's SMS with the balance."""
        reply: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._sms_waiters[port] = (normalize_number(sender).casefold(), reply)
        try:
            try:
                await self._ussd.async_send_background(port, group.code, USSD_WAIT)
            except HomeAssistantError as err:
                # The network may answer only by SMS, with no USSD reply at all.
                if err.translation_key != "ussd_timeout":
                    raise
            async with asyncio.timeout(group.reply_wait.total_seconds()):
                return await reply
        except TimeoutError as err:
            raise gateway_error("balance_sms_timeout", port=str(port), sender=sender) from err
        finally:
            self._sms_waiters.pop(port, None)

    def _record(self, port: int, group: BalanceGroup, text: str) -> None:
        """Keep what the reply says; a new low balance fires an event."""
        if (balance := self.balances.get(port)) is None:
            return  # its check was deleted while the code was out
        was_low = self._is_low(group, balance.amount)
        reading = parse_balance(text, group.pattern)
        balance.amount = None if reading is None else reading.amount
        balance.reply = text
        balance.checked_at = dt_util.utcnow()
        balance.retry_at = None
        balance.failures = 0
        if reading is None:
            if not balance.unreadable_logged:
                balance.unreadable_logged = True
                LOGGER.warning(
                    "No balance found in the reply on port %s of %s: %r",
                    port,
                    self._entry.title,
                    text,
                )
        else:
            balance.unreadable_logged = False
        low = group.threshold
        if low is not None and balance.amount is not None and balance.amount < low and not was_low:
            self._fire(
                EVENT_LOW_BALANCE,
                port,
                {
                    "port": port,
                    "balance": float(balance.amount),
                    "currency": group.currency,
                    "threshold": float(low),
                },
            )
        async_dispatcher_send(self._hass, balance_signal(self._entry.entry_id))

    @staticmethod
    def _is_low(group: BalanceGroup, amount: Decimal | None) -> bool:
        return group.threshold is not None and amount is not None and amount < group.threshold


def _groups(subentries: Mapping[str, Mapping[str, Any]]) -> dict[int, BalanceGroup]:
    """Each checked port's group, from the balance subentries' data."""
    return {
        port: group
        for data in subentries.values()
        for group in (BalanceGroup.from_data(data),)
        for port in group.ports
    }
