"""A gateway announcing power off is logged once, and once more when it is back."""

from __future__ import annotations

import logging

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from devtools.gateway_simulator import Simulator
from tests.conftest import SERIAL

from .pushes import push_power

TITLE = f"Dinstar {SERIAL}"


def logged(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    """The integration's lines about this gateway's power, at their level."""
    return [
        (record.levelno, record.getMessage())
        for record in caplog.records
        if record.name == "custom_components.dinstar" and record.getMessage().startswith(TITLE)
    ]


async def test_power_off_and_back_logged_once_each(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Repeated pushes and refreshes while it is off add nothing to the log."""
    caplog.set_level(logging.INFO, logger="custom_components.dinstar")
    coordinator = init_integration.runtime_data.coordinator
    await push_power(hass, hass_client_no_auth, "power_off")
    await push_power(hass, hass_client_no_auth, "power_off")
    await coordinator.async_refresh()  # still answering while it shuts down
    assert logged(caplog) == [
        (logging.INFO, f"{TITLE} is powering off: unavailable until it is back")
    ]
    await push_power(hass, hass_client_no_auth, "power_on")
    await push_power(hass, hass_client_no_auth, "power_on")
    await coordinator.async_refresh()
    assert logged(caplog)[1:] == [(logging.INFO, f"{TITLE} is back")]


async def test_back_without_its_power_on_push_is_logged_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The power_on push was lost: the first good refresh after an outage says it is back."""
    caplog.set_level(logging.INFO, logger="custom_components.dinstar")
    coordinator = init_integration.runtime_data.coordinator
    await push_power(hass, hass_client_no_auth, "power_off")
    simulator.state.go_offline(None)
    await coordinator.async_refresh()
    await coordinator.async_refresh()
    simulator.state.go_online()
    await coordinator.async_refresh()
    await coordinator.async_refresh()
    assert coordinator.powered_off_at is None
    assert [message for _, message in logged(caplog)] == [
        f"{TITLE} is powering off: unavailable until it is back",
        f"{TITLE} is back",
    ]
