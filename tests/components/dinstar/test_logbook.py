"""The logbook, with Home Assistant's own logbook and recorder: one line per received SMS."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.recorder import Recorder
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from devtools.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID


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
