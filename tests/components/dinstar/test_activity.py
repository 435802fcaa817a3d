"""The gateway's device page lists what it sent: its Activity card, read as the frontend asks."""

from __future__ import annotations

from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL
from .logbook_reader import Logbook
from .pushes import settle

NUMBER = "+4917612345678"


async def test_what_the_gateway_sent_is_on_its_device_page(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    assert await async_setup_component(hass, "logbook", {})
    await async_wait_recording_done(hass)
    logbook = Logbook(hass, hass_ws_client)
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": init_integration.entry_id, "number": NUMBER, "message": "Door open"},
        blocking=True,
        return_response=True,
    )
    await settle(hass, simulator)
    await init_integration.runtime_data.outbox.async_poll_if_due(None)
    gateway = device_registry.async_get_device_by_identifier(
        (DOMAIN, SERIAL), init_integration.entry_id
    )
    assert gateway is not None
    messages = [line["message"] for line in await logbook.lines(device_ids=[gateway.id])]
    assert any(NUMBER in message and "sent" in message for message in messages), messages
