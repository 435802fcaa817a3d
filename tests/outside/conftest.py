"""Fixtures for the outside tests: a fake gateway on loopback, Home Assistant driven by hand.

The integration is only reached through what a user has: the config and options flows, actions,
the webhook, events on the bus and states.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest

# Imported before the hass fixture so that this repository's custom_components package is the
# one Home Assistant's loader finds, not the test harness's empty one.
import custom_components.dinstar  # noqa: F401

from .gateway import FakeGateway

DOMAIN = "dinstar"
EVENTS = (
    "dinstar_sms_received",
    "dinstar_sms_sent",
    "dinstar_sms_delivery",
    "dinstar_ussd_received",
    "dinstar_sim_registration",
    "dinstar_device_power",
)


@dataclass
class Added:
    """A gateway added through the config flow."""

    entry: ConfigEntry
    webhook_id: str
    gateway: FakeGateway

    @property
    def webhook_path(self) -> str:
        return f"/api/webhook/{self.webhook_id}"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components."""


@pytest.fixture
async def gateway(socket_enabled: None) -> AsyncIterator[FakeGateway]:
    """A running fake gateway."""
    gw = FakeGateway()
    await gw.start()
    yield gw
    await gw.stop()


@pytest.fixture
async def second_gateway(socket_enabled: None) -> AsyncIterator[FakeGateway]:
    """Another fake gateway with its own serial number."""
    gw = FakeGateway(serial="fa0e-0000-0000-0002", mac="F8-A0-3D-00-00-02")
    await gw.start()
    yield gw
    await gw.stop()


@pytest.fixture
async def http(hass: HomeAssistant, hass_client_no_auth: Any) -> TestClient:
    """Home Assistant's HTTP server (webhook, repairs, notify set up before its router freezes)."""
    for component in ("webhook", "repairs", "notify"):
        assert await async_setup_component(hass, component, {})
    return await hass_client_no_auth()


async def add_gateway(
    hass: HomeAssistant, gateway: FakeGateway, options: dict[str, Any] | None = None
) -> Added:
    """Add the gateway the way a user does, through the flow; apply options if given."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    assert result["type"] is FlowResultType.MENU
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "direct"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "host": gateway.host,
            "port": gateway.port,
            "username": gateway.username,
            "password": gateway.password,
        },
    )
    assert result["type"] is FlowResultType.FORM, result
    assert result["step_id"] == "webhook"
    webhook_id = result["description_placeholders"]["url"].rsplit("/", 1)[1]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    entry = result["result"]
    await hass.async_block_till_done()
    if options:
        await set_options(hass, entry, options)
    return Added(entry, webhook_id, gateway)


async def set_options(hass: HomeAssistant, entry: ConfigEntry, changes: dict[str, Any]) -> None:
    """Change options through the options flow, keeping the others as shown."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    data = {key.schema: key.default() for key in result["data_schema"].schema}
    data.update(changes)
    result = await hass.config_entries.options.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()


@pytest.fixture
def events(hass: HomeAssistant) -> dict[str, list[dict[str, Any]]]:
    """Every dinstar_* event fired, by type, as its data."""
    seen: dict[str, list[dict[str, Any]]] = {name: [] for name in EVENTS}
    for name in EVENTS:

        @callback
        def listener(event: Event, name: str = name) -> None:
            seen[name].append(dict(event.data))

        hass.bus.async_listen(name, listener)
    return seen


async def wait_for(
    hass: HomeAssistant, condition: Callable[[], bool], timeout: float = 3.0
) -> bool:
    """Poll a condition until it holds or the timeout passes; return whether it held."""
    loop = hass.loop
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            return False
        await hass.async_block_till_done()
        await asyncio.sleep(0.01)
    return True


def sms_push(serial: str, *messages: dict[str, Any]) -> dict[str, Any]:
    """A pushed SMS body as the spec shows it."""
    return {"sn": serial, "sms": list(messages)}
