"""Ten 32-port gateways in one Home Assistant: set-up, memory, refresh cost, webhook throughput.

Ten simulated gateways (each its own serial and webhook) are added one after another to one
Home Assistant with its HTTP server on; then, with all of them loaded:
- ``setup_s_total`` / ``setup_ms_per_gateway``: adding the ten entries (each set up, its first
  refresh and its platforms, as the config flow's entry would be);
- ``rss_mib_all`` and ``entities``: the process's resident memory the ten added, and the states;
- ``refresh_all_ms_median``: all ten coordinators refreshed at once, and the gateway requests
  that took (``requests_per_gateway_refresh``: two whatever the port count, and the inbox
  read each refresh makes while no push was confirmed yet, as here: see bench.push_reads);
- ``pushes_per_s``: pushed SMS posted through the ten webhooks in turn, each message in its
  gateway's inbox first (a push announces it; the webhook answers at once), and
  ``pushes_to_events_per_s``: the same until every push's ``dinstar_sms_received`` fired
  (read back from the gateways), the best of three rounds.
Run: ``scripts/env .venv/bin/python -m bench.fleet``.
:func:`stream` (ten gateways receiving one SMS a second each) is run by ``bench.push_reads``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import resource
import statistics
import time
from typing import Any

import aiohttp
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant

from bench.common import report
from bench.ha_instance import FiredSms, add_gateway, home_assistant, push_body
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

GATEWAYS = 10
PORTS = 32
REFRESHES = 10
PUSHES_PER_ROUND = 2000
ROUNDS = 3
PASSWORD = "bench-pass"
SENDER = "+4917600000001"
INBOX_PATH = "/api/query_incoming_sms"


def _rss_kib() -> int:
    """The process's resident set size now (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() // 1024


def _webhook_url(http_port: int, number: int) -> str:
    return f"http://127.0.0.1:{http_port}/api/webhook/fleet-{number}"


async def start_fleet(
    stack: contextlib.AsyncExitStack,
) -> tuple[HomeAssistant, int, list[Simulator]]:
    """Home Assistant with its HTTP server on, and the ten simulated gateways (not added yet)."""
    hass, http_port = await stack.enter_async_context(home_assistant(http=True))
    sims = [
        await stack.enter_async_context(
            Simulator(
                SimulatorConfig(
                    ports=PORTS,
                    password=PASSWORD,
                    serial=f"da00-0030-1901-{number:04d}",
                    send_delay=0,
                )
            )
        )
        for number in range(GATEWAYS)
    ]
    return hass, http_port, sims


async def add_fleet(hass: HomeAssistant, sims: list[Simulator]) -> list[ConfigEntry]:
    """Add the gateways one after another, each with a webhook of its own."""
    return [
        await add_gateway(hass, sim, PASSWORD, webhook_id=f"fleet-{number}")
        for number, sim in enumerate(sims)
    ]


def _requests(sims: list[Simulator]) -> int:
    return sum(sum(sim.state.requests.values()) + sim.state.challenges for sim in sims)


