"""Client errors become the same translated errors in actions and entity commands."""

from __future__ import annotations

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.update_coordinator import UpdateFailed
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.aiodinstar import (
    DinstarCertificateError,
    DinstarConnectionError,
    DinstarError,
    DinstarNotFoundError,
    DinstarResponseError,
)
from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.errors import update_failed
from dinstar_dev.gateway_simulator import Simulator

RESET_BUTTON = "button.dinstar_da00_0030_1901_2817_port_2_reset_module"


def reauth_flows(hass: HomeAssistant, entry: MockConfigEntry) -> list[str]:
    return [
        flow["flow_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
        and flow["context"]["entry_id"] == entry.entry_id
    ]


async def test_refused_login_on_a_press_starts_reauthentication(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.auth.password = "changed-on-the-gateway"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: RESET_BUTTON}, blocking=True
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert (err.value.translation_key, err.value.translation_placeholders) == (
        "auth_failed",
        {"action": "module_reset"},
    )
    await hass.async_block_till_done()
    assert len(reauth_flows(hass, init_integration)) == 1


async def test_refused_login_in_an_action_starts_reauthentication(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.auth.password = "changed-on-the-gateway"
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "get_call_forwarding",
            {"config_entry_id": init_integration.entry_id, "port": 1},
            blocking=True,
            return_response=True,
        )
    assert (err.value.translation_key, err.value.translation_placeholders) == (
        "auth_failed",
        {"action": "get_call_forwarding"},
    )
    await hass.async_block_till_done()
    assert len(reauth_flows(hass, init_integration)) == 1


async def test_refused_request_names_the_gateway_code(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Port 3 has no registered SIM: the gateway refuses a data proxy on it with 503."""
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "set_socks5_proxy",
            {"config_entry_id": init_integration.entry_id, "port": 3, "enabled": True},
            blocking=True,
            return_response=True,
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert (err.value.translation_key, err.value.translation_placeholders) == (
        "request_refused",
        {"action": "set_socks5_proxy", "code": "503"},
    )


async def test_unreachable_gateway_is_not_the_input(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.state.go_offline(None)
    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            "switch",
            "turn_off",
            {ATTR_ENTITY_ID: "switch.dinstar_da00_0030_1901_2817_port_1_module_power"},
            blocking=True,
        )
    assert not isinstance(err.value, ServiceValidationError)
    assert (err.value.translation_key, err.value.translation_placeholders) == (
        "cannot_connect",
        {"action": "module_power"},
    )
    assert reauth_flows(hass, init_integration) == []


async def test_a_failed_refresh_carries_no_client_text(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The client says "cannot reach host:port: ..." in English; the refresh says only the kind."""
    coordinator = init_integration.runtime_data.coordinator
    simulator.state.offline = True
    await coordinator.async_refresh()
    err = coordinator.last_exception
    assert isinstance(err, UpdateFailed)
    assert (err.translation_key, err.translation_placeholders) == ("update_cannot_connect", {})


@pytest.mark.parametrize(
    ("error", "key", "placeholders"),
    [
        (DinstarCertificateError("fingerprint ab:cd"), "certificate_changed", {}),
        (DinstarConnectionError("get_status: timed out"), "update_cannot_connect", {}),
        (
            DinstarNotFoundError("get_port_info", 404, "no such port"),
            "update_refused",
            {"code": "404"},
        ),
        (DinstarResponseError("get_status: expected an object"), "update_invalid_response", {}),
    ],
)
def test_refresh_errors_by_kind(
    error: DinstarError, key: str, placeholders: dict[str, str]
) -> None:
    failed = update_failed(error)
    assert (failed.translation_key, failed.translation_placeholders) == (key, placeholders)
