"""Set-up, unload, retry, reauth, outages, and ports that come and go at run time."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import (
    ATTR_ENTITY_ID,
    CONF_PASSWORD,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from syrupy.assertion import SnapshotAssertion

from custom_components.dinstar.aiodinstar import AuthScheme
from custom_components.dinstar.const import CONF_AUTH_SCHEME, CONF_PORTS, DOMAIN
from custom_components.dinstar.repairs import async_raise_inbox_renumbered
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL

PORT_PREFIX = "sensor.dinstar_da00_0030_1901_2817_port"
PORT_1_SIGNAL = f"{PORT_PREFIX}_1_signal_strength"
PORT_1_REGISTRATION = f"{PORT_PREFIX}_1_registration"
PORT_1_NETWORK = f"{PORT_PREFIX}_1_network_type"
PORT_1_CREDIT = f"{PORT_PREFIX}_1_gateway_allowance_left"
PORT_1_NUMBER = f"{PORT_PREFIX}_1_phone_number"
PORT_1_POWER = "switch.dinstar_da00_0030_1901_2817_port_1_module_power"


async def refresh(hass: HomeAssistant) -> None:
    """Let the coordinator poll once (its interval is 30 s)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_setup_unload_and_devices(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    entry = init_integration
    assert entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    gateway = device_registry.async_get_device_by_identifier((DOMAIN, SERIAL), entry.entry_id)
    assert gateway is not None
    ports = [device for device in devices if device.via_device_id == gateway.id]
    # Ports 3 and 7 have no SIM in the seeded simulator: six port devices, not eight.
    assert sorted(device.name for device in ports) == [
        f"Dinstar {SERIAL} port {n}" for n in (0, 1, 2, 4, 5, 6)
    ]
    assert {
        "name": gateway.name,
        "manufacturer": gateway.manufacturer,
        "model": gateway.model,
        "serial_number": gateway.serial_number,
        "identifiers": gateway.identifiers,
        "connections": gateway.connections,
    } == snapshot
    assert gateway.configuration_url == f"http://127.0.0.1:{entry.data['port']}"
    await hass.config_entries.async_unload(entry.entry_id)
    assert entry.state is ConfigEntryState.NOT_LOADED


async def test_removing_the_entry_removes_its_stores(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    entry = init_integration
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry.entry_id, "number": "+4917612345678", "message": "hi"},
        blocking=True,
        return_response=True,
    )
    assert await hass.config_entries.async_unload(entry.entry_id)
    stored = {f"{DOMAIN}.{entry.entry_id}.{name}" for name in ("inbox", "outbox", "user_ids")}
    assert stored <= set(hass_storage)
    await hass.config_entries.async_remove(entry.entry_id)
    await hass.async_block_till_done()
    assert not stored & set(hass_storage)


