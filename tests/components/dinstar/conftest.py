"""Fixtures of the integration's tests: config entries on the simulated gateway, snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType
from typing import Any
from unittest.mock import PropertyMock, patch

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv, device_registry as dr
import probatio
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

# Imported before the harness's ``hass`` fixture so this package, not the harness's own
# ``custom_components``, is the one Home Assistant finds.
import custom_components.dinstar  # noqa: F401
from custom_components.dinstar.aiodinstar import AuthScheme
from custom_components.dinstar.config_flow import DinstarConfigFlow
from custom_components.dinstar.const import (
    CONF_AUTH_SCHEME,
    CONF_CERTIFICATE,
    CONF_USE_HTTPS,
    DOMAIN,
    CertificateMode,
)
from dinstar_dev.gateway_simulator import Simulator
from tests.conftest import PASSWORD, SERIAL, USERNAME

WEBHOOK_ID = "dinstar-test-webhook"


def port_device(
    device_registry: dr.DeviceRegistry, entry: MockConfigEntry, port: int
) -> dr.DeviceEntry | None:
    """The device of the entry's port ``port``, if it has one."""
    return device_registry.async_get_device_by_identifier(
        (DOMAIN, f"{SERIAL}-port-{port}"), entry.entry_id
    )


def suggested_values(result: Any) -> dict[str, Any]:
    """The values a flow's form shows filled in, by field."""
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


def form_fields(result: Any) -> dict[str, Any]:
    """A flow's form as the frontend receives it: each field's serialized schema, by name."""
    return {
        field["name"]: {key: value for key, value in field.items() if key != "name"}
        for field in probatio.to_field_list(
            result["data_schema"], custom_serializer=cv.custom_serializer
        )
    }


@pytest.fixture(autouse=True)
def no_deprecated_calls(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Home Assistant warns of calls that will stop working: each one fails the test."""
    yield
    detected = [
        record.getMessage()
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
        if "Detected that custom integration 'dinstar'" in record.getMessage()
    ]
    assert not detected, detected


@pytest.fixture
def mock_config_entry(simulator: Simulator, enable_custom_integrations: None) -> MockConfigEntry:
    """A config entry for the running simulator, as the config flow makes it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Dinstar {SERIAL}",
        unique_id=SERIAL,
        version=DinstarConfigFlow.VERSION,
        minor_version=DinstarConfigFlow.MINOR_VERSION,
        data={
            CONF_AUTH_SCHEME: AuthScheme.DIGEST,
            CONF_HOST: "127.0.0.1",
            CONF_PORT: simulator.port,
            CONF_USE_HTTPS: False,
            CONF_CERTIFICATE: CertificateMode.NO_VERIFY,
            CONF_USERNAME: USERNAME,
            CONF_PASSWORD: PASSWORD,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
    )


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The integration set up against the simulator."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create entities that are disabled by default as enabled, for snapshots."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializer (stable ids, no timestamps)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def subentries() -> list[tuple[str, dict[str, Any]]]:
    """Subentries (type, data) the entry has before it is set up; tests override it."""
    return []


@pytest.fixture
async def init_with_subentries(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    subentries: list[tuple[str, dict[str, Any]]],
) -> MockConfigEntry:
    """The integration set up against the simulator with the ``subentries`` fixture's."""
    mock_config_entry.add_to_hass(hass)
    for subentry_type, data in subentries:
        hass.config_entries.async_add_subentry(
            mock_config_entry,
            ConfigSubentry(
                data=MappingProxyType(data),
                subentry_type=subentry_type,
                title=subentry_type,
                unique_id=data.get("number"),
            ),
        )
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry
