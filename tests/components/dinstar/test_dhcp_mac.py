"""DHCP seeing a gateway that was added by hand: the entry learns its MAC from it."""

from __future__ import annotations

from homeassistant.config_entries import SOURCE_DHCP
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.const import CONF_MAC, DOMAIN
from tests.conftest import SERIAL

MAC = "f8:a0:3d:48:e5:19"


async def discovered(hass: HomeAssistant, ip: str) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_DHCP},
        data=DhcpServiceInfo(ip=ip, hostname="dinstar", macaddress=MAC.replace(":", "")),
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")
    await hass.async_block_till_done()


# The entry reloads towards the new address, which the socket guard refuses.
@pytest.mark.filterwarnings("ignore:A test tried to use socket")
async def test_dhcp_at_the_entrys_host_teaches_its_mac(
    hass: HomeAssistant, init_integration: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    """Matched by host, the MAC is stored and put on the device; later moves follow it."""
    assert CONF_MAC not in init_integration.data
    await discovered(hass, "127.0.0.1")
    assert init_integration.data[CONF_MAC] == MAC
    device = device_registry.async_get_device_by_identifier(
        (DOMAIN, SERIAL), init_integration.entry_id
    )
    assert device is not None
    assert (dr.CONNECTION_NETWORK_MAC, MAC) in device.connections
    # Known by its MAC now: seen at another address, the entry moves there.
    await discovered(hass, "192.0.2.7")
    assert init_integration.data["host"] == "192.0.2.7"
