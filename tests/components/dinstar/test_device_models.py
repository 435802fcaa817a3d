"""What the device pages say a gateway and its ports are: what the API tells, no more."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.devices import port_identifier
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL


async def test_port_models_name_the_module(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """A port is its module's radio (the port information's type); the gateway its port count."""
    simulator.state.ports[4].type = "NR"  # a type this integration does not know
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()

    def model(identifier: tuple[str, str]) -> str | None:
        device = device_registry.async_get_device_by_identifier(
            identifier, mock_config_entry.entry_id
        )
        assert device is not None
        return device.model

    assert model((DOMAIN, SERIAL)) == "8-port SMS gateway"
    # The simulator's modules are GSM, WCDMA, LTE, GSM, ... by port.
    assert model(port_identifier(SERIAL, 0)) == "GSM SIM port"
    assert model(port_identifier(SERIAL, 1)) == "WCDMA SIM port"
    assert model(port_identifier(SERIAL, 2)) == "LTE SIM port"
    assert model(port_identifier(SERIAL, 4)) == "SIM port"
