"""SMS sent through the action, and the simulator's word that it has finished with them."""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator
from dinstar_dev.gateway_simulator.models import OutgoingSms


async def send(
    hass: HomeAssistant, entry: MockConfigEntry, numbers: list[str], **data: object
) -> None:
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry.entry_id, "number": numbers, "message": "Alarm", **data},
        blocking=True,
    )


def settled(simulator: Simulator, sms: OutgoingSms) -> bool:
    """The message has its final status; a delivery failure stays SENT_OK, its reports came."""
    if sms.status == "SENDING":
        return False
    if not sms.report or sms.status != "SENT_OK":
        return True
    return sms.number in simulator.state.faults.delivery_failures and any(
        report["number"] == sms.number and report["ref_id"] == sms.ref_id
        for report in simulator.state.delivery_reports
    )


async def worked_off(simulator: Simulator) -> None:
    """Until the simulator has a final status for every message it accepted."""
    async with asyncio.timeout(5):
        while not all(settled(simulator, m) for m in simulator.state.sent_messages):
            await asyncio.sleep(0.01)
    await simulator.drain_pushes()
