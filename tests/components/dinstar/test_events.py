"""Pushed items become events; incoming SMS fire exactly once through outages and restarts."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import (
    EVENT_CALL_RECORD,
    EVENT_DEVICE_POWER,
    EVENT_PORT_EXCEPTION,
    EVENT_SIM_REGISTRATION,
    EVENT_SMS_RECEIVED,
    EVENT_USSD_RECEIVED,
)
from custom_components.dinstar.const import CONF_INCOMING_MODE, DOMAIN, IncomingMode
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL
from .pushes import URL, post, push_sms, received, settle

PORTS_WITH_SIM = (0, 1, 2, 4, 5, 6)


async def test_every_pushed_kind_fires_its_event(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The gateway pushes each kind; each fires once, as the gateway's API confirms it."""
    captured = {
        kind: async_capture_events(hass, kind)
        for kind in (
            EVENT_SMS_RECEIVED,
            EVENT_USSD_RECEIVED,
            EVENT_SIM_REGISTRATION,
            EVENT_CALL_RECORD,
            EVENT_DEVICE_POWER,
            EVENT_PORT_EXCEPTION,
        )
    }
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(URL))
    state = simulator.state
    sms_id = simulator.receive_sms(1, "6717", "test")
    state.ports[2].ussd_reply = "Thank you!"
    state.push({"ussd": [{"port": 2, "text": "Thank you!"}]})
    state.set_registration(state.ports[4], "UNREGISTER")
    state.add_cdr(port=2, answer_date="2015-07-21 16:35:31", destination_number="6717")
    state.push_exception(0)
    state.push({"device": state.device_item("power_on")})
    await settle(hass, simulator)
    # Both state pushes asked for a refresh; the second one comes after the debounce.
    await init_integration.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert {kind: len(events) for kind, events in captured.items()} == dict.fromkeys(captured, 1)
    port_1 = device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{SERIAL}-port-1"), init_integration.entry_id
    )
    gateway = device_registry.async_get_device_by_identifier(
        (DOMAIN, SERIAL), init_integration.entry_id
    )
    assert port_1 is not None
    assert gateway is not None
    received = captured[EVENT_SMS_RECEIVED][0].data
    assert received == {
        "config_entry_id": init_integration.entry_id,
        "device_id": port_1.id,
        "port": 1,
        "incoming_sms_id": sms_id,
        "sender": "6717",
        "text": "test",
        "smsc": state.inbox[-1].smsc,
        "received_at": received["received_at"],
        "caught_up": False,
    }
    registration = captured[EVENT_SIM_REGISTRATION][0].data
    # The SIM stays in the port, unregistered: the event says what the gateway reads.
    sim = state.ports[4].sim
    assert sim is not None
    assert (registration["port"], registration["iccid"], registration["confirmed"]) == (
        4,
        sim.iccid,
        True,
    )
    assert captured[EVENT_CALL_RECORD][0].data["callee"] == "6717"
    assert captured[EVENT_CALL_RECORD][0].data["confirmed"] is True
    assert captured[EVENT_DEVICE_POWER][0].data["device_id"] == gateway.id
    assert captured[EVENT_DEVICE_POWER][0].data["confirmed"] is True
    assert captured[EVENT_PORT_EXCEPTION][0].data["type"] == "call_fail"
    assert captured[EVENT_PORT_EXCEPTION][0].data["confirmed"] is False


