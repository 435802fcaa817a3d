"""Pushed SMS per second through the webhook, and the catch-up of 1,000 missed SMS.

Throughput: the same loopback client posts N pushed SMS to our webhook (each must become a
``dinstar_sms_received`` event) and N to an empty webhook handler registered in the same Home
Assistant; the ratio of the two rates is the figure (goal: our handler costs < 20% more).
Catch-up: 1,000 SMS wait on the gateway while Home Assistant is away; set-up reads them.
Run: ``.venv/bin/python -m bench.messaging``.
"""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
from homeassistant.components import webhook
from homeassistant.core import callback

from bench.common import report
from bench.ha_instance import WEBHOOK_ID, add_gateway, home_assistant
from custom_components.dinstar.events import EVENT_SMS_RECEIVED
from simulator import Simulator, SimulatorConfig

PUSHES = 2000
MISSED = 1000
PASSWORD = "bench-pass"


async def _post_all(session: aiohttp.ClientSession, url: str, bodies: list[str]) -> float:
    started = time.perf_counter()
    for body in bodies:
        async with session.post(url, data=body) as response:
            assert response.status == 200  # noqa: PLR2004
    return time.perf_counter() - started


async def throughput() -> dict[str, float | int]:
    """Our webhook against an empty one, same instance, same client."""
    async with (
        Simulator(SimulatorConfig(password=PASSWORD, send_delay=0)) as sim,
        home_assistant(http=True) as (hass, port),
    ):
        await add_gateway(hass, sim, PASSWORD)

        async def empty(*_args: object) -> None:
            return None

        webhook.async_register(hass, "bench", "Empty", "empty", empty)
        fired: list[object] = []
        hass.bus.async_listen(EVENT_SMS_RECEIVED, fired.append)
        serial = sim.state.serial
        bodies = [
            json.dumps(
                {
                    "sn": serial,
                    "sms": [
                        {
                            "incoming_sms_id": n,
                            "port": 1,
                            "number": "+491",
                            "smsc": "",
                            "timestamp": "2026-11-26 12:00:00",
                            "text": f"push {n}",
                        }
                    ],
                }
            )
            for n in range(1, PUSHES + 1)
        ]
        base = f"http://127.0.0.1:{port}/api/webhook"
        async with aiohttp.ClientSession() as session:
            await _post_all(session, f"{base}/empty", bodies[:50])  # warm both paths up
            empty_s = await _post_all(session, f"{base}/empty", bodies)
            ours_s = await _post_all(session, f"{base}/{WEBHOOK_ID}", bodies)
        await hass.async_block_till_done()
        assert len(fired) == PUSHES
        await hass.async_stop()
    return {
        "pushes": PUSHES,
        "empty_handler_per_s": round(PUSHES / empty_s),
        "dinstar_per_s": round(PUSHES / ours_s),
        "overhead_percent": round(100 * (ours_s / empty_s - 1), 1),
    }


async def catch_up() -> dict[str, float | int]:
    """1,000 SMS arrived while Home Assistant was away: set-up reads and fires them."""
    async with (
        Simulator(SimulatorConfig(password=PASSWORD, send_delay=0)) as sim,
        home_assistant() as (hass, _port),
    ):
        for n in range(MISSED):
            sim.receive_sms(n % 6, "+4930123456", f"missed {n}: " + "x" * 40)
        fired: list[object] = []
        all_fired = asyncio.Event()

        @callback
        def count(event: object) -> None:
            fired.append(event)
            if len(fired) == MISSED:
                all_fired.set()

        hass.bus.async_listen(EVENT_SMS_RECEIVED, count)
        before = sim.state.requests["/api/query_incoming_sms"]
        started = time.perf_counter()
        await add_gateway(hass, sim, PASSWORD)
        await all_fired.wait()
        elapsed = time.perf_counter() - started
    return {
        "missed": MISSED,
        "query_requests": sim.state.requests["/api/query_incoming_sms"] - before,
        "seconds_to_all_events": round(elapsed, 3),
    }


async def main() -> None:
    """Both measurements."""
    report("webhook_throughput", await throughput())
    report("catch_up_1000", await catch_up())


if __name__ == "__main__":
    asyncio.run(main())
