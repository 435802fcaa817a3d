"""Diagnostics: everything personal redacted."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.dinstar.const import CONF_DRP_PASSWORD, CONF_DRP_USERNAME

from .conftest import PASSWORD, SERIAL


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics == snapshot(exclude=props("port"))
    text = str(diagnostics)
    for secret in (PASSWORD, SERIAL, "dinstar-test-webhook"):
        assert secret not in text
    assert diagnostics["ports"][0]["imsi"] == "**REDACTED**"


async def test_diagnostics_hide_the_drp_account(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_integration: MockConfigEntry,
) -> None:
    hass.config_entries.async_update_entry(
        init_integration,
        data={**init_integration.data, CONF_DRP_USERNAME: "drp-user", CONF_DRP_PASSWORD: "drp-pw"},
    )
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics["entry"]["data"][CONF_DRP_PASSWORD] == "**REDACTED**"
    assert "drp-pw" not in str(diagnostics)
    assert "drp-user" not in str(diagnostics)
