"""USSD: send a code on a port and wait for the network's reply, pushed or polled.

A port holds one USSD session at a time: a second code sent meanwhile is refused (486) or,
worse, cancels the first. So every code goes through its port's lock here, the user's
``send_ussd`` and the balance checks alike, and a check lets the user's codes go first.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError

from .aiodinstar import DinstarClient, UssdReply, UssdSendStatus
from .const import DOMAIN
from .errors import gateway_error

# A reply usually comes pushed within a second or two; without one, the gateway is asked.
USSD_POLL_AFTER = 3.0


class UssdPortBusyError(HomeAssistantError):
    """The port is busy (sending, in a call, in a USSD session): the code may be sent later."""


@dataclass(slots=True)
class _PortLine:
    """One port's USSD turn: the lock, and how many user codes want or hold it."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0
    users_done: asyncio.Event = field(default_factory=asyncio.Event)


class UssdSessions:
    """Pairs each port's pushed USSD reply with the code waiting for it, one code at a time."""

    def __init__(self, client: DinstarClient) -> None:
        """No port waits for a reply yet."""
        self._client = client
        self._waiters: dict[int, asyncio.Future[str]] = {}
        self._lines: defaultdict[int, _PortLine] = defaultdict(_PortLine)

    @callback
    def async_pushed(self, reply: UssdReply) -> None:
        """A pushed reply: it answers the code sent on its port, if one is waiting."""
        if (waiter := self._waiters.get(reply.port)) and not waiter.done():
            waiter.set_result(reply.text)

    async def async_send(self, port: int, code: str, wait: float) -> str:
        """A user's code: sent as soon as the port's current code has its reply."""
        line = self._lines[port]
        line.users += 1
        line.users_done.clear()
        try:
            async with line.lock:
                return await self._async_exchange(port, code, wait)
        finally:
            line.users -= 1
            if not line.users:
                line.users_done.set()

    async def async_send_background(self, port: int, code: str, wait: float) -> str:
        """A code of our own (a balance check): sent once no user code waits for the port."""
        line = self._lines[port]
        while True:
            while line.users:
                await line.users_done.wait()
            async with line.lock:
                # A user's code that came while this one waited for the lock goes first.
                if not line.users:
                    return await self._async_exchange(port, code, wait)

    async def _async_exchange(self, port: int, code: str, wait: float) -> str:
        """Send ``code`` on ``port``; the network's reply, within ``wait`` seconds."""
        (before,) = await self._client.query_ussd_reply([port])
        reply: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiters[port] = reply
        try:
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
            async with asyncio.timeout(wait):
                return await self._await_reply(port, reply, before.text)
        except TimeoutError as err:
            raise gateway_error("ussd_timeout", port=str(port)) from err
        finally:
            self._waiters.pop(port, None)

    async def _await_reply(self, port: int, pushed: asyncio.Future[str], previous: str) -> str:
        """The pushed reply, or one read with query_ussd_reply that differs from the last."""
        try:
            return await asyncio.wait_for(asyncio.shield(pushed), USSD_POLL_AFTER)
        except TimeoutError:
            pass
        while True:
            (reply,) = await self._client.query_ussd_reply([port])
            if reply.text and reply.text != previous:
                return reply.text
            if pushed.done():
                return pushed.result()
            await asyncio.sleep(1)
