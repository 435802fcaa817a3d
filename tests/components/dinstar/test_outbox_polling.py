"""When sending results are polled: after pushes fall silent, backing off between asks."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.const import DOMAIN
from custom_components.dinstar.messaging.outbox_sync import POLL_FIRST, POLL_MAX, PUSH_FRESH
from dinstar_dev.gateway_simulator import Simulator

RESULTS = "/api/query_sms_result"


async def send_one(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry.entry_id, "number": ["10086"], "message": "Alarm"},
        blocking=True,
    )


async def test_results_polled_once_pushes_fall_silent(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A push heard long ago says nothing of this message: its result is asked for."""
    simulator.config.send_delay = 60
    await send_one(hass, init_integration)
    outbox = init_integration.runtime_data.outbox
    asked = simulator.state.requests[RESULTS]
    await outbox.async_poll_if_due(dt_util.utcnow() - PUSH_FRESH - timedelta(seconds=1))
    assert simulator.state.requests[RESULTS] == asked + 1


async def test_polling_doubles_its_wait_up_to_five_minutes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    freezer: FrozenDateTimeFactory,
) -> None:
    """15 s, 30 s, 1, 2, 4 minutes, then every 5 minutes: asked at the end of each wait only."""
    simulator.config.send_delay = 3600  # nothing finishes during the test
    await send_one(hass, init_integration)
    outbox = init_integration.runtime_data.outbox
    await outbox.async_poll_if_due(None)
    asked = simulator.state.requests[RESULTS]
    waits: list[float] = []
    wait = POLL_FIRST
    while len(waits) < 7:
        freezer.tick(timedelta(seconds=wait - 1))
        await outbox.async_poll_if_due(None)
        assert simulator.state.requests[RESULTS] == asked, f"asked before {wait} s"
        freezer.tick(timedelta(seconds=1))
        await outbox.async_poll_if_due(None)
        assert simulator.state.requests[RESULTS] == asked + 1, f"not asked after {wait} s"
        asked += 1
        waits.append(wait)
        wait = min(wait * 2, POLL_MAX)
    assert waits == [15, 30, 60, 120, 240, 300, 300]
