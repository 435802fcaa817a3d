"""A real Home Assistant (the harness's instance, outside pytest) with the integration loaded."""

from __future__ import annotations

from collections.abc import AsyncIterator
import contextlib
import tempfile

from homeassistant import loader
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import frame
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_test_home_assistant

from bench.common import free_port
from custom_components.dinstar.const import DOMAIN
from devtools.gateway_simulator import Simulator

WEBHOOK_ID = "bench-webhook"


@contextlib.asynccontextmanager
async def home_assistant(*, http: bool = False) -> AsyncIterator[tuple[HomeAssistant, int]]:
    """A running instance; with ``http`` its API server serves on a free loopback port.

    The HTTP component is always bound to that free port (the webhook integration needs it),
    never to 8123, where a demo may be running.
    """
    port = free_port()
    with tempfile.TemporaryDirectory() as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS, None)
            frame.async_setup(hass)
            assert await async_setup_component(
                hass, "http", {"http": {"server_host": "127.0.0.1", "server_port": port}}
            )
            if http:
                await hass.async_start()
            yield hass, port


async def add_gateway(
    hass: HomeAssistant, sim: Simulator, password: str, *, webhook_id: str = WEBHOOK_ID
) -> MockConfigEntry:
    """Set up an entry for the simulator, as the config flow would."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=sim.state.serial,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: sim.port,
            CONF_USERNAME: "admin",
            CONF_PASSWORD: password,
            CONF_WEBHOOK_ID: webhook_id,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry
