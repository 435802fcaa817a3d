"""A gateway that pushes to Home Assistant, and ways to make it receive, send and settle."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.messages import DATA_MESSAGES
from custom_components.dinstar.messages.history import History
from dinstar_dev.gateway_simulator import Simulator
from tests.components.dinstar.pushes import URL, settle
from tests.components.dinstar.sent_messages import worked_off as outbox_worked_off

NUMBER = "+4917612345678"


@pytest.fixture
async def live(
    hass: HomeAssistant,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> MockConfigEntry:
    """The integration set up (with the ``subentries`` fixture's), its gateway pushing to it."""
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(URL))
    return init_with_subentries


def history(hass: HomeAssistant) -> History:
    return hass.data[DATA_MESSAGES].history


async def receive(
    hass: HomeAssistant, simulator: Simulator, text: str, number: str = NUMBER, port: int = 1
) -> None:
    """An SMS reaches the gateway, which pushes it; Home Assistant reads it back."""
    simulator.receive_sms(port, number, text)
    await settle(hass, simulator)


async def send(
    hass: HomeAssistant, entry: MockConfigEntry, text: str, number: str = NUMBER, port: int = 1
) -> None:
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry.entry_id, "number": number, "message": text, "port": port},
        blocking=True,
    )


async def worked_off(hass: HomeAssistant, simulator: Simulator) -> None:
    """Until the gateway sent everything and its results and reports were pushed and read."""
    await outbox_worked_off(simulator)
    await settle(hass, simulator)
