"""HTTP requests and time of one coordinator refresh, and of setting up an entry.

A real Home Assistant (the test harness's instance, outside pytest) with the integration set
up against the simulator, for 8, 16 and 32 ports. Run: ``.venv/bin/python -m bench.refresh_cost``.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from bench.common import report
from bench.ha_instance import add_gateway, home_assistant
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

REFRESHES = 20
PASSWORD = "bench-pass"


async def measure(port_count: int) -> dict[str, float | int]:
    """Set up one entry, then refresh it repeatedly."""
    config = SimulatorConfig(ports=port_count, password=PASSWORD, send_delay=0)
    async with Simulator(config) as sim, home_assistant() as (hass, _port):
        started = time.perf_counter()
        entry = await add_gateway(hass, sim, PASSWORD)
        setup_ms = (time.perf_counter() - started) * 1000
        coordinator = entry.runtime_data.coordinator
        before = sum(sim.state.requests.values()) + sim.state.challenges
        durations = []
        for _ in range(REFRESHES):
            started = time.perf_counter()
            await coordinator.async_refresh()
            durations.append(time.perf_counter() - started)
        # The reads a refresh starts in the background (the inbox, while no push was confirmed
        # yet: see bench.push_reads) are its requests too.
        await hass.async_block_till_done(wait_background_tasks=True)
        after = sum(sim.state.requests.values()) + sim.state.challenges
        entities = len(hass.states.async_all())
        await hass.config_entries.async_unload(entry.entry_id)
    return {
        "ports": port_count,
        "entities": entities,
        "setup_ms": round(setup_ms, 1),
        "requests_per_refresh": (after - before) / REFRESHES,
        "refresh_ms_median": round(statistics.median(durations) * 1000, 2),
    }


async def main() -> None:
    """Every size in turn."""
    for port_count in (8, 16, 32):
        report("refresh_cost", await measure(port_count))


if __name__ == "__main__":
    asyncio.run(main())
