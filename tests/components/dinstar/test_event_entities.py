"""Per-port event entities and the logbook's words for every event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
import json

from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import ALL_EVENTS
from custom_components.dinstar.logbook import async_describe_events
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID


async def poll(hass: HomeAssistant) -> None:
    """Let the coordinator poll once (its interval is 30 s)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_sms_and_ussd_event_entities(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    assert (
        hass.states.get("event.dinstar_da00_0030_1901_2817_port_1_sms_received").state
        == STATE_UNKNOWN
    )
    events = async_capture_events(hass, "dinstar_sms_received")
    client = await hass_client_no_auth()
    # On the gateway (its own push goes nowhere), then pushed as the gateway would.
    sms_id = simulator.receive_sms(1, "+4930123456", "Code 4711")
    simulator.state.ports[2].ussd_reply = "Balance 5 EUR"
    body = {
        "sn": SERIAL,
        "sms": [
            {"incoming_sms_id": sms_id, "port": 1, "number": "+4930123456", "text": "Code 4711"}
        ],
        "ussd": [{"port": 2, "text": "Balance 5 EUR"}],
    }
    assert (await client.post(f"/api/webhook/{WEBHOOK_ID}", data=json.dumps(body))).status == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    sms = hass.states.get("event.dinstar_da00_0030_1901_2817_port_1_sms_received")
    assert sms.state != STATE_UNKNOWN
    assert sms.attributes["event_type"] == "sms_received"
    assert (sms.attributes["sender"], sms.attributes["text"]) == ("+4930123456", "Code 4711")
    assert "config_entry_id" not in sms.attributes
    assert (
        hass.states.get("event.dinstar_da00_0030_1901_2817_port_2_sms_received").state
        == STATE_UNKNOWN
    )  # another port's
    ussd = hass.states.get("event.dinstar_da00_0030_1901_2817_port_2_ussd_reply")
    assert ussd.attributes["text"] == "Balance 5 EUR"

    # The state change shares the event's context: the push caused it.
    (fired,) = [event for event in events if event.event_type == "dinstar_sms_received"]
    assert sms.context.id == fired.context.id


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_event_entities_follow_only_their_entry_and_port(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    entry_id = init_integration.entry_id
    for data in (
        {"config_entry_id": "another entry", "port": 1, "text": "not ours"},
        {"config_entry_id": entry_id, "text": "no port"},
        {"config_entry_id": entry_id, "port": 9, "text": "no such port"},
    ):
        hass.bus.async_fire("dinstar_sms_received", data)
    await hass.async_block_till_done()
    assert (
        hass.states.get("event.dinstar_da00_0030_1901_2817_port_1_sms_received").state
        == STATE_UNKNOWN
    )
    hass.bus.async_fire("dinstar_sms_received", {"config_entry_id": entry_id, "port": 1})
    await hass.async_block_till_done()
    assert (
        hass.states.get("event.dinstar_da00_0030_1901_2817_port_1_sms_received").state
        != STATE_UNKNOWN
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_port_whose_sim_is_pulled_keeps_its_events(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The port is hardware: its event entities stay while the SIM is out, and work after."""
    entry_id = init_integration.entry_id
    entity_id = "event.dinstar_da00_0030_1901_2817_port_1_sms_received"
    sim = simulator.state.ports[1].sim
    simulator.state.ports[1].sim = None
    simulator.state.ports[1].reg = "NO_SIM"
    await poll(hass)
    assert hass.states.get(entity_id).state == STATE_UNKNOWN
    simulator.state.ports[1].sim = sim
    simulator.state.ports[1].reg = "REGISTER_OK"
    await poll(hass)
    hass.bus.async_fire("dinstar_sms_received", {"config_entry_id": entry_id, "port": 1})
    await hass.async_block_till_done()
    assert hass.states.get(entity_id).state != STATE_UNKNOWN


@pytest.mark.parametrize(
    ("event_type", "data", "words"),
    [
        (
            "dinstar_sms_sent",
            {"number": "10086", "port": 2, "outcome": "sent"},
            "sent an SMS to 10086 on port 2",
        ),
        (
            "dinstar_sms_sent",
            {"number": "10086", "outcome": "failed"},
            "failed to send an SMS to 10086",
        ),
        (
            "dinstar_sms_delivery",
            {"number": "10086", "delivered": True},
            "delivered an SMS to 10086",
        ),
        (
            "dinstar_sms_delivery",
            {"number": "10086", "delivered": False, "status_code": 65},
            "could not deliver an SMS to 10086 (status 65)",
        ),
        (
            "dinstar_call_record",
            {"duration": 3, "caller": "1010", "callee": "6717"},
            "recorded a 3 s call from 1010 to 6717",
        ),
        ("dinstar_device_power", {"status": "power_on"}, "powered on"),
        ("dinstar_device_power", {"status": "power_off"}, "is powering off"),
        (
            "dinstar_port_exception",
            {"port": 0, "type": "call_fail", "action": "reset"},
            "handled a call_fail on port 0 (reset)",
        ),
    ],
)
async def test_logbook_words(
    hass: HomeAssistant, event_type: str, data: dict[str, object], words: str
) -> None:
    described: dict[str, Callable[[Event], dict[str, str]]] = {}
    async_describe_events(
        hass, lambda _domain, kind, describe: described.__setitem__(kind, describe)
    )
    # What a port's sensor already logs is not described a second time; a queued SMS is
    # described by its outcome's line, which follows.
    shown_elsewhere = {
        "dinstar_sms_received",
        "dinstar_ussd_received",
        "dinstar_sim_registration",
        "dinstar_sms_queued",
    }
    assert set(described) == set(ALL_EVENTS) - shown_elsewhere
    line = described[event_type](Event(event_type, data))
    assert {key: line[key] for key in ("name", "message")} == {"name": "Dinstar", "message": words}
    assert line["icon"].startswith("mdi:")