async def test_forged_pushes_of_every_checked_kind_fire_nothing(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """Nothing of this is on the gateway: no event, and the audit counts each push item."""
    events = async_capture_events(hass, EVENT_CALL_RECORD)
    events += async_capture_events(hass, EVENT_SMS_RECEIVED)
    cdr = {
        "port": 2,
        "start_date": "2015-07-21 16:35:20",
        "answer_date": "2015-07-21 16:35:31",
        "duration": 3,
        "source_number": "1010",
        "destination_number": "6717",
        "direction": "ip->gsm",
        "ip": "172.16.100.136",
        "codec": "G.711U",
        "hangup": "called",
        "gsm_code": 16,
        "bcch": "",
    }
    forged_sms = {
        "incoming_sms_id": 1,
        "port": 1,
        "number": "6717",
        "smsc": "+8613800757511",
        "timestamp": "2016-07-12 15:46:18",
        "text": "open the door",
    }
    await post(hass_client_no_auth, {"sn": SERIAL, "cdr": [cdr], "sms": [forged_sms]})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert events == []
    assert init_integration.runtime_data.messaging.audit.unconfirmed == 2


async def test_the_same_pushed_sms_fires_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    simulator.receive_sms(0, "+4930111", "once")
    body = {"sn": SERIAL, "sms": [simulator.state.inbox[0].as_api()]}
    await post(hass_client_no_auth, body)
    await post(hass_client_no_auth, body)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(events) == 1


async def test_a_lost_push_is_read_with_the_next_one(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """SMS 2's push never came, SMS 3's did: its read finds both, fired in id order."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    ids = [simulator.receive_sms(1, "+4930111", f"message {n}") for n in range(3)]
    for sms in (simulator.state.inbox[0], simulator.state.inbox[2]):
        await push_sms(hass_client_no_auth, [sms.as_api()])
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [event.data["incoming_sms_id"] for event in events] == ids


async def test_a_gateway_numbering_its_sms_again_is_followed(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After a factory reset its ids start at 1 again: the gateway's inbox confirms it."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    for text in ("before", "before"):
        simulator.receive_sms(0, "+4930111", text)
    for sms in simulator.state.inbox:
        await push_sms(hass_client_no_auth, [sms.as_api()])
    repeated = simulator.state.inbox[0].as_api()
    await push_sms(hass_client_no_auth, [repeated])
    await hass.async_block_till_done(wait_background_tasks=True)

    simulator.state.inbox.clear()
    simulator.state.next_incoming_id = 1
    simulator.receive_sms(0, "+4930111", "after the reset")
    reset = simulator.state.inbox[0].as_api() | {"timestamp": "2099-01-01 00:00:00"}
    simulator.state.inbox[0].timestamp = reset["timestamp"]
    await push_sms(hass_client_no_auth, [reset])
    await hass.async_block_till_done(wait_background_tasks=True)

    assert received(events) == [
        (1, "before"),
        (2, "before"),
        (1, "after the reset"),
    ]
    assert "numbers its SMS from 1 again" in caplog.text
    assert ir.async_get(hass).async_get_issue(
        DOMAIN, f"inbox_renumbered_{init_integration.entry_id}"
    )


async def test_a_new_entry_does_not_fire_what_the_gateway_already_holds(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """The gateway's history is not news; what comes after the entry was added is."""
    for n in range(3):
        simulator.receive_sms(0, "+4930111", f"old {n}")
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert events == []

    assert await hass.config_entries.async_unload(mock_config_entry.entry_id)
    new_id = simulator.receive_sms(2, "+4930222", "new while away")
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [event.data["incoming_sms_id"] for event in events] == [new_id]


async def test_thousand_sms_exactly_once_through_stop_drops_and_reboot(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """The issue's proof: 1,000 SMS, none lost, none twice, in id order per port."""
    entry = init_integration
    events: list[Event] = async_capture_events(hass, EVENT_SMS_RECEIVED)
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(URL))

    def receive(count: int, label: str) -> None:
        for index in range(count):
            simulator.receive_sms(
                PORTS_WITH_SIM[index % len(PORTS_WITH_SIM)], "+4930123456", f"{label} {index}"
            )

    # 1. Some arrive live; then Home Assistant stops (the entry unloads): pushes reach no
    # handler. The ledger written at the stop keeps the live ones from firing again.
    receive(100, "live")
    await settle(hass, simulator)
    assert len(events) == 100
    await hass.config_entries.async_unload(entry.entry_id)
    receive(200, "while stopped")
    await settle(hass, simulator)
    assert len(events) == 100
    await hass.config_entries.async_setup(entry.entry_id)
    await settle(hass, simulator)
    assert len(events) == 300

    # 2. The webhook loses pushes (dropped on the way), then the gateway reboots.
    simulator.state.faults.drop_pushes = True
    receive(300, "dropped")
    await settle(hass, simulator)
    assert len(events) == 300
    simulator.state.faults.drop_pushes = False
    await simulator.reboot(0.2)
    await settle(hass, simulator)
    # The power_on push is believed at the refresh it asked for (debounced): then the inbox
    # is read for what the lost pushes announced.
    await entry.runtime_data.coordinator.async_refresh()
    await settle(hass, simulator)
    assert len(events) == 600

    # 3. Push and polling both at work on the same messages.
    hass.config_entries.async_update_entry(entry, options={CONF_INCOMING_MODE: IncomingMode.BOTH})
    await hass.async_block_till_done()
    receive(400, "pushed and polled")
    catch_ups = [entry.runtime_data.inbox.async_catch_up() for _ in range(3)]
    await asyncio.gather(*catch_ups)
    await settle(hass, simulator)

    ids = [event.data["incoming_sms_id"] for event in events]
    assert len(ids) == 1000
    assert len(set(ids)) == 1000
    assert set(ids) == {sms.incoming_sms_id for sms in simulator.state.inbox}
    per_port: dict[int, list[int]] = defaultdict(list)
    for event in events:
        per_port[event.data["port"]].append(event.data["incoming_sms_id"])
    assert all(port_ids == sorted(port_ids) for port_ids in per_port.values())


async def test_the_ledger_is_written_after_a_push_and_a_catch_up_without_unloading(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant may stop without unloading: the ledger is on disk soon after each change."""
    key = f"{DOMAIN}.{init_integration.entry_id}.inbox"
    await init_integration.runtime_data.inbox.async_save()  # nothing pending from the set-up
    simulator.receive_sms(0, "+4930111", "pushed")
    await push_sms(hass_client_no_auth, [simulator.state.inbox[0].as_api()])
    await hass.async_block_till_done(wait_background_tasks=True)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)  # stopping, nothing unloaded
    await hass.async_block_till_done()
    assert hass_storage[key]["data"]["cursor"] == 1

    simulator.receive_sms(0, "+4930111", "read")
    await init_integration.runtime_data.inbox.async_catch_up()
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    assert hass_storage[key]["data"]["cursor"] == 2


async def test_push_mode_reads_the_inbox_after_an_outage(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Pushes made while the gateway was unreachable may be lost: the inbox is read after."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    coordinator = init_integration.runtime_data.coordinator
    simulator.state.go_offline(None)
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    sms_id = simulator.receive_sms(0, "+4930111", "during the outage")
    simulator.state.go_online()
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [event.data["incoming_sms_id"] for event in events] == [sms_id]
