"""Pushes posted to the entry's webhook, and the received SMS they fired."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import json
from typing import Any

from homeassistant.core import Event, HomeAssistant
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from dinstar_dev.gateway_simulator import Simulator
from dinstar_dev.gateway_simulator.models import OutgoingSms

from .conftest import SERIAL, WEBHOOK_ID

URL = f"/api/webhook/{WEBHOOK_ID}"


async def post(hass_client_no_auth: ClientSessionGenerator, body: object) -> None:
    client = await hass_client_no_auth()
    response = await client.post(URL, data=json.dumps(body))
    assert response.status == 200


async def push(
    hass: HomeAssistant, hass_client_no_auth: ClientSessionGenerator, **items: Any
) -> None:
    """One push of the entry's gateway carrying these items, read back and handled."""
    await post(hass_client_no_auth, {"sn": SERIAL, **items})
    await hass.async_block_till_done(wait_background_tasks=True)


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


async def settle(hass: HomeAssistant, simulator: Simulator) -> None:
    """Until the simulator's pushes are delivered and Home Assistant's work is done."""
    for _ in range(3):
        await simulator.drain_pushes()
        await hass.async_block_till_done(wait_background_tasks=True)
        await asyncio.sleep(0.05)


def record_outcomes(
    simulator: Simulator,
    sms_result: Sequence[dict[str, Any]] = (),
    sms_deliver_status: Sequence[dict[str, Any]] = (),
) -> None:
    """Make the gateway's records hold these results and reports, as if it had sent them."""
    for result in sms_result:
        record = next(
            (
                sms
                for sms in simulator.state.sent_messages
                if (sms.port, sms.number, sms.user_id)
                == (result["port"], result["number"], result.get("user_id"))
            ),
            None,
        )
        if record is None:
            record = OutgoingSms(
                task_id=0,
                port=result["port"],
                number=result["number"],
                text="",
                encoding="unicode",
                user_id=result.get("user_id"),
                report=True,
                count=result["count"],
            )
            simulator.state.sent_messages.append(record)
        record.status = result["status"]
        record.count = result["count"]
        record.succ_count = result["succ_count"]
        record.ref_id = result.get("ref_id")
        record.time = result["time"]
        record.imsi = result.get("imsi", "")
    simulator.state.delivery_reports.extend(sms_deliver_status)


async def push_recorded(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    **items: Any,
) -> None:
    """The gateway records these outcomes and pushes them; the push is read back and handled."""
    record_outcomes(simulator, **items)
    await push(hass, hass_client_no_auth, **items)
