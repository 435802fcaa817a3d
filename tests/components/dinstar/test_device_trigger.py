"""Device triggers on a port's device, firing an automation from a pushed SMS."""

from __future__ import annotations

import json

from homeassistant.components import automation
from homeassistant.components.device_automation import DeviceAutomationType
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_get_device_automations,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID


async def test_port_triggers_fire_an_automation(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    port_1 = device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{SERIAL}-port-1"), init_integration.entry_id
    )
    gateway = device_registry.async_get_device_by_identifier(
        (DOMAIN, SERIAL), init_integration.entry_id
    )
    assert port_1 is not None
    assert gateway is not None
    triggers = await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, port_1.id)
    assert sorted(t["type"] for t in triggers if t["domain"] == DOMAIN) == [
        "sms_received",
        "ussd_received",
    ]
    assert [
        t
        for t in await async_get_device_automations(hass, DeviceAutomationType.TRIGGER, gateway.id)
        if t["domain"] == DOMAIN
    ] == []

    fired = async_capture_events(hass, "sms_on_port_1")
    assert await async_setup_component(hass, automation.DOMAIN, {automation.DOMAIN: [{
        "triggers": [{"platform": "device", "domain": DOMAIN, "device_id": port_1.id, "type": "sms_received"}],
        "actions": [{"event": "sms_on_port_1", "event_data": {"text": "{{ trigger.event.data.text }}"}}],
    }]})  # fmt: skip
    client = await hass_client_no_auth()
    for port in (2, 1):  # the port 2 message must not trigger
        incoming_id = simulator.receive_sms(port, "1", f"on {port}")
        body = {
            "sn": SERIAL,
            "sms": [
                {"incoming_sms_id": incoming_id, "port": port, "number": "1", "text": f"on {port}"}
            ],
        }
        assert (
            await client.post(f"/api/webhook/{WEBHOOK_ID}", data=json.dumps(body))
        ).status == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [event.data["text"] for event in fired] == ["on 1"]
