"""USSD: send a code on a port and take the network's reply as the gateway holds it.

A port holds one USSD session at a time: a second code sent meanwhile is refused (486) or,
worse, cancels the first. So every code goes through its port's lock here, the user's
``send_ussd`` and the balance checks alike, and a check lets the user's codes go first.

Anyone who knows the webhook's address can push, so a pushed reply only says that a port has
one: ``query_ussd_reply`` reads it once the push is answered, and the event fires when the
gateway holds the text the push announced. Read without a push, a reply is the answer to the code when it differs from
the one read before the code went, or when the gateway showed none in between (it empties a
port's reply when a code is sent, and a network answers in seconds, not in one request). A
firmware that keeps the last reply until the next comes shows no such gap: there an answer
equal to the last is told only by its push, never taken for the old one.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from custom_components.dinstar.aiodinstar import (
    DinstarClient,
    DinstarError,
    RegistrationState,
    UssdReply,
    UssdSendStatus,
    is_menu,
)
from custom_components.dinstar.bus_events import EVENT_USSD_RECEIVED, FireEvent
from custom_components.dinstar.const import DOMAIN, LOGGER
from custom_components.dinstar.coordinator import DinstarCoordinator
from custom_components.dinstar.errors import gateway_error
from custom_components.dinstar.messaging.push_audit import PushAudit

# A reply usually comes pushed within a second or two; without one, the gateway is asked.
USSD_POLL_AFTER = 3.0
USSD_POLL_EVERY = 1.0


class UssdPortBusyError(HomeAssistantError):
    """The port is busy (sending, in a call, in a USSD session): the code may be sent later."""


@dataclass(slots=True)
class _PortLine:
    """One port's USSD turn: the lock, and how many user codes want or hold it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class UssdSessions:
    """Sends each port's codes one at a time and takes their replies from the gateway."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        client: DinstarClient,
        coordinator: DinstarCoordinator,
        *,
        fire: FireEvent,
        audit: PushAudit,
    ) -> None:
        """No port waits for a reply yet."""
        self._hass = hass
        self._entry = entry
        self._client = client
        self._coordinator = coordinator
        self._fire = fire
        self._audit = audit
        self._waiters: dict[int, asyncio.Future[str]] = {}
        self._lines: defaultdict[int, _PortLine] = defaultdict(_PortLine)
        # Ports pushed since the last read: the text each push announced, and who pushed it.
        self._pushed: dict[int, tuple[str, str | None]] = {}
        self._confirming: asyncio.Task[None] | None = None

    @callback
    def async_pushed(self, reply: UssdReply, source: str | None) -> None:
        """A push says the port has a reply: the gateway is asked for it once it is answered."""
        self._pushed[reply.port] = (reply.text, source)
        if self._confirming is None or self._confirming.done():
            # Started after the webhook has answered (the gateway waits for that answer), so
            # the other ports of the same push join this read.
            self._confirming = self._entry.async_create_background_task(
                self._hass,
                self._async_confirm(),
                "dinstar pushed USSD replies",
                eager_start=False,
            )

    async def _async_confirm(self) -> None:
        """Read the pushed ports' replies in one request; each one the gateway holds fires."""
        while self._pushed:
            pushed, self._pushed = self._pushed, {}
            ports = sorted(pushed)
            # Only a code already waiting when the read went out is answered by what it reads.
            waiting = {port: self._waiters.get(port) for port in ports}
            try:
                replies = await self._client.query_ussd_reply(ports)
            except DinstarError as err:
                LOGGER.debug("Pushed USSD replies on ports %s not read back: %s", ports, err)
                continue
            for reply in replies:
                text, source = pushed[reply.port]
                if not reply.text or reply.text.strip() != text.strip():
                    self._audit.not_confirmed(f"a USSD reply on port {reply.port}", source)
                    continue
                self._audit.confirmed()
                self._fire(
                    EVENT_USSD_RECEIVED, reply.port, {"port": reply.port, "text": reply.text}
                )
                if (waiter := waiting[reply.port]) is not None and not waiter.done():
                    waiter.set_result(reply.text)

    async def async_send(self, port: int, code: str, wait: float) -> str:
        """A user's code: sent as soon as the port's current code has its reply."""
        line = self._lines[port]
        line.users += 1
        try:
            async with line.lock:
                return await self._async_exchange(port, code, wait)
        finally:
            line.users -= 1

    async def async_send_background(self, port: int, code: str, wait: float) -> str:
        """A code of our own (a balance check): sent once no user code waits for the port.

        A menu in reply is not answered: its session is ended, or it would hold the port and
        take the next code sent as its choice.
        """
        line = self._lines[port]
        while True:
            async with line.lock:
                # A user's code waits for the lock from the moment it is counted: when one does,
                # this one queues again, behind it.
                if not line.users:
                    text = await self._async_exchange(port, code, wait)
                    if is_menu(text):
                        await self._client.cancel_ussd([port])
                    return text

    async def _async_exchange(self, port: int, code: str, wait: float) -> str:
        """Send ``code`` on ``port``; the network's reply, within ``wait`` seconds."""
        self._check_can_answer(port)
        (before,) = await self._client.query_ussd_reply([port])
        (result,) = await self._client.send_ussd([port], code)
        if not result.sent:
            if result.status == UssdSendStatus.PORT_BUSY:
                raise UssdPortBusyError(
                    translation_domain=DOMAIN,
                    translation_key="ussd_port_busy",
                    translation_placeholders={"port": str(port)},
                )
            if result.status == UssdSendStatus.NOT_REGISTERED:
                raise gateway_error("ussd_not_registered", port=str(port))
            # A status the specification does not list: quoted, for a bug report.
            raise gateway_error("ussd_refused", port=str(port), status=str(int(result.status)))
        pushed: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiters[port] = pushed
        try:
            async with asyncio.timeout(wait):
                return await self._await_reply(port, pushed, before.text)
        except TimeoutError as err:
            raise gateway_error("ussd_timeout", port=str(port)) from err
        finally:
            self._waiters.pop(port, None)

    def _check_can_answer(self, port: int) -> None:
        """Refuse a code the port's SIM cannot send, as the last refresh saw it.

        A state the gateway spells in a way not known here is left to the gateway to refuse.
        """
        info = self._coordinator.data.ports.get(port)
        match None if info is None else info.registration:
            case RegistrationState.NO_SIM:
                raise gateway_error("ussd_no_sim", port=str(port))
            case RegistrationState.PIN_REQUIRE:
                raise gateway_error("ussd_pin_required", port=str(port))
            case RegistrationState.PUK_REQUIRE:
                raise gateway_error("ussd_puk_required", port=str(port))
            case RegistrationState.POWER_OFF:
                raise gateway_error("ussd_powered_off", port=str(port))
            case RegistrationState.UNREGISTER | RegistrationState.SEARCHING_NETWORK:
                raise gateway_error("ussd_not_registered", port=str(port))

    async def _await_reply(self, port: int, pushed: asyncio.Future[str], previous: str) -> str:
        """The pushed reply, once read back, or a read one that is new (see the module's doc).

        The first read follows the send at once, to see the gateway empty the port's reply.
        """
        emptied = False
        pause = USSD_POLL_AFTER
        while True:
            (reply,) = await self._client.query_ussd_reply([port])
            if reply.text and (emptied or reply.text != previous):
                return reply.text
            emptied = emptied or not reply.text
            await asyncio.wait((pushed,), timeout=pause)
            if pushed.done():
                return pushed.result()
            pause = USSD_POLL_EVERY
