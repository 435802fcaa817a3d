"""A real Home Assistant (the harness's instance, outside pytest) with the integration loaded."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterable
import contextlib
import json
import tempfile
import time

from homeassistant import loader
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import frame
from homeassistant.setup import async_setup_component
import pytest_homeassistant_custom_component.common as harness  # type: ignore[import-untyped]

from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED
from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator
from dinstar_dev.hass_runner.process import free_port

WEBHOOK_ID = "bench-webhook"


@contextlib.asynccontextmanager
async def home_assistant(*, http: bool = False) -> AsyncIterator[tuple[HomeAssistant, int]]:
    """A running instance; with ``http`` its API server serves on a free loopback port.

    The HTTP component is always bound to that free port (the webhook integration needs it),
    never to 8123, where a demo may be running.
    """
    port = free_port()
    with tempfile.TemporaryDirectory() as config_dir:
        async with harness.async_test_home_assistant(config_dir=config_dir) as hass:
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
) -> ConfigEntry:
    """Set up an entry for the simulator, as the config flow would."""
    entry = harness.MockConfigEntry(
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
    added: ConfigEntry = entry
    return added


def push_body(sim: Simulator, sms_id: int) -> str:
    """The push a gateway sends for a message its inbox holds (``receive_sms`` put it there)."""
    sms = next(sms for sms in reversed(sim.state.inbox) if sms.incoming_sms_id == sms_id)
    return json.dumps({"sn": sim.state.serial, "sms": [sms.as_api()]}, separators=(",", ":"))


class FiredSms:
    """Every ``dinstar_sms_received``: when each (entry, incoming_sms_id) first fired, how often.

    A callback, as automations' triggers are: a plain function would add a thread hop per
    event that is the benchmark's, not the integration's.
    """

    def __init__(self, hass: HomeAssistant) -> None:
        """Listen from now on."""
        self.at: dict[tuple[str, int], float] = {}
        self.count: Counter[tuple[str, int]] = Counter()
        self._waiting: dict[tuple[str, int], asyncio.Future[None]] = {}
        hass.bus.async_listen(EVENT_SMS_RECEIVED, self._fired)

    @callback
    def _fired(self, event: Event) -> None:
        key = (str(event.data["config_entry_id"]), int(event.data["incoming_sms_id"]))
        self.count[key] += 1
        self.at.setdefault(key, time.perf_counter())
        if (future := self._waiting.pop(key, None)) is not None and not future.done():
            future.set_result(None)

    async def wait(self, keys: Iterable[tuple[str, int]], within: float = 30.0) -> None:
        """Until each of ``keys`` fired (TimeoutError after ``within`` seconds)."""
        loop = asyncio.get_running_loop()
        futures = [
            self._waiting.setdefault(key, loop.create_future())
            for key in keys
            if key not in self.at
        ]
        if futures:
            await asyncio.wait_for(asyncio.gather(*futures), within)
