"""A contact allowed to talk to Assist afterwards, through its subentry's Reconfigure."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_RECONFIGURE
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from dinstar_dev.gateway_simulator import Simulator

from .conftest import BOB, KITCHEN, PIN, Receive, replies_to


async def test_ticking_assist_later_lets_the_contact_talk(
    hass: HomeAssistant,
    sms_in: Receive,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Bob, added without Assist, is answered once the box is ticked: no deleting, no re-adding."""
    await sms_in(BOB, f"{PIN} turn on the kitchen light")
    assert replies_to(simulator, BOB) == []
    bob = next(s for s in init_with_subentries.subentries.values() if s.unique_id == BOB)
    result = await hass.config_entries.subentries.async_init(
        (init_with_subentries.entry_id, "contact"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": bob.subentry_id},
    )
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "reconfigure")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Bob", "number": BOB, "assist": True}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()

    await sms_in(BOB, f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"
    assert len(replies_to(simulator, BOB)) == 1
