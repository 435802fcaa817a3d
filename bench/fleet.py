"""Ten 32-port gateways in one Home Assistant: set-up, memory, refresh cost, webhook throughput.

Ten simulated gateways (each its own serial and webhook) are added one after another to one
Home Assistant with its HTTP server on; then, with all of them loaded:
- ``setup_s_total`` / ``setup_ms_per_gateway``: adding the ten entries (each set up, its first
  refresh and its platforms, as the config flow's entry would be);
- ``rss_mib_all`` and ``entities``: the process's resident memory the ten added, and the states;
- ``refresh_all_ms_median``: all ten coordinators refreshed at once, and the gateway requests
  that took (``requests_per_gateway_refresh``: two whatever the port count);
- ``pushes_per_s``: pushed SMS through the ten webhooks in turn (each a fired
  ``dinstar_sms_received`` event before its response), the best of three rounds.
Run: ``scripts/env .venv/bin/python -m bench.fleet``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import resource
import statistics
import time

import aiohttp
from homeassistant.core import Event, callback

from bench.common import report
from bench.ha_instance import add_gateway, home_assistant
from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED
from devtools.gateway_simulator import Simulator, SimulatorConfig

GATEWAYS = 10
PORTS = 32
REFRESHES = 10
PUSHES_PER_ROUND = 2000
ROUNDS = 3
PASSWORD = "bench-pass"


def _rss_kib() -> int:
    """The process's resident set size now (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() // 1024


def _push(serial: str, sms_id: int) -> str:
    return json.dumps(
        {
            "sn": serial,
            "sms": [
                {
                    "incoming_sms_id": sms_id,
                    "port": sms_id % PORTS,
                    "number": "+4917600000001",
                    "smsc": "",
                    "timestamp": "2026-11-30 12:00:00",
                    "text": f"push {sms_id}",
                }
            ],
        }
    )


async def main() -> None:
    """Add the ten, then measure with all of them loaded."""
    async with contextlib.AsyncExitStack() as stack:
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
        gc.collect()
        rss_before = _rss_kib()
        started = time.perf_counter()
        entries = [
            await add_gateway(hass, sim, PASSWORD, webhook_id=f"fleet-{number}")
            for number, sim in enumerate(sims)
        ]
        setup_s = time.perf_counter() - started
        await hass.async_block_till_done()
        gc.collect()
        rss_kib = _rss_kib() - rss_before
        entities = len(hass.states.async_all())

        def gateway_requests() -> int:
            return sum(sum(sim.state.requests.values()) + sim.state.challenges for sim in sims)

        coordinators = [entry.runtime_data.coordinator for entry in entries]
        before = gateway_requests()
        durations = []
        for _ in range(REFRESHES):
            started = time.perf_counter()
            await asyncio.gather(*(coordinator.async_refresh() for coordinator in coordinators))
            durations.append(time.perf_counter() - started)
        requests_per_refresh = (gateway_requests() - before) / (REFRESHES * GATEWAYS)

        fired: list[Event] = []

        @callback
        def count(event: Event) -> None:
            fired.append(event)

        hass.bus.async_listen(EVENT_SMS_RECEIVED, count)
        urls = [f"http://127.0.0.1:{http_port}/api/webhook/fleet-{n}" for n in range(GATEWAYS)]
        next_id = [sim.state.next_incoming_id for sim in sims]
        rates = []
        async with aiohttp.ClientSession() as session:
            for _ in range(ROUNDS):
                bodies = []
                for n in range(PUSHES_PER_ROUND):
                    gateway = n % GATEWAYS
                    bodies.append(
                        (urls[gateway], _push(sims[gateway].state.serial, next_id[gateway]))
                    )
                    next_id[gateway] += 1
                wanted = len(fired) + PUSHES_PER_ROUND
                started = time.perf_counter()
                for url, body in bodies:
                    async with session.post(url, data=body) as response:
                        assert response.status == 200  # noqa: PLR2004
                rates.append(PUSHES_PER_ROUND / (time.perf_counter() - started))
                await hass.async_block_till_done()
                assert len(fired) == wanted, (len(fired), wanted)
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
            "pushes_per_s": round(max(rates)),
        },
    )


if __name__ == "__main__":
    asyncio.run(main())
