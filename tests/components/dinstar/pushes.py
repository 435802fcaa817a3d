"""Pushes posted to the entry's webhook, and the received SMS they fired."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
from typing import Any

from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.inbox_sync import GAP_WAIT
from devtools.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID

URL = f"/api/webhook/{WEBHOOK_ID}"


async def post(hass_client_no_auth: ClientSessionGenerator, body: object) -> None:
    client = await hass_client_no_auth()
    response = await client.post(URL, data=json.dumps(body))
    assert response.status == 200


async def push(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, **items: Any
) -> None:
    """One push of the entry's gateway carrying these items, handled."""
    await post(hass_client_no_auth, {"sn": SERIAL, **items})
    await hass.async_block_till_done()


async def push_power(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, status: str
) -> None:
    """The gateway's device push of its power, with its address and MAC as it sends them."""
    device = {"port_number": 8, "IP": "127.0.0.1", "MAC": "F8-A0-3D-48-E5-19", "status": status}
    await push(hass, hass_client_no_auth, device=device)


async def push_sms(
    hass_client_no_auth: ClientSessionGenerator, messages: list[dict[str, Any]]
) -> None:
    await post(hass_client_no_auth, {"sn": SERIAL, "sms": messages})


def inbox_as_api(simulator: Simulator) -> list[dict[str, Any]]:
    return [sms.as_api() for sms in simulator.state.inbox]


def received(events: list[Event]) -> list[tuple[int, str]]:
    return [(event.data["incoming_sms_id"], event.data["text"]) for event in events]


async def gap_timer(hass: HomeAssistant) -> None:
    """Past the wait for a missing id, when the gateway's inbox is read."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=GAP_WAIT + 1))
    await hass.async_block_till_done(wait_background_tasks=True)


async def settle(hass: HomeAssistant, simulator: Simulator) -> None:
    """Until the simulator's pushes are delivered and Home Assistant's work is done."""
    for _ in range(3):
        await simulator.drain_pushes()
        await hass.async_block_till_done(wait_background_tasks=True)
        await asyncio.sleep(0.05)
