"""The logbook, with Home Assistant's own logbook and recorder: lines in words, with icons."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import (
    EVENT_ASSIST_EXCHANGE,
    EVENT_ASSIST_LIMIT,
    EVENT_CALL_RECORD,
    EVENT_DEVICE_POWER,
    EVENT_LOW_BALANCE,
    EVENT_PORT_EXCEPTION,
    EVENT_SMS_DELIVERY,
)
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID
from .sent_messages import send, worked_off


async def test_one_logbook_line_per_received_sms(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    assert await async_setup_component(hass, "logbook", {})
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    start = dt_util.utcnow()

    sms_id = simulator.receive_sms(1, "+4930123456", "Door open")
    body = {
        "sn": SERIAL,
        "sms": [
            {"incoming_sms_id": sms_id, "port": 1, "number": "+4930123456", "text": "Door open"}
        ],
    }
    webhook = await hass_client_no_auth()
    assert (await webhook.post(f"/api/webhook/{WEBHOOK_ID}", data=json.dumps(body))).status == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)

    client = await hass_client()
    response = await client.get(f"/api/logbook/{start.isoformat()}")
    assert response.status == 200
    lines: list[dict[str, Any]] = await response.json()
    # The port's "Last SMS" sensor: named after gateway and port, its state names the sender.
    assert [(line.get("entity_id"), line.get("state")) for line in lines] == [
        ("sensor.dinstar_da00_0030_1901_2817_port_1_last_sms", "+4930123456: Door open")
    ]
    assert lines[0]["name"] == "Dinstar da00-0030-1901-2817 port 1 Last SMS"


async def test_sent_and_delivered_lines_have_icons(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    simulator: Simulator,
    mock_config_entry: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The integration's own lines carry an icon: without one the logbook shows a blank."""
    assert await async_setup_component(hass, "logbook", {})
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)
    start = dt_util.utcnow()
    webhook = await hass_client_no_auth()
    simulator.push_url = str(webhook.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    simulator.state.faults.failing_numbers = ["10010"]

    await send(hass, mock_config_entry, ["+4930123456", "10010"], port=[1])
    await worked_off(simulator)
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)

    response = await (await hass_client()).get(f"/api/logbook/{start.isoformat()}")
    lines: list[dict[str, Any]] = await response.json()
    ours = sorted((line["message"], line.get("icon")) for line in lines if "domain" in line)
    assert ours == [
        ("delivered an SMS to +4930123456", "mdi:message-check"),
        ("failed to send an SMS to 10010", "mdi:message-alert"),
        ("sent an SMS to +4930123456 on port 1", "mdi:message-arrow-right"),
    ]


@pytest.mark.parametrize(
    ("event_type", "data", "icon"),
    [
        (EVENT_ASSIST_EXCHANGE, {"port": 1, "sender": "+4930123456", "contact": "Ada"}, "forum"),
        (EVENT_ASSIST_LIMIT, {"port": 1, "sender": "+4930123456", "limit": "daily_cap"}, "off"),
        (EVENT_SMS_DELIVERY, {"number": "+4930123456", "delivered": False}, "alert"),
        (EVENT_CALL_RECORD, {"port": 1, "duration": 5}, "phone"),
        (EVENT_DEVICE_POWER, {"status": "power_on"}, "mdi:power"),
        (EVENT_DEVICE_POWER, {"status": "power_off"}, "power-off"),
        (EVENT_PORT_EXCEPTION, {"port": 1, "type": "call_fail"}, "alert"),
        (EVENT_LOW_BALANCE, {"port": 1, "balance": 1.5, "currency": "EUR"}, "cash"),
    ],
)
async def test_every_line_has_an_icon(
    recorder_mock: Recorder,
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client: ClientSessionGenerator,
    event_type: str,
    data: dict[str, Any],
    icon: str,
) -> None:
    """Assist, power, calls, exceptions, balance: each line with an icon that fits it."""
    assert await async_setup_component(hass, "logbook", {})
    await async_wait_recording_done(hass)
    start = dt_util.utcnow()
    hass.bus.async_fire(event_type, {"config_entry_id": init_integration.entry_id, **data})
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)

    response = await (await hass_client()).get(f"/api/logbook/{start.isoformat()}")
    (line,) = [line for line in await response.json() if "domain" in line]
    assert line["name"] == init_integration.title
    assert icon in line["icon"]
