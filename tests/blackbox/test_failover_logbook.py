"""Issue 22: the logbook says how a message that failed over got out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.components import recorder
from homeassistant.components.logbook.helpers import async_determine_event_types
from homeassistant.components.logbook.processor import EventProcessor
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from .conftest import record_events
from .failover import NUMBER, entry_of, send, two_gateways, until_final
from .gateway import FakeGateway


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(recorder_db_url: str, enable_custom_integrations: None) -> None:
    """The recorder's database is prepared before Home Assistant starts, as the logbook needs."""


# -- the logbook -----------------------------------------------------------------------------


async def test_the_logbook_tells_the_path(
    recorder_mock: recorder.Recorder,
    hass: HomeAssistant,
    hass_client_no_auth: Any,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
) -> None:
    """The logbook: "sent to <number> via <gateway> port <n> after port 1 failed"."""
    for component in ("webhook", "repairs", "notify", "logbook"):
        assert await async_setup_component(hass, component, {})
    http = await hass_client_no_auth()
    start = dt_util.utcnow() - timedelta(minutes=1)
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}

    await send(hass, entry_of(a), number=[NUMBER], pool="all", port=1)
    await until_final(hass, finals)
    await async_wait_recording_done(hass)

    final_port = finals[0]["final_port"]
    expected = (
        f"sent to {NUMBER} via {final_port['gateway']} port {final_port['port']} "
        "after port 1 failed"
    )
    instance = recorder.get_instance(hass)
    processor = EventProcessor(hass, async_determine_event_types(hass, None, None))
    lines = await instance.async_add_executor_job(
        processor.get_events, start, dt_util.utcnow() + timedelta(minutes=1)
    )
    messages = [str(line.get("message", "")) for line in lines if isinstance(line, dict)]
    assert any(expected in message for message in messages), messages
