"""Power and SIM registration pushes: believed only when the gateway's next refresh agrees."""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import (
    EVENT_DEVICE_POWER,
    EVENT_PORT_EXCEPTION,
    EVENT_SIM_REGISTRATION,
)
from custom_components.dinstar.messaging import STATE_CHECK_WINDOW
from devtools.gateway_simulator import Simulator
from tests.conftest import SERIAL

from .pushes import push, push_power

TITLE = f"Dinstar {SERIAL}"
GATEWAY_SENSOR = "sensor.dinstar_da00_0030_1901_2817_sms_in_queue"
PORT_SENSOR = "sensor.dinstar_da00_0030_1901_2817_port_1_signal_strength"


def register(port: int, status: str, iccid: str = "<NULL>") -> dict[str, object]:
    return {
        "port": port,
        "iccid": iccid,
        "imsi": "<NULL>",
        "number": "",
        "status": status,
        "sequence": 1,
    }


async def test_a_forged_power_off_changes_nothing_and_is_reported(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The gateway answers: every entity stays, no event, one warning with the source."""
    events = async_capture_events(hass, EVENT_DEVICE_POWER)
    coordinator = init_integration.runtime_data.coordinator
    await push_power(hass, hass_client_no_auth, "power_off")
    await push_power(hass, hass_client_no_auth, "power_off")
    assert hass.states.get(GATEWAY_SENSOR).state == "0"
    assert hass.states.get(PORT_SENSOR).state not in ("unavailable", "unknown")
    freezer.tick(STATE_CHECK_WINDOW + timedelta(seconds=1))
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert events == []
    assert hass.states.get(GATEWAY_SENSOR).state == "0"
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name == "custom_components.dinstar"
    ]
    assert warnings == [
        (
            f"{TITLE}: a push from 127.0.0.1 announced a power_off of the gateway, which the "
            "gateway does not confirm: ignored"
        )
    ]


async def test_a_real_power_off_fires_once_the_gateway_stops_answering(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_DEVICE_POWER)
    coordinator = init_integration.runtime_data.coordinator
    await push_power(hass, hass_client_no_auth, "power_off")  # it still answers the refresh
    assert events == []
    simulator.state.go_offline(None)
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [(e.data["status"], e.data["confirmed"]) for e in events] == [("power_off", True)]
    assert hass.states.get(PORT_SENSOR).state == "unavailable"

    simulator.state.go_online()
    await push_power(hass, hass_client_no_auth, "power_on")
    assert [(e.data["status"], e.data["confirmed"]) for e in events][1:] == [("power_on", True)]
    assert hass.states.get(PORT_SENSOR).state not in ("unavailable", "unknown")


async def test_a_power_on_while_the_gateway_is_down_is_not_believed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_DEVICE_POWER)
    coordinator = init_integration.runtime_data.coordinator
    simulator.state.go_offline(None)
    await coordinator.async_refresh()
    await push_power(hass, hass_client_no_auth, "power_on")
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert events == []
    assert hass.states.get(PORT_SENSOR).state == "unavailable"


async def test_a_registration_push_fires_as_the_gateway_shows_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """A true push fires after the refresh it asks for, with that refresh's port state."""
    events = async_capture_events(hass, EVENT_SIM_REGISTRATION)
    simulator.state.ports[2].reg = "SEARCHING_NETWORK"
    await push(hass, hass_client_no_auth, register=[register(2, "down")])
    assert [(e.data["port"], e.data["status"], e.data["confirmed"]) for e in events] == [
        (2, "down", True)
    ]
    assert (
        hass.states.get("sensor.dinstar_da00_0030_1901_2817_port_2_registration").state
        == "searching_network"
    )


async def test_a_registration_push_the_gateway_contradicts_never_fires(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Port 1 is registered: a push saying it went down is not the gateway's."""
    events = async_capture_events(hass, EVENT_SIM_REGISTRATION)
    coordinator = init_integration.runtime_data.coordinator
    await push(hass, hass_client_no_auth, register=[register(1, "down")])
    await coordinator.async_refresh()
    freezer.tick(STATE_CHECK_WINDOW + timedelta(seconds=1))
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert events == []
    assert init_integration.runtime_data.messaging.audit.unconfirmed == 1


async def test_a_port_exception_fires_unconfirmed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The API has no record of exceptions to read back: the event says so."""
    events = async_capture_events(hass, EVENT_PORT_EXCEPTION)
    exception = {"port": 0, "type": "call_fail", "action": "reset"}
    await push(hass, hass_client_no_auth, exception_info=exception)
    assert [(e.data["type"], e.data["confirmed"]) for e in events] == [("call_fail", False)]
