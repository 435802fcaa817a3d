"""Changing a contact in place (its subentry's Reconfigure), and what the contact form says."""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

from homeassistant.components.notify import (
    ATTR_MESSAGE,
    DOMAIN as NOTIFY_DOMAIN,
    SERVICE_SEND_MESSAGE,
)
from homeassistant.config_entries import SOURCE_RECONFIGURE, SOURCE_USER, ConfigSubentry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

import custom_components.dinstar as integration
from dinstar_dev.gateway_simulator import Simulator

from .conftest import form_fields, suggested_values

ADA = "+4917612345678"
BOB = "+4917600000001"
ENTITY = "notify.ada_sms"


@pytest.fixture
async def entry(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> MockConfigEntry:
    """The gateway with two contacts, as the Add contact form saves them: Ada (port 2), Bob."""
    mock_config_entry.add_to_hass(hass)
    for data in ({"name": "Ada", "number": ADA, "port": 2}, {"name": "Bob", "number": BOB}):
        hass.config_entries.async_add_subentry(
            mock_config_entry,
            ConfigSubentry(
                data=MappingProxyType(data),
                subentry_type="contact",
                title=data["name"],
                unique_id=data["number"],
            ),
        )
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


def contact_id(entry: MockConfigEntry, number: str) -> str:
    return next(s.subentry_id for s in entry.subentries.values() if s.unique_id == number)


async def reconfigure(hass: HomeAssistant, entry: MockConfigEntry, number: str) -> dict[str, Any]:
    """Open the contact's Reconfigure form; it shows what is stored."""
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "contact"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": contact_id(entry, number)},
    )
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "reconfigure")
    return result


async def send_to_ada(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        NOTIFY_DOMAIN,
        SERVICE_SEND_MESSAGE,
        {ATTR_ENTITY_ID: ENTITY, ATTR_MESSAGE: "Water leak"},
        blocking=True,
    )


async def test_change_number_port_and_name(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    simulator: Simulator,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The notify entity keeps its id and sends to the new number, from the new port.

    The gateway runs on: only the contact's entity and device change.
    """
    runtime = entry.runtime_data
    subentry_id = contact_id(entry, ADA)
    result = await reconfigure(hass, entry, ADA)
    assert suggested_values(result) == {"name": "Ada", "number": ADA, "port": "2"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada L.", "number": "+49 176 9999-1111", "port": "5"}
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reconfigure_successful")
    await hass.async_block_till_done()

    subentry = entry.subentries[subentry_id]
    assert (subentry.title, subentry.unique_id) == ("Ada L.", "+4917699991111")
    assert subentry.data == {"name": "Ada L.", "number": "+4917699991111", "port": 5}
    registered = entity_registry.async_get(ENTITY)
    assert registered is not None
    device = device_registry.async_get(registered.device_id or "")
    assert device is not None
    assert device.name == "Ada L."
    assert hass.states.get(ENTITY).name == "Ada L. SMS"
    await send_to_ada(hass)
    (sent,) = simulator.state.sent_messages
    assert (sent.number, sent.port) == ("+4917699991111", 5)
    assert entry.runtime_data is runtime  # not reloaded


async def test_tick_assist_without_a_reload(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Assist reads the choice at each SMS: ticking it leaves the gateway running as it is."""
    runtime = entry.runtime_data
    result = await reconfigure(hass, entry, BOB)
    assert suggested_values(result) == {"name": "Bob", "number": BOB}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Bob", "number": BOB, "assist": True}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.subentries[contact_id(entry, BOB)].data["assist"] is True
    assert entry.runtime_data is runtime  # not reloaded


async def test_errors_recover(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """A number that is none: said by its field, fixed in the same form (the port cleared)."""
    result = await reconfigure(hass, entry, ADA)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada", "number": "12ab", "port": "3"}
    )
    assert result["errors"] == {"number": "invalid_number"}
    assert suggested_values(result)["number"] == "12ab"  # what was typed stays in the form
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada", "number": ADA}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[contact_id(entry, ADA)].data == {
        "name": "Ada",
        "number": ADA,
    }


