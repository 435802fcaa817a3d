"""Every platform's entities and states (snapshots), and the actions of switch, button, select."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_platform, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

PLATFORMS = [
    Platform.SENSOR,
    Platform.BINARY_SENSOR,
    Platform.SWITCH,
    Platform.BUTTON,
    Platform.EVENT,
]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platform", PLATFORMS)
async def test_platform_entities(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    platform: Platform,
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("custom_components.dinstar.PLATFORMS", [platform])
        mock_config_entry.add_to_hass(hass)
        await hass.config_entries.async_setup(mock_config_entry.entry_id)
        await hass.async_block_till_done()
    await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)


async def test_no_slot_select_on_a_single_sim_gateway(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The select platform is set up for the entry, and finds nothing to select."""
    platforms = entity_platform.async_get_platforms(hass, DOMAIN)
    assert SELECT_DOMAIN in {platform.domain for platform in platforms}
    assert hass.states.async_entity_ids(SELECT_DOMAIN) == []


async def test_power_switch(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    entity_id = "switch.dinstar_da00_0030_1901_2817_port_1_module_power"
    assert hass.states.get(entity_id).state == STATE_ON
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_OFF, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert simulator.state.ports[1].powered is False
    assert hass.states.get(entity_id).state == STATE_OFF
    assert (
        hass.states.get("sensor.dinstar_da00_0030_1901_2817_port_1_registration").state
        == "power_off"
    )
    await hass.services.async_call(
        SWITCH_DOMAIN, SERVICE_TURN_ON, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )
    assert simulator.state.ports[1].powered is True
    # The second refresh request within the coordinator's cool-down comes a moment later.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(entity_id).state == STATE_ON


async def test_reset_button(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    served = simulator.state.requests["/api/set_port_info"]
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: "button.dinstar_da00_0030_1901_2817_port_2_reset_module"},
        blocking=True,
    )
    assert simulator.state.requests["/api/set_port_info"] == served + 1


async def test_action_failure_is_a_translated_error(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.state.faults.error_500 = True
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            BUTTON_DOMAIN,
            SERVICE_PRESS,
            {ATTR_ENTITY_ID: "button.dinstar_da00_0030_1901_2817_port_2_reset_module"},
            blocking=True,
        )
    assert err.value.translation_key == "cannot_connect"
    assert err.value.translation_placeholders == {"action": "module_reset"}


class TestMultiSim:
    """A multi-SIM gateway gets a slot select per port."""

    @pytest.fixture
    def simulator_config(self, simulator_config: SimulatorConfig) -> SimulatorConfig:
        return dataclasses.replace(simulator_config, multi_sim=True)

    async def test_select_entities(
        self,
        hass: HomeAssistant,
        mock_config_entry: MockConfigEntry,
        entity_registry: er.EntityRegistry,
        snapshot: SnapshotAssertion,
    ) -> None:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("custom_components.dinstar.PLATFORMS", [Platform.SELECT])
            mock_config_entry.add_to_hass(hass)
            await hass.config_entries.async_setup(mock_config_entry.entry_id)
            await hass.async_block_till_done()
        await snapshot_platform(hass, entity_registry, snapshot, mock_config_entry.entry_id)
        assert len(hass.states.async_entity_ids(SELECT_DOMAIN)) == 6

    async def test_select_slot(
        self, hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
    ) -> None:
        await hass.services.async_call(
            SELECT_DOMAIN,
            SERVICE_SELECT_OPTION,
            {
                ATTR_ENTITY_ID: "select.dinstar_da00_0030_1901_2817_port_0_sim_slot",
                ATTR_OPTION: "2",
            },
            blocking=True,
        )
        assert simulator.state.ports[0].slot == 2
        assert hass.states.get("select.dinstar_da00_0030_1901_2817_port_0_sim_slot").state == "2"
