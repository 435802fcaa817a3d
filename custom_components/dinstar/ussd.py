"""USSD: send a code on a port and wait for the network's reply, pushed or polled."""

from __future__ import annotations

import asyncio

from homeassistant.core import callback

from .aiodinstar import DinstarClient, UssdReply
from .errors import gateway_error

# A reply usually comes pushed within a second or two; without one, the gateway is asked.
USSD_POLL_AFTER = 3.0


class UssdSessions:
    """Pairs each port's pushed USSD reply with the action waiting for it."""

    def __init__(self, client: DinstarClient) -> None:
        """No port waits for a reply yet."""
        self._client = client
        self._waiters: dict[int, asyncio.Future[str]] = {}

    @callback
    def async_pushed(self, reply: UssdReply) -> None:
        """A pushed reply: it answers the code sent on its port, if one is waiting."""
        if (waiter := self._waiters.get(reply.port)) and not waiter.done():
            waiter.set_result(reply.text)

    async def async_send(self, port: int, code: str, wait: float) -> str:
        """Send ``code`` on ``port``; the network's reply, within ``wait`` seconds."""
        (before,) = await self._client.query_ussd_reply([port])
        reply: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiters[port] = reply
        try:
            (result,) = await self._client.send_ussd([port], code)
            if not result.sent:
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