async def test_another_contacts_number_is_refused(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Two contacts never share a number, as when adding one."""
    result = await reconfigure(hass, entry, ADA)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada", "number": BOB}
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")
    assert contact_id(entry, ADA)


async def test_the_form_names_the_entity_as_it_is(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The name field's help gives the entity's real name and id, for a contact called Ada."""
    state = hass.states.get(ENTITY)
    assert state is not None
    assert state.name == "Ada SMS"
    strings = json.loads(
        (Path(integration.__file__).parent / "translations" / "en.json").read_text("utf-8")
    )
    steps = strings["config_subentries"]["contact"]["step"]
    for step in ("user", "reconfigure"):
        help_text = steps[step]["data_description"]["name"]
        assert "“Ada SMS”" in help_text
        assert ENTITY in help_text
        assert "SMS to" not in help_text


@pytest.fixture
def garage(hass: HomeAssistant) -> MockConfigEntry:
    """A second gateway, not loaded: still one the contact may fail over to."""
    other = MockConfigEntry(domain="dinstar", title="Garage", unique_id="da00-0030-1901-4242")
    other.add_to_hass(hass)
    return other


async def test_the_form_as_the_frontend_shows_it(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    garage: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    """Its fields, the port picker, and the gateways to fail over to (its own first).

    Each gateway is followed by its ports, labelled as the port picker labels them; the
    garage's gateway is not loaded and has none to offer.
    """
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "contact"), context={"source": SOURCE_USER}
    )
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "user")
    fields = form_fields(result)
    ports = fields["port"]["selector"]["select"]["options"]
    assert len(ports) == 8
    assert fields["pool"]["selector"]["select"]["options"] == [
        {"value": entry.entry_id, "label": entry.title},
        *({"value": f"{entry.entry_id}:{p['value']}", "label": p["label"]} for p in ports),
        {"value": garage.entry_id, "label": "Garage"},
        {"value": "all", "label": "all"},
    ]
    fields["pool"]["selector"]["select"]["options"] = "the gateways"
    assert fields == snapshot


async def test_a_port_is_kept_while_the_gateway_is_away(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """Not loaded, the gateway has no ports to offer: Ada's change keeps hers; Bob has none."""
    await hass.config_entries.async_unload(entry.entry_id)
    result = await reconfigure(hass, entry, ADA)
    assert "port" not in {str(key) for key in result["data_schema"].schema}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada", "number": ADA, "assist": True}
    )
    assert result["reason"] == "reconfigure_successful"
    assert dict(entry.subentries[contact_id(entry, ADA)].data) == {
        "name": "Ada",
        "number": ADA,
        "port": 2,
        "assist": True,
    }
    result = await reconfigure(hass, entry, BOB)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Bob", "number": BOB}
    )
    assert entry.subentries[contact_id(entry, BOB)].data == {"name": "Bob", "number": BOB}


async def test_the_gateways_to_fail_over_to(
    hass: HomeAssistant, entry: MockConfigEntry, garage: MockConfigEntry
) -> None:
    """Saved as chosen, shown again as saved; none chosen saves none; a removed one is left out."""
    result = await reconfigure(hass, entry, ADA)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada", "number": ADA, "pool": [garage.entry_id]}
    )
    assert entry.subentries[contact_id(entry, ADA)].data["pool"] == [garage.entry_id]
    assert suggested_values(await reconfigure(hass, entry, ADA))["pool"] == [garage.entry_id]
    result = await reconfigure(hass, entry, ADA)
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada", "number": ADA, "pool": ["all", garage.entry_id]}
    )
    await hass.config_entries.async_remove(garage.entry_id)
    assert suggested_values(await reconfigure(hass, entry, ADA))["pool"] == ["all"]
    result = await reconfigure(hass, entry, ADA)
    await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Ada", "number": ADA, "pool": []}
    )
    assert "pool" not in entry.subentries[contact_id(entry, ADA)].data


@pytest.mark.parametrize(("saved", "suggested"), [("all", ["all"]), ("this_gateway", None)])
async def test_a_pool_saved_as_a_word(
    hass: HomeAssistant, entry: MockConfigEntry, saved: str, suggested: list[str] | None
) -> None:
    """Saved before gateways were listed: the form shows the same choice in today's terms."""
    ada = entry.subentries[contact_id(entry, ADA)]
    hass.config_entries.async_update_subentry(entry, ada, data={**ada.data, "pool": saved})
    assert suggested_values(await reconfigure(hass, entry, ADA))["pool"] == (
        suggested or [entry.entry_id]
    )
