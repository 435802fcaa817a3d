"""Pushed SMS per second through the webhook, and the catch-up of 1,000 missed SMS.

Throughput: the same loopback client posts N pushed SMS to our webhook (each must become a
``dinstar_sms_received`` event before its response) and the same N to an empty webhook handler
registered in the same Home Assistant, in alternating rounds; the ratio of the best rates is the
figure (goal: our handler costs < 20% more).
Two more handlers show Home Assistant's own floor for a pushed SMS: each reads the body and fires
one event, then writes one bare state, or triggers one event entity (what an event and its event
entity cost at the least, with no parsing, checks or bookkeeping of ours).
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
from homeassistant.components.event import EventEntity
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import async_get_platforms
from homeassistant.util import dt as dt_util

from bench.common import report
from bench.ha_instance import WEBHOOK_ID, add_gateway, home_assistant
from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED
from custom_components.dinstar.const import DOMAIN
from devtools.gateway_simulator import Simulator, SimulatorConfig

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
        entry = await add_gateway(hass, sim, PASSWORD)
        # The event entities are disabled by default; enabled, as a user who wants them would,
        # each push also writes its port's event entity (the heavier case, as measured before).
        registry = er.async_get(hass)
        for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
            if entity.domain == "event":
                registry.async_update_entity(entity.entity_id, disabled_by=None)
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()

        async def empty(*_args: object) -> None:
            return None

        webhook.async_register(hass, "bench", "Empty", "empty", empty)

        async def floor(hass: HomeAssistant, _webhook_id: str, request: web.Request) -> None:
            body = await request.read()
            hass.bus.async_fire("bench_floor", {"size": len(body)})
            hass.states.async_set("event.bench_floor", dt_util.utcnow().isoformat(), {"n": 1})

        webhook.async_register(hass, "bench", "Floor", "floor", floor)
        # The same with an event entity's write instead of a bare state (another port's, so
        # that ours is untouched): what Home Assistant's EventEntity costs per event.
        (platform,) = [p for p in async_get_platforms(hass, DOMAIN) if p.domain == "event"]
        (entity,) = [
            platform.entities[entity_id]
            for entity_id in platform.entities
            if entity_id.endswith("_port_5_sms_received")
        ]
        assert isinstance(entity, EventEntity)

        async def floor_entity(hass: HomeAssistant, _webhook_id: str, request: web.Request) -> None:
            body = await request.read()
            hass.bus.async_fire("bench_floor", {"size": len(body)})
            entity._trigger_event("sms_received", {"size": len(body)})  # noqa: SLF001
            entity.async_write_ha_state()

        webhook.async_register(hass, "bench", "Floor entity", "floor_entity", floor_entity)
        fired: list[object] = []

        # A callback, as automations' triggers are: a plain function would cost a thread hop
        # per event that is the benchmark's, not the integration's.
        @callback
        def count(event: object) -> None:
            fired.append(event)

        hass.bus.async_listen(EVENT_SMS_RECEIVED, count)
        serial = sim.state.serial
        base = f"http://127.0.0.1:{port}/api/webhook"
        urls = {
            "empty": f"{base}/empty",
            "floor": f"{base}/floor",
            "floor_entity": f"{base}/floor_entity",
            "dinstar": f"{base}/{WEBHOOK_ID}",
        }
        seconds: dict[str, list[float]] = {name: [] for name in urls}
        async with aiohttp.ClientSession() as session:
            warm_up = _bodies(serial, 1, WARM_UP)
            for url in urls.values():
                await _post_all(session, url, warm_up)
            for round_ in range(ROUNDS):
                bodies = _bodies(serial, WARM_UP + 1 + round_ * PUSHES, PUSHES)
                # The order flips each round, so a drift of the machine weighs on all alike.
                order = list(urls) if round_ % 2 == 0 else list(reversed(urls))
                for name in order:
                    seconds[name].append(await _post_all(session, urls[name], bodies))
                    if name == "dinstar":
                        # Each push must have become an event by the time its response came.
                        assert len(fired) == WARM_UP + (round_ + 1) * PUSHES
        await hass.async_block_till_done()
        assert len(fired) == WARM_UP + ROUNDS * PUSHES
        await hass.async_stop()
    best = {name: min(times) for name, times in seconds.items()}

    def overhead(name: str) -> float:
        return round(100 * (best[name] / best["empty"] - 1), 1)

    return {
        "pushes": PUSHES,
        "rounds": ROUNDS,
        "empty_handler_per_s": round(PUSHES / best["empty"]),
        "dinstar_per_s": round(PUSHES / best["dinstar"]),
        "overhead_percent": overhead("dinstar"),
        "ha_floor_overhead_percent": overhead("floor"),
        "ha_floor_with_event_entity_overhead_percent": overhead("floor_entity"),
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
