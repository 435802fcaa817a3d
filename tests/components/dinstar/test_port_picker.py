"""One port picker in every form, and actions' port numbers checked against the gateway."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.const import CONF_PORTS, DOMAIN
from custom_components.dinstar.devices import port_identifier
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL

GATEWAY = f"Dinstar {SERIAL}"


def picker(result: dict[str, Any], field: str) -> dict[str, Any]:
    """The selector config of a form's ``field``."""
    config: dict[str, Any] = result["data_schema"].schema[field].config
    return config


def labels(result: dict[str, Any], field: str) -> dict[str, str]:
    return {option["value"]: option["label"] for option in picker(result, field)["options"]}


async def test_every_form_offers_the_same_labelled_ports(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Options, balance check and contact: each port by its device name and registration.

    The words are the Registration sensor's; a port without a SIM says so; a device the user
    renamed keeps its name and gains the port's number; a registration the integration does
    not know is said to be unknown.
    """
    entry = init_integration
    simulator.state.ports[4].reg = "PIN_REQUIRE"
    simulator.state.ports[5].reg = "SOMETHING_NEW"
    await entry.runtime_data.coordinator.async_refresh()
    device = device_registry.async_get_device_by_identifier(
        port_identifier(SERIAL, 2), entry.entry_id
    )
    assert device is not None
    device_registry.async_update_device(device.id, name_by_user="Vodafone SIM")

    options = await hass.config_entries.options.async_init(entry.entry_id)
    balance = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "balance"), context={"source": SOURCE_USER}
    )
    contact = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "contact"), context={"source": SOURCE_USER}
    )

    assert labels(options, CONF_PORTS) == {
        "0": f"{GATEWAY} port 0: Registered",
        "1": f"{GATEWAY} port 1: Registered",
        "2": "Vodafone SIM (port 2): Registered",
        "3": f"{GATEWAY} port 3: No SIM",
        "4": f"{GATEWAY} port 4: PIN required",
        "5": f"{GATEWAY} port 5: Registration unknown",
        "6": f"{GATEWAY} port 6: Registered",
        "7": f"{GATEWAY} port 7: No SIM",
    }
    assert labels(balance, "ports") == labels(options, CONF_PORTS)
    assert labels(contact, "port") == labels(options, CONF_PORTS)
    # Several ports are ticked in a list; a contact's one port is chosen from a menu.
    assert (picker(options, CONF_PORTS)["multiple"], picker(options, CONF_PORTS)["mode"]) == (
        True,
        "list",
    )
    assert picker(balance, "ports")["multiple"] is True
    assert (picker(contact, "port")["multiple"], picker(contact, "port")["mode"]) == (
        False,
        "dropdown",
    )


# Each action with a port, with what else it needs to get as far as sending.
PORT_ACTIONS: list[tuple[str, dict[str, Any]]] = [
    ("send_sms", {"number": "10086", "message": "hi"}),
    ("send_ussd", {"code": "*100#"}),
    ("cancel_ussd", {}),
    ("stk_get_view", {}),
    ("stk_select", {"item": 1}),
    ("set_port", {"action": "reset"}),
    ("set_call_forwarding", {"condition": "Busy", "number": "10086"}),
    ("get_call_forwarding", {}),
    ("get_call_records", {}),
    ("get_sms_results", {}),
    ("get_delivery_reports", {}),
    ("configure_mms", {"apn": "mms", "mmsc": "http://mmsc.example"}),
    ("send_mms", {"number": "10086", "file": "/tmp/picture.jpg"}),  # noqa: S108 - never read
    ("set_socks5_proxy", {"enabled": True}),
]


@pytest.mark.parametrize(("action", "data"), PORT_ACTIONS)
@pytest.mark.parametrize("port", [9, 40])
async def test_a_port_the_gateway_lacks_is_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    action: str,
    data: dict[str, Any],
    port: int,
) -> None:
    """The error names the field, the value and the gateway's ports; nothing is asked."""
    asked = dict(simulator.state.requests)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            action,
            {"config_entry_id": init_integration.entry_id, "port": port, **data},
            blocking=True,
            return_response=hass.services.supports_response(DOMAIN, action)
            is not SupportsResponse.NONE,
        )
    assert err.value.translation_key == "invalid_port"
    assert err.value.translation_placeholders == {
        "field": "port",
        "value": str(port),
        "ports": "0-7",
    }
    assert str(err.value) == (f"The port {port} is not a port of this gateway, whose ports are 0-7")
    assert simulator.state.requests == asked


async def test_a_balance_check_without_ports_is_refused(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """No port is ticked for the user (a required field would be); none chosen is an error."""
    result = await hass.config_entries.subentries.async_init(
        (init_integration.entry_id, "balance"), context={"source": SOURCE_USER}
    )
    ports = next(key for key in result["data_schema"].schema if key == "ports")
    assert not isinstance(ports, vol.Required)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"code": "*100#", "interval": 24, "currency": "EUR", "reply_wait": 10}
    )
    assert result["errors"] == {"ports": "no_ports"}
