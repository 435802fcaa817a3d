"""Fixtures shared by every test: the real gateway simulator on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

# Imported before the harness's ``hass`` fixture so this package, not the harness's own
# ``custom_components``, is the one Home Assistant finds.
import custom_components.dinstar  # noqa: F401
from simulator import Simulator, SimulatorConfig

SERIAL = "da00-0030-1901-2817"
USERNAME = "admin"
PASSWORD = "s3cret-pass"


@pytest.fixture
def simulator_config() -> SimulatorConfig:
    """An 8-port gateway with a fixed seed; tests override fields as they need."""
    return SimulatorConfig(
        ports=8,
        seed=1,
        username=USERNAME,
        password=PASSWORD,
        serial=SERIAL,
        send_delay=0.01,
    )


@pytest.fixture
async def simulator(
    socket_enabled: None, simulator_config: SimulatorConfig
) -> AsyncIterator[Simulator]:
    """A running simulator, stopped (with its tasks) after the test."""
    sim = Simulator(simulator_config)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()
