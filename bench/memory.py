"""Memory per gateway: Python heap (tracemalloc) and process RSS added by each 32-port entry.

Several simulated 32-port gateways are added in turn to one Home Assistant; the first pays for
imports and platform set-up, so the figure is the mean over the ones after it.
Run: ``.venv/bin/python -m bench.memory``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import resource
import statistics
import tracemalloc

from homeassistant.config_entries import ConfigEntry

from bench.common import report
from bench.ha_instance import add_gateway, home_assistant
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

GATEWAYS = 5
PORTS = 32
PASSWORD = "bench-pass"


def _rss_kib() -> int:
    """The process's resident set size now (Linux)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() // 1024


async def main() -> None:
    """Add the gateways one by one, measuring after each."""
    tracemalloc.start()
    heap_kib: list[float] = []
    rss_kib: list[int] = []
    entries: list[ConfigEntry] = []
    async with contextlib.AsyncExitStack() as stack:
        hass, _port = await stack.enter_async_context(home_assistant())
        for number in range(GATEWAYS):
            config = SimulatorConfig(
                ports=PORTS, password=PASSWORD, serial=f"da00-0030-1901-{number:04d}", send_delay=0
            )
            sim = await stack.enter_async_context(Simulator(config))
            gc.collect()
            heap_before, rss_before = tracemalloc.get_traced_memory()[0], _rss_kib()
            entries.append(await add_gateway(hass, sim, PASSWORD, webhook_id=f"bench-{number}"))
            gc.collect()
            heap_kib.append((tracemalloc.get_traced_memory()[0] - heap_before) / 1024)
            rss_kib.append(_rss_kib() - rss_before)
        entities = len(hass.states.async_all())
        for entry in entries:
            await hass.config_entries.async_unload(entry.entry_id)
    tracemalloc.stop()
    report(
        "memory_per_gateway",
        {
            "ports": PORTS,
            "gateways": GATEWAYS,
            "entities": entities,
            "first_gateway_heap_kib": round(heap_kib[0]),
            "heap_kib_per_gateway": round(statistics.mean(heap_kib[1:])),
            "rss_kib_per_gateway": round(statistics.mean(rss_kib[1:])),
        },
    )


if __name__ == "__main__":
    asyncio.run(main())
