"""Pushed SMS per second through the webhook, and the catch-up of 1,000 missed SMS.

Throughput: N messages are put in the simulated gateway's inbox (its own pushes go nowhere), then
the same loopback client posts their N pushes to our webhook and the same N to an empty webhook
handler registered in the same Home Assistant, in alternating rounds. A push is a doorbell: our
webhook answers at once and the messages are read back from the gateway after it, so the posts
measure the webhook's own cost against the empty handler's (the ratio of the best rates), and
the time until the last of the N ``dinstar_sms_received`` events fired measures the whole path
(``dinstar_events_per_s``); the next handler's round starts once those reads ended.
Two more handlers show Home Assistant's own floor for a pushed SMS: each reads the body and fires
one event, then writes one bare state, or triggers one event entity (what an event and its event
entity cost at the least, with no parsing, checks or bookkeeping of ours).
Catch-up: 1,000 SMS wait on the gateway while the entry is unloaded; its set-up reads them.
Run: ``.venv/bin/python -m bench.messaging``.
"""

from __future__ import annotations

import asyncio
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
from bench.ha_instance import WEBHOOK_ID, FiredSms, add_gateway, home_assistant, push_body
from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED
from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

PUSHES = 2000
ROUNDS = 4
WARM_UP = 50
MISSED = 1000
PASSWORD = "bench-pass"


async def _post_all(session: aiohttp.ClientSession, url: str, bodies: list[str]) -> float:
    started = time.perf_counter()
    for body in bodies:
        async with session.post(url, data=body) as response:
            assert response.status == 200
    return time.perf_counter() - started


def _received(sim: Simulator, entry_id: str, count: int) -> tuple[list[str], list[tuple[str, int]]]:
    """``count`` messages put in the gateway's inbox: their pushes, and their events' keys."""
    sms_ids = [sim.receive_sms(1, "+491", f"push {n}") for n in range(count)]
    return [push_body(sim, sms_id) for sms_id in sms_ids], [(entry_id, i) for i in sms_ids]


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
        for registered in er.async_entries_for_config_entry(registry, entry.entry_id):
            if registered.domain == "event":
                registry.async_update_entity(registered.entity_id, disabled_by=None)
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
        fired = FiredSms(hass)
        base = f"http://127.0.0.1:{port}/api/webhook"
        urls = {
            "empty": f"{base}/empty",
            "floor": f"{base}/floor",
            "floor_entity": f"{base}/floor_entity",
            "dinstar": f"{base}/{WEBHOOK_ID}",
        }
        seconds: dict[str, list[float]] = {name: [] for name in urls}
        to_events: list[float] = []
        async with aiohttp.ClientSession() as session:
            warm_up, keys = _received(sim, entry.entry_id, WARM_UP)
            for url in urls.values():
                await _post_all(session, url, warm_up)
            await fired.wait(keys)
            await hass.async_block_till_done(wait_background_tasks=True)
            for round_ in range(ROUNDS):
                bodies, keys = _received(sim, entry.entry_id, PUSHES)
                # The order flips each round, so a drift of the machine weighs on all alike.
                order = list(urls) if round_ % 2 == 0 else list(reversed(urls))
                for name in order:
                    started = time.perf_counter()
                    seconds[name].append(await _post_all(session, urls[name], bodies))
                    if name == "dinstar":
                        await fired.wait(keys)
                        to_events.append(time.perf_counter() - started)
                        # The reads the pushes started end before the next handler's turn.
                        await hass.async_block_till_done(wait_background_tasks=True)
        await hass.async_block_till_done(wait_background_tasks=True)
        assert len(fired.count) == WARM_UP + ROUNDS * PUSHES, len(fired.count)
        assert all(count == 1 for count in fired.count.values())
        await hass.async_stop()
    best = {name: min(times) for name, times in seconds.items()}

    def overhead(name: str) -> float:
        return round(100 * (best[name] / best["empty"] - 1), 1)

    return {
        "pushes": PUSHES,
        "rounds": ROUNDS,
        "empty_handler_per_s": round(PUSHES / best["empty"]),
        "dinstar_per_s": round(PUSHES / best["dinstar"]),
        "dinstar_events_per_s": round(PUSHES / min(to_events)),
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
