"""What a user sees of ports: deleting a port's device, its last SMS and USSD reply, names."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.components.logbook.const import LOGBOOK_ENTRY_NAME
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant, State
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    mock_restore_cache,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.dinstar.const import CONF_PORTS, CONF_PRIVATE_SMS, CONF_REMOVED_PORTS, DOMAIN
from custom_components.dinstar.logbook import async_describe_events
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, port_device
from .pushes import push

PREFIX = "sensor.dinstar_da00_0030_1901_2817_port"
LAST_SMS = f"{PREFIX}_1_last_sms"
LAST_USSD = f"{PREFIX}_2_last_ussd_reply"


async def refresh(hass: HomeAssistant) -> None:
    """Let the coordinator poll once (its interval is 30 s)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done(wait_background_tasks=True)


async def remove_device(
    hass: HomeAssistant, ws: WebSocketGenerator, entry_id: str, device_id: str
) -> bool:
    """Delete a device from its page (the frontend's call); whether it went."""
    assert await async_setup_component(hass, "config", {})
    socket = await ws(hass)
    await socket.send_json_auto_id(
        {
            "type": "config/device_registry/remove_config_entry",
            "config_entry_id": entry_id,
            "device_id": device_id,
        }
    )
    return bool((await socket.receive_json())["success"])


async def test_deleted_port_stays_away_until_chosen_again(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    entry = init_integration
    gateway = device_registry.async_get_device_by_identifier((DOMAIN, SERIAL), entry.entry_id)
    assert gateway is not None
    assert not await remove_device(hass, hass_ws_client, entry.entry_id, gateway.id)

    device = port_device(device_registry, entry, 1)
    assert device is not None
    assert await remove_device(hass, hass_ws_client, entry.entry_id, device.id)
    await hass.async_block_till_done()
    assert port_device(device_registry, entry, 1) is None
    assert entry.options[CONF_REMOVED_PORTS] == [1]
    await refresh(hass)
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert port_device(device_registry, entry, 1) is None
    assert hass.states.get(f"{PREFIX}_1_registration") is None

    # The options offer it again, saying what it holds; choosing it brings it back.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    ports = next(key for key in result["data_schema"].schema if key.schema == CONF_PORTS)
    labels = {o["value"]: o["label"] for o in result["data_schema"].schema[ports].config["options"]}
    assert labels["1"] == "Dinstar da00-0030-1901-2817 port 1: Registered"
    assert labels["7"] == "Dinstar da00-0030-1901-2817 port 7: No SIM"
    assert "1" not in ports.default()
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_PORTS: [*ports.default(), "1"]}
    )
    await hass.async_block_till_done()
    assert CONF_REMOVED_PORTS not in entry.options
    assert port_device(device_registry, entry, 1) is not None
    assert hass.states.get(f"{PREFIX}_1_registration").state == "register_ok"


async def test_deleting_a_chosen_port_narrows_the_choice(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    hass_ws_client: WebSocketGenerator,
) -> None:
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_PORTS: ["0", "1"]})
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    for port, left in ((1, {CONF_PORTS: ["0"]}), (0, {CONF_REMOVED_PORTS: [0]})):
        device = port_device(device_registry, mock_config_entry, port)
        assert device is not None
        assert await remove_device(hass, hass_ws_client, mock_config_entry.entry_id, device.id)
        assert dict(mock_config_entry.options) == left


async def test_last_sms_and_ussd_reply(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """The message is on the port's card: start as state, the whole text as attributes."""
    assert hass.states.get(LAST_SMS).state == STATE_UNKNOWN
    long_text = "Your code is 4711. " * 20
    # On the gateway (its push goes nowhere), then pushed as the gateway would.
    sms_id = simulator.receive_sms(1, "+4930123456", long_text)
    simulator.state.ports[2].ussd_reply = "Balance 5 EUR"
    await push(
        hass,
        hass_client_no_auth,
        sms=[{"incoming_sms_id": sms_id, "port": 1, "number": "+4930123456", "text": long_text}],
        ussd=[{"port": 2, "text": "Balance 5 EUR"}],
    )
    sms = hass.states.get(LAST_SMS)
    assert sms.state == f"+4930123456: {long_text}"[:255]
    assert sms.attributes["text"] == long_text
    assert sms.attributes["sender"] == "+4930123456"
    assert sms.attributes["received_at"]
    assert hass.states.get(f"{PREFIX}_2_last_sms").state == STATE_UNKNOWN
    ussd = hass.states.get(LAST_USSD)
    assert (ussd.state, ussd.attributes["text"]) == ("Balance 5 EUR", "Balance 5 EUR")
    # The text is kept out of the recorder.
    entity = hass.data["entity_components"]["sensor"].get_entity(LAST_SMS)
    assert "text" in entity._unrecorded_attributes


async def test_private_option_keeps_the_text_out_of_the_state(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_PRIVATE_SMS: True})
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    sms_id = simulator.receive_sms(1, "+4930123456", "secret")
    await push(
        hass,
        hass_client_no_auth,
        sms=[{"incoming_sms_id": sms_id, "port": 1, "number": "+4930123456", "text": "secret"}],
    )
    sms = hass.states.get(LAST_SMS)
    assert (sms.state, sms.attributes["text"]) == ("+4930123456", "secret")


async def test_last_sms_restored_after_a_restart(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_restore_cache(
        hass,
        [
            State(
                LAST_SMS,
                "+49301: hello",
                {"text": "hello", "sender": "+49301", "received_at": "2026-01-01T00:00:00+00:00"},
            ),
            State(LAST_USSD, STATE_UNKNOWN),
        ],
    )
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    sms = hass.states.get(LAST_SMS)
    assert (sms.state, sms.attributes["text"], sms.attributes["sender"]) == (
        "+49301: hello",
        "hello",
        "+49301",
    )
    assert hass.states.get(LAST_USSD).state == STATE_UNKNOWN


async def test_two_gateways_have_distinct_names(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Ports are named after their gateway; the logbook names the gateway, not a fixed word."""
    device = port_device(device_registry, init_integration, 1)
    assert device is not None
    assert device.name == "Dinstar da00-0030-1901-2817 port 1"

    described: dict[str, object] = {}
    async_describe_events(
        hass, lambda _domain, kind, describe: described.__setitem__(kind, describe)
    )
    line = described["dinstar_sms_sent"](  # type: ignore[operator]
        Event(
            "dinstar_sms_sent",
            {"config_entry_id": init_integration.entry_id, "port": 1, "number": "+49"},
        )
    )
    assert line[LOGBOOK_ENTRY_NAME] == init_integration.title


async def test_entity_ids_of_a_named_gateway(
    hass: HomeAssistant, simulator: Simulator, mock_config_entry: MockConfigEntry
) -> None:
    """A gateway named in the flow names its ports' devices and entity ids."""
    named = MockConfigEntry(
        domain=DOMAIN, title="Office", unique_id=SERIAL, data=dict(mock_config_entry.data)
    )
    named.add_to_hass(hass)
    await hass.config_entries.async_setup(named.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get("sensor.office_port_1_registration").state == "register_ok"
    assert hass.states.get("sensor.office_port_1_registration").name == "Office port 1 Registration"
