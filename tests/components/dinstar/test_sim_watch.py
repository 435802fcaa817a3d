"""SIM health against the simulator: each port's problem sensor and the gateway's repair issue."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator

PROBLEM = "binary_sensor.dinstar_da00_0030_1901_2817_port_{}_sim_problem"


async def refresh(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


async def test_problems_show_and_clear_themselves(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    issue_registry: ir.IssueRegistry,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A PIN at once, no network only after a while; each ends when its cause does."""
    issue_id = f"sim_problems_{init_integration.entry_id}"
    assert hass.states.get(PROBLEM.format(1)).state == "off"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None

    simulator.state.ports[1].reg = "PIN_REQUIRE"
    simulator.state.ports[2].reg = "UNREGISTER"
    await refresh(hass, init_integration)
    state = hass.states.get(PROBLEM.format(1))
    assert state.state == "on"
    assert state.attributes["problems"] == ["pin_required"]
    # Not registered is normal for a minute or two: not a problem yet.
    assert hass.states.get(PROBLEM.format(2)).state == "off"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue.translation_placeholders == {
        "name": init_integration.title,
        "not_registered": "-",
        "pin_required": "1",
        "puk_required": "-",
        "low_balance": "-",
        "weak_signal": "-",
    }

    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await refresh(hass, init_integration)
    assert hass.states.get(PROBLEM.format(2)).attributes["problems"] == ["not_registered"]
    assert (
        issue_registry.async_get_issue(DOMAIN, issue_id).translation_placeholders["not_registered"]
        == "2"
    )

    # Fixed, but a failed refresh is no reading: the problems stay until the gateway says so.
    simulator.state.ports[1].reg = simulator.state.ports[2].reg = "REGISTER_OK"
    simulator.state.faults.error_500 = True
    await refresh(hass, init_integration)
    assert init_integration.runtime_data.sim_watch.problems(1) == {"pin_required"}
    simulator.state.faults.error_500 = False
    await refresh(hass, init_integration)
    assert hass.states.get(PROBLEM.format(1)).state == "off"
    assert hass.states.get(PROBLEM.format(2)).state == "off"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