async def main() -> None:
    """Add the ten, then measure with all of them loaded."""
    async with contextlib.AsyncExitStack() as stack:
        hass, http_port, sims = await start_fleet(stack)
        gc.collect()
        rss_before = _rss_kib()
        started = time.perf_counter()
        entries = await add_fleet(hass, sims)
        setup_s = time.perf_counter() - started
        await hass.async_block_till_done()
        gc.collect()
        rss_kib = _rss_kib() - rss_before
        entities = len(hass.states.async_all())

        coordinators = [entry.runtime_data.coordinator for entry in entries]
        before = _requests(sims)
        durations = []
        for _ in range(REFRESHES):
            started = time.perf_counter()
            await asyncio.gather(*(coordinator.async_refresh() for coordinator in coordinators))
            durations.append(time.perf_counter() - started)
        # The reads refreshes start in the background count too (see bench.refresh_cost).
        await hass.async_block_till_done(wait_background_tasks=True)
        requests_per_refresh = (_requests(sims) - before) / (REFRESHES * GATEWAYS)

        fired = FiredSms(hass)
        urls = [_webhook_url(http_port, number) for number in range(GATEWAYS)]
        post_rates, event_rates = [], []
        async with aiohttp.ClientSession() as session:
            for round_ in range(ROUNDS):
                # The messages are in the gateways' inboxes first (their own pushes go nowhere):
                # each push posted here announces a message its gateway's inbox holds.
                pushes = []
                for n in range(PUSHES_PER_ROUND):
                    gateway = n % GATEWAYS
                    sms_id = sims[gateway].receive_sms(n % PORTS, SENDER, f"push {round_} {n}")
                    pushes.append(
                        (
                            urls[gateway],
                            push_body(sims[gateway], sms_id),
                            (entries[gateway].entry_id, sms_id),
                        )
                    )
                started = time.perf_counter()
                for url, body, _key in pushes:
                    async with session.post(url, data=body) as response:
                        assert response.status == 200
                post_rates.append(PUSHES_PER_ROUND / (time.perf_counter() - started))
                await fired.wait([key for _url, _body, key in pushes])
                event_rates.append(PUSHES_PER_ROUND / (time.perf_counter() - started))
                await hass.async_block_till_done(wait_background_tasks=True)
        assert all(count == 1 for count in fired.count.values())
        assert len(fired.count) == ROUNDS * PUSHES_PER_ROUND, len(fired.count)
        for entry in entries:
            await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_stop()
    report(
        "fleet_10x32",
        {
            "gateways": GATEWAYS,
            "ports": PORTS,
            "entities": entities,
            "setup_s_total": round(setup_s, 2),
            "setup_ms_per_gateway": round(setup_s * 1000 / GATEWAYS, 1),
            "rss_mib_all": round(rss_kib / 1024, 1),
            "refresh_all_ms_median": round(statistics.median(durations) * 1000, 1),
            "requests_per_gateway_refresh": requests_per_refresh,
            "pushes_per_s": round(max(post_rates)),
            "pushes_to_events_per_s": round(max(event_rates)),
        },
    )


async def stream(seconds: int) -> dict[str, Any]:
    """Each of the ten receives one SMS a second, pushed by the simulator as a gateway does.

    The gateways take turns (gateway ``n`` at ``n/10`` s into each second). Counted: messages
    that never fired, fired more than once, or fired that never came (by entry and id).
    Latency is from ``receive_sms`` (the message in the inbox, its push queued) to the event.
    Requests are every one the gateways served from the first message until the last event
    fired and the reads ended (refreshes included).
    """
    async with contextlib.AsyncExitStack() as stack:
        hass, http_port, sims = await start_fleet(stack)
        entries = await add_fleet(hass, sims)
        for number, sim in enumerate(sims):
            sim.push_url = _webhook_url(http_port, number)
        fired = FiredSms(hass)
        await hass.async_block_till_done(wait_background_tasks=True)
        inbox_before = sum(sim.state.requests[INBOX_PATH] for sim in sims)
        before = _requests(sims)
        received: dict[tuple[str, int], float] = {}
        loop = asyncio.get_running_loop()
        begin = loop.time()
        for second in range(seconds):
            for number, (sim, entry) in enumerate(zip(sims, entries, strict=True)):
                await asyncio.sleep(max(0.0, begin + second + number / GATEWAYS - loop.time()))
                sms_id = sim.receive_sms(second % PORTS, SENDER, f"stream {second}")
                received[entry.entry_id, sms_id] = time.perf_counter()
        with contextlib.suppress(TimeoutError):
            await fired.wait(received, within=30.0)
        for sim in sims:
            await sim.drain_pushes()
        await hass.async_block_till_done(wait_background_tasks=True)
        requests = _requests(sims) - before
        inbox_requests = sum(sim.state.requests[INBOX_PATH] for sim in sims) - inbox_before
        pushes_failed = sum(sim.state.pushes["failed"] for sim in sims)
        for entry in entries:
            await hass.config_entries.async_unload(entry.entry_id)
        await hass.async_stop()
    latencies = sorted(fired.at[key] - at for key, at in received.items() if key in fired.at)
    return {
        "received": len(received),
        "events": sum(fired.count.values()),
        # Each received message fires once, on its gateway's entry: the parent asserts these.
        "lost": sum(key not in fired.count for key in received),
        "doubled": sum(count - 1 for count in fired.count.values()),
        "unexpected": sum(key not in received for key in fired.count),
        "latencies": latencies,
        "requests": requests,
        "inbox_requests": inbox_requests,
        "pushes_failed": pushes_failed,
    }


if __name__ == "__main__":
    asyncio.run(main())
