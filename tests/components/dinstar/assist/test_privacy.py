"""The PIN reaches no state, event, logbook line, diagnostics or log line: it is masked."""

from __future__ import annotations

import logging

from homeassistant.const import MATCH_ALL
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.aiodinstar import IncomingSms
from custom_components.dinstar.bus_events import sms_received_data
from dinstar_dev.gateway_simulator import Simulator

from .conftest import ALICE, KITCHEN, PIN, Receive

LAST_SMS = "sensor.dinstar_da00_0030_1901_2817_port_1_last_sms"


@pytest.fixture
async def diagnostics(hass: HomeAssistant) -> None:
    """Diagnostics set up before the HTTP server starts (it adds a view)."""
    assert await async_setup_component(hass, "diagnostics", {})


async def test_the_pin_is_masked_everywhere(
    hass: HomeAssistant,
    diagnostics: None,
    sms_in: Receive,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    hass_client: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What the recorder and the logbook keep (events, states) and the log show no PIN."""
    caplog.set_level(logging.DEBUG)
    fired = async_capture_events(hass, MATCH_ALL)
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    await sms_in(ALICE, f"turn off the kitchen light, my PIN is {PIN}")  # a wrong PIN
    assert hass.states.get(KITCHEN).state == "on"
    assert hass.states.get(LAST_SMS).state == f"{ALICE}: turn off the kitchen light, my PIN is ****"
    received = [event.data["text"] for event in fired if event.event_type == "dinstar_sms_received"]
    assert received == [
        "**** turn on the kitchen light",
        "turn off the kitchen light, my PIN is ****",
    ]
    assert not [event for event in fired if PIN in str(event.data)]
    assert not [state for state in hass.states.async_all() if PIN in str(state.as_dict())]
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_with_subentries)
    assert PIN not in str(diagnostics)
    ours = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith(("homeassistant", "custom_components", "aiodinstar"))
    ]
    assert ours
    assert not [line for line in ours if PIN in line]


def test_the_event_shows_the_text_with_the_pin_masked() -> None:
    sms = IncomingSms(7, 1, ALICE, "+49172", None, f"{PIN} turn on the kitchen light")
    masked = sms_received_data(sms, caught_up=True, pin=PIN)
    assert (masked["text"], masked["caught_up"]) == ("**** turn on the kitchen light", True)
    shown = sms_received_data(sms, caught_up=False, pin=None)
    assert (shown["text"], shown["caught_up"]) == (f"{PIN} turn on the kitchen light", False)
