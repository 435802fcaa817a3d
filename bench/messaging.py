"""Pushed SMS per second through the webhook, and the catch-up of 1,000 missed SMS.

Throughput: the same loopback client posts N pushed SMS to our webhook (each must become a
``dinstar_sms_received`` event before its response) and the same N to an empty webhook handler
registered in the same Home Assistant, in alternating rounds; the ratio of the best rates is the
figure (goal: our handler costs < 20% more).
A third handler shows Home Assistant's own floor for a pushed SMS: it reads the body, fires one
event and writes one state (what an event and its event entity cost at the least, with no
parsing, checks or bookkeeping of ours).
Catch-up: 1,000 SMS wait on the gateway while the entry is unloaded; its set-up reads them.
Run: ``.venv/bin/python -m bench.messaging``.
"""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp
from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from bench.common import report
from bench.ha_instance import WEBHOOK_ID, add_gateway, home_assistant
from custom_components.dinstar.events import EVENT_SMS_RECEIVED
from simulator import Simulator, SimulatorConfig

PUSHES = 2000
ROUNDS = 4
WARM_UP = 50
MISSED = 1000
PASSWORD = "bench-pass"


async def _post_all(session: aiohttp.ClientSession, url: str, bodies: list[str]) -> float:
    started = time.perf_counter()
    for body in bodies:
        async with session.post(url, data=body) as response:
            assert response.status == 200  # noqa: PLR2004
    return time.perf_counter() - started


def _bodies(serial: str, first_id: int, count: int) -> list[str]:
    return [
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
        for n in range(first_id, first_id + count)
    ]


async def throughput() -> dict[str, float | int]:
    """Our webhook against an empty one, same instance, same client, same bodies.

    Both are warmed up, then timed in alternating rounds (the order flips each round, so a
    drift of the machine's speed weighs on both alike); the best round of each counts.
    """
    async with (
        Simulator(SimulatorConfig(password=PASSWORD, send_delay=0)) as sim,
        home_assistant(http=True) as (hass, port),
    ):
        await add_gateway(hass, sim, PASSWORD)

        async def empty(*_args: object) -> None:
            return None

        webhook.async_register(hass, "bench", "Empty", "empty", empty)

        async def floor(hass: HomeAssistant, _webhook_id: str, request: web.Request) -> None:
            body = await request.read()
            hass.bus.async_fire("bench_floor", {"size": len(body)})
            hass.states.async_set("event.bench_floor", dt_util.utcnow().isoformat(), {"n": 1})

        webhook.async_register(hass, "bench", "Floor", "floor", floor)
        fired: list[object] = []

        # A callback, as automations' triggers are: a plain function would cost a thread hop
        # per event that is the benchmark's, not the integration's.
        @callback
        def count(event: object) -> None:
            fired.append(event)

        hass.bus.async_listen(EVENT_SMS_RECEIVED, count)
        serial = sim.state.serial
        empty_url = f"http://127.0.0.1:{port}/api/webhook/empty"
        floor_url = f"http://127.0.0.1:{port}/api/webhook/floor"
        ours_url = f"http://127.0.0.1:{port}/api/webhook/{WEBHOOK_ID}"
        empty_s: list[float] = []
        ours_s: list[float] = []
        floor_s: list[float] = []
        async with aiohttp.ClientSession() as session:
            warm_up = _bodies(serial, 1, WARM_UP)
            await _post_all(session, empty_url, warm_up)
            await _post_all(session, ours_url, warm_up)
            await _post_all(session, floor_url, warm_up)
            for round_ in range(ROUNDS):
                bodies = _bodies(serial, WARM_UP + 1 + round_ * PUSHES, PUSHES)
                expected = WARM_UP + (round_ + 1) * PUSHES

                async def ours(bodies: list[str] = bodies, expected: int = expected) -> None:
                    ours_s.append(await _post_all(session, ours_url, bodies))
                    # Each push must have become an event by the time its response came.
                    assert len(fired) == expected

                async def baseline(bodies: list[str] = bodies) -> None:
                    empty_s.append(await _post_all(session, empty_url, bodies))

                async def least(bodies: list[str] = bodies) -> None:
                    floor_s.append(await _post_all(session, floor_url, bodies))

                order = (baseline, least, ours) if round_ % 2 == 0 else (ours, least, baseline)
                for timed in order:
                    await timed()
        await hass.async_block_till_done()
        assert len(fired) == WARM_UP + ROUNDS * PUSHES
        await hass.async_stop()
    return {
        "pushes": PUSHES,
        "rounds": ROUNDS,
        "empty_handler_per_s": round(PUSHES / min(empty_s)),
        "dinstar_per_s": round(PUSHES / min(ours_s)),
        "overhead_percent": round(100 * (min(ours_s) / min(empty_s) - 1), 1),
        "ha_floor_per_s": round(PUSHES / min(floor_s)),
        "ha_floor_overhead_percent": round(100 * (min(floor_s) / min(empty_s) - 1), 1),
    }


async def catch_up() -> dict[str, float | int]:
    """1,000 SMS arrived while the entry was unloaded: its next set-up reads and fires them."""
    async with (
        Simulator(SimulatorConfig(password=PASSWORD, send_delay=0)) as sim,
        home_assistant() as (hass, _port),
    ):
        entry = await add_gateway(hass, sim, PASSWORD)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert await hass.config_entries.async_unload(entry.entry_id)
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
        assert await hass.config_entries.async_setup(entry.entry_id)
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
