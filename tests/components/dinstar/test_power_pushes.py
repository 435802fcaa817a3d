"""Power and SIM registration pushes: believed only when the gateway's next refresh agrees."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import (
    EVENT_DEVICE_POWER,
    EVENT_PORT_EXCEPTION,
    EVENT_SIM_REGISTRATION,
)
from custom_components.dinstar.messaging.readback import STATE_CHECK_WINDOW
from dinstar_dev.gateway_simulator import Simulator
from tests.components.dinstar.conftest import port_device
from tests.conftest import SERIAL

from .pushes import post, push, push_power

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
    device_registry: dr.DeviceRegistry,
) -> None:
    """A true push fires after the refresh it asks for, with that refresh's port state."""
    events = async_capture_events(hass, EVENT_SIM_REGISTRATION)
    simulator.state.ports[2].reg = "SEARCHING_NETWORK"
    await push(hass, hass_client_no_auth, register=[register(2, "down")])
    assert [(e.data["port"], e.data["status"], e.data["confirmed"]) for e in events] == [
        (2, "down", True)
    ]
    # The SIM as the gateway reads it (the push said "<NULL>"), on the port's device.
    sim = simulator.state.ports[2].sim
    assert sim is not None
    assert {key: events[0].data[key] for key in ("iccid", "imsi", "number")} == {
        "iccid": sim.iccid,
        "imsi": sim.imsi,
        "number": sim.number,
    }
    device = port_device(device_registry, init_integration, 2)
    assert device is not None
    assert events[0].data["device_id"] == device.id
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


async def test_a_refresh_that_fails_confirms_no_registration(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """Only a refresh that read the port can show its state; the next good one does."""
    events = async_capture_events(hass, EVENT_SIM_REGISTRATION)
    simulator.state.ports[2].reg = "SEARCHING_NETWORK"
    simulator.state.faults.error_500 = True
    await push(hass, hass_client_no_auth, register=[register(2, "down")])
    assert events == []
    simulator.state.faults.error_500 = False
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [(e.data["port"], e.data["status"]) for e in events] == [(2, "down")]


async def test_a_registration_push_for_a_port_the_gateway_lacks_never_fires(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    freezer: FrozenDateTimeFactory,
) -> None:
    events = async_capture_events(hass, EVENT_SIM_REGISTRATION)
    coordinator = init_integration.runtime_data.coordinator
    for status in ("up", "down"):
        await push(hass, hass_client_no_auth, register=[register(20, status)])
    freezer.tick(STATE_CHECK_WINDOW + timedelta(seconds=1))
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert events == []
    assert init_integration.runtime_data.messaging.audit.unconfirmed == 2


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


async def test_a_refresh_begun_before_a_push_does_not_confirm_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """What the gateway answered before the push came cannot show what the push says."""
    events = async_capture_events(hass, EVENT_SIM_REGISTRATION)
    for port in (2, 3):
        simulator.state.ports[port].reg = "SEARCHING_NETWORK"
    simulator.state.faults.delay = 0.2
    await post(hass_client_no_auth, {"sn": SERIAL, "register": [register(2, "down")]})
    await asyncio.sleep(0.05)  # the refresh this push asked for is waiting for its answer
    # Refreshes asked for within seconds of another are put off: this one waits its turn.
    await post(hass_client_no_auth, {"sn": SERIAL, "register": [register(3, "down")]})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [e.data["port"] for e in events] == [2]
    simulator.state.faults.delay = 0
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [e.data["port"] for e in events] == [2, 3]
