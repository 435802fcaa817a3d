"""Contacts (config subentries) as notify entities, sending through the simulator."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from homeassistant.components.notify import (
    ATTR_MESSAGE,
    ATTR_TITLE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.components.notify.legacy import NOTIFY_SERVICES
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigSubentry
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.notify import DISCOVERY_ENTRY_ID, async_get_service
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL


async def add_contact(hass: HomeAssistant, entry: MockConfigEntry, **data: Any) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "contact"), context={"source": SOURCE_USER}
    )
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "user")
    return await hass.config_entries.subentries.async_configure(result["flow_id"], data)


async def test_notify_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("custom_components.dinstar.PLATFORMS", [Platform.NOTIFY])
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_add_subentry(
        mock_config_entry,
        ConfigSubentry(
            data=MappingProxyType({"name": "Ada", "number": "+4917612345678", "port": 2}),
            subentry_id="contact_ada",
            subentry_type="contact",
            title="Ada",
            unique_id="+4917612345678",
        ),
    )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_contact_becomes_a_notify_entity(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    result = await add_contact(
        hass, init_integration, name="Ada", number="+4917612345678", port="2"
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    entity_id = "notify.ada_sms"
    assert hass.states.get(entity_id).state == STATE_UNKNOWN
    entry = entity_registry.async_get(entity_id)
    assert entry is not None
    assert entry.config_subentry_id == next(iter(init_integration.subentries))
    gateway = device_registry.async_get_device_by_identifier(
        (DOMAIN, SERIAL), init_integration.entry_id
    )
    contact = device_registry.async_get(entry.device_id or "")
    assert gateway is not None
    assert contact is not None
    # Its own device, as its subentry is, linked to the gateway it sends through.
    assert (contact.name, contact.via_device_id) == ("Ada", gateway.id)
    assert (gateway.config_subentry_id, contact.config_subentry_id) == (
        None,
        entry.config_subentry_id,
    )
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        SERVICE_SEND_MESSAGE,
        {ATTR_ENTITY_ID: entity_id, ATTR_MESSAGE: "Water leak", ATTR_TITLE: "Basement"},
        blocking=True,
    )
    (sent,) = simulator.state.sent_messages
    assert (sent.number, sent.text, sent.port, sent.encoding) == (
        "+4917612345678",
        "Basement\nWater leak",
        2,
        "gsm-7bit",
    )
    assert hass.states.get(entity_id).state != STATE_UNKNOWN  # the send was recorded
    simulator.state.go_offline(None)
    await init_integration.runtime_data.coordinator.async_refresh()
    assert hass.states.get(entity_id).state == STATE_UNAVAILABLE
    simulator.state.go_online()
    await init_integration.runtime_data.coordinator.async_refresh()
    assert hass.states.get(entity_id).state != STATE_UNAVAILABLE
    # After a restart the contact is still there.
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(entity_id) is not None


async def test_contact_errors_recover(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    result = await add_contact(hass, init_integration, name="Bob", number="12ab", port="1")
    assert result["errors"] == {"number": "invalid_number"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Bob", "number": "10086"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    result = await add_contact(hass, init_integration, name="Bob again", number="100-86")
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")


async def test_contact_number_as_people_write_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    result = await add_contact(hass, init_integration, name="Ada", number=" +49 (30) 123-45.67 ")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["number"] == "+49301234567"
    assert result["unique_id"] == "+49301234567"


async def test_contact_on_an_unloaded_gateway(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """No ports to offer: added without one, and a changed contact keeps the one it has."""
    mock_config_entry.add_to_hass(hass)
    result = await add_contact(hass, mock_config_entry, name="Cy", number="10010")
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (subentry,) = mock_config_entry.subentries.values()
    assert subentry.data == {"name": "Cy", "number": "10010"}
    hass.config_entries.async_update_subentry(
        mock_config_entry, subentry, data={**subentry.data, "port": 5}
    )
    result = await hass.config_entries.subentries.async_init(
        (mock_config_entry.entry_id, "contact"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry.subentry_id},
    )
    assert "port" not in result["data_schema"].schema
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Cy", "number": "10011"}
    )
    assert result["reason"] == "reconfigure_successful"
    assert subentry.data == {"name": "Cy", "number": "10011", "port": 5}


async def test_legacy_notify_service_with_targets(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    await hass.async_block_till_done()
    service = "dinstar_da00_0030_1901_2817"
    assert hass.services.has_service(NOTIFY_DOMAIN, service)
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        service,
        {ATTR_MESSAGE: "Alarm", ATTR_TITLE: "Garage", "target": ["+4917600000001", "10086"]},
        blocking=True,
    )
    assert [(m.number, m.text) for m in simulator.state.sent_messages] == [
        ("+4917600000001", "Garage\nAlarm"),
        ("10086", "Garage\nAlarm"),
    ]
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            NOTIFY_DOMAIN, service, {ATTR_MESSAGE: "Alarm"}, blocking=True
        )
    assert err.value.translation_key == "no_target"
    await hass.services.async_call(
        NOTIFY_DOMAIN, service, {ATTR_MESSAGE: "plain", "target": "10010"}, blocking=True
    )
    assert simulator.state.sent_messages[-1].text == "plain"


async def test_legacy_notify_service_goes_with_its_entry(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Unloaded, the service is gone; reloaded, it is back once, not twice."""
    await hass.async_block_till_done()
    service = "dinstar_da00_0030_1901_2817"
    assert await hass.config_entries.async_unload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert not hass.services.has_service(NOTIFY_DOMAIN, service)
    assert not hass.data[NOTIFY_SERVICES].get(DOMAIN)
    assert await hass.config_entries.async_setup(init_integration.entry_id)
    await hass.async_block_till_done()
    assert hass.services.has_service(NOTIFY_DOMAIN, service)
    assert len(hass.data[NOTIFY_SERVICES][DOMAIN]) == 1


async def test_legacy_service_only_for_a_gateway_being_set_up(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Not from YAML (no discovery), and not for an entry that is not loading or loaded."""
    mock_config_entry.add_to_hass(hass)
    assert await async_get_service(hass, {}, None) is None
    info = {DISCOVERY_ENTRY_ID: mock_config_entry.entry_id}
    assert await async_get_service(hass, {}, info) is None
    assert await async_get_service(hass, {}, {DISCOVERY_ENTRY_ID: "no-such-entry"}) is None