async def test_setup_retries_while_the_gateway_is_offline(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.state.offline = True
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_wrong_password_starts_reauth(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, CONF_PASSWORD: "wrong"}
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert mock_config_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress()
    assert [(flow["handler"], flow["context"]["source"]) for flow in flows] == [
        (DOMAIN, SOURCE_REAUTH)
    ]


async def test_entries_before_the_scheme_was_stored_never_send_basic(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """An entry of 1.1 was set up with digest: a server asking Basic gets no password."""
    simulator.state.faults.auth = "basic"
    old = MockConfigEntry(
        domain=DOMAIN,
        title=mock_config_entry.title,
        unique_id=mock_config_entry.unique_id,
        minor_version=1,
        data={k: v for k, v in mock_config_entry.data.items() if k != CONF_AUTH_SCHEME},
    )
    old.add_to_hass(hass)
    await hass.config_entries.async_setup(old.entry_id)
    await hass.async_block_till_done()
    assert old.minor_version == 2
    assert old.data[CONF_AUTH_SCHEME] == AuthScheme.DIGEST
    assert old.state is ConfigEntryState.SETUP_ERROR
    assert simulator.auth.failed_logins == 0  # no Basic header ever reached it


async def test_an_entry_of_a_newer_version_is_not_loaded(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    newer = MockConfigEntry(domain=DOMAIN, data=dict(mock_config_entry.data), version=2)
    newer.add_to_hass(hass)
    await hass.config_entries.async_setup(newer.entry_id)
    assert newer.state is ConfigEntryState.MIGRATION_ERROR


async def test_a_refused_login_stops_every_call_until_reauthenticated(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """One refusal, then nothing reaches the gateway: refreshes, actions, catch-ups.

    The refusal costs two failed logins: the attempt sent up front (from the cached challenge),
    then the one built from the fresh challenge its 401 carried.
    """
    simulator.state.faults.lockout_after = 5
    simulator.auth.password = "changed-on-the-gateway"
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.auth.failed_logins == 2
    seen = sum(simulator.state.requests.values()) + simulator.state.challenges
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_sms",
            {"config_entry_id": init_integration.entry_id, "number": "10086", "message": "hi"},
            blocking=True,
        )
    assert err.value.translation_key == "auth_failed"
    await init_integration.runtime_data.inbox.async_catch_up()
    for minutes in range(1, 6):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=minutes))
        await hass.async_block_till_done(wait_background_tasks=True)
    assert sum(simulator.state.requests.values()) + simulator.state.challenges == seen
    assert simulator.auth.failed_logins == 2
    assert not simulator.auth.blocked("127.0.0.1")
    flows = hass.config_entries.flow.async_progress()
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_a_restarted_gateway_keeps_its_password(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """Back from a restart with a new nonce and opaque, it is polled as before: no reauth."""
    simulator.state.faults.lockout_after = 5
    for _ in range(3):
        await simulator.reboot(0.01)
        await refresh(hass)
        assert hass.states.get(PORT_1_SIGNAL).state != STATE_UNAVAILABLE
    await refresh(hass)
    assert hass.states.get(PORT_1_SIGNAL).state != STATE_UNAVAILABLE
    assert not hass.config_entries.flow.async_progress()
    assert init_integration.state is ConfigEntryState.LOADED
    assert not simulator.auth.blocked("127.0.0.1")


async def test_gateway_lost_and_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert hass.states.get(PORT_1_SIGNAL).state != STATE_UNAVAILABLE
    simulator.state.offline = True
    await refresh(hass)
    assert hass.states.get(PORT_1_SIGNAL).state == STATE_UNAVAILABLE
    await refresh(hass)
    simulator.state.offline = False
    await refresh(hass)
    assert hass.states.get(PORT_1_SIGNAL).state != STATE_UNAVAILABLE
    lost = [r for r in caplog.records if "Error fetching dinstar data" in r.message]
    back = [r for r in caplog.records if "Fetching dinstar data recovered" in r.message]
    assert (len(lost), len(back)) == (1, 1)


async def test_sim_pulled_and_plugged_at_run_time(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A port is hardware: its device and entities stay, what needs a SIM becomes unknown."""
    entry = init_integration
    sim = simulator.state.ports[1].sim
    simulator.state.ports[1].sim = None
    simulator.state.ports[1].reg = "NO_SIM"
    await refresh(hass)
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{SERIAL}-port-1"), entry.entry_id
    )
    assert hass.states.get(PORT_1_REGISTRATION).state == "no_sim"
    for unknown in (PORT_1_SIGNAL, PORT_1_NETWORK, PORT_1_CREDIT, PORT_1_NUMBER):
        assert hass.states.get(unknown).state == STATE_UNKNOWN, unknown
    # ... and after a restart.
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(PORT_1_REGISTRATION).state == "no_sim"

    simulator.state.ports[1].sim = sim
    simulator.state.ports[1].reg = "REGISTER_OK"
    simulator.state.ports[3].sim = simulator.state.make_sim()
    simulator.state.ports[3].reg = "REGISTER_OK"
    await refresh(hass)
    assert int(hass.states.get(PORT_1_SIGNAL).state) < 0
    assert hass.states.get(PORT_1_NUMBER).state == sim.number
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{SERIAL}-port-3"), entry.entry_id
    )
    assert hass.states.get(f"{PORT_PREFIX}_3_registration").state == "register_ok"


async def test_powered_off_port_keeps_its_switch(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A module powered off may stop reading its SIM: the port stays, to be powered on again."""
    port = simulator.state.ports[1]
    sim = port.sim
    port.powered, port.reg, port.sim = False, "POWER_OFF", None
    await refresh(hass)
    assert device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{SERIAL}-port-1"), init_integration.entry_id
    )
    assert hass.states.get(PORT_1_POWER).state == STATE_OFF
    # ... and after a restart.
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(PORT_1_POWER).state == STATE_OFF

    port.sim = sim  # the SIM never left; the module reads it again once powered
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: PORT_1_POWER}, blocking=True
    )
    await refresh(hass)
    assert hass.states.get(PORT_1_POWER).state == STATE_ON

    # Pulled while off, then powered on: the gateway says there is no SIM, the port stays.
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: PORT_1_POWER}, blocking=True
    )
    port.sim = None
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: PORT_1_POWER}, blocking=True
    )
    await refresh(hass)
    assert port.reg == "NO_SIM"
    assert hass.states.get(PORT_1_POWER).state == STATE_ON
    assert hass.states.get(PORT_1_REGISTRATION).state == "no_sim"


async def test_ports_left_out_of_the_options_removed_at_setup(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A port device stays without a SIM, but not once the user's choice leaves it out."""
    mock_config_entry.add_to_hass(hass)
    kept, dropped = (
        device_registry.async_get_or_create(
            config_entry_id=mock_config_entry.entry_id,
            identifiers={(DOMAIN, f"{SERIAL}-port-{port}")},
        )
        for port in (7, 1)
    )
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_PORTS: ["0", "7"]})
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert device_registry.async_get(kept.id) is not None
    assert device_registry.async_get(dropped.id) is None


async def test_repairs_default_password_and_silent_push(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    issue_registry: ir.IssueRegistry,
) -> None:
    simulator.auth.password = "admin"
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(
        mock_config_entry, data={**mock_config_entry.data, CONF_PASSWORD: "admin"}
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, f"default_password_{mock_config_entry.entry_id}")
    no_push = f"no_push_{mock_config_entry.entry_id}"
    assert issue_registry.async_get_issue(DOMAIN, no_push) is None
    mock_config_entry.runtime_data.messaging.audit.watching_since -= timedelta(days=1, minutes=1)
    await refresh(hass)
    issue = issue_registry.async_get_issue(DOMAIN, no_push)
    assert issue is not None
    assert "/api/webhook/" in issue.translation_placeholders["url"]
    async_raise_inbox_renumbered(hass, mock_config_entry)
    # Deleting the gateway takes its issues with it.
    await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert not [i for i in issue_registry.issues.values() if i.domain == DOMAIN]
