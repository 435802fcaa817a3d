"""Read-backs of what pushes announce: retried once after a failure, shared by a burst."""

from __future__ import annotations

import asyncio
import json

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED, EVENT_SMS_SENT
from custom_components.dinstar.messaging.readback import MAX_WAITING, MIN_READ_SPACING
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL
from .pushes import URL, push, push_recorded, record_outcomes

RESULTS = "/api/query_sms_result"
INBOX = "/api/query_incoming_sms"


def sent_result(number: str, status: str = "SENT_OK", user_id: int = 900) -> dict[str, object]:
    return {
        "port": 1,
        "number": number,
        "time": "2026-11-01 10:00:00",
        "status": status,
        "count": 1,
        "succ_count": 1,
        "ref_id": 7,
        "imsi": "262010000000001",
        "user_id": user_id,
    }


async def test_a_failed_read_back_is_read_once_more_after_a_good_refresh(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_SENT)
    result = sent_result("+4915100000001")
    record_outcomes(simulator, sms_result=[result])
    simulator.state.faults.error_500 = True
    await push(hass, hass_client_no_auth, sms_result=[result])
    assert events == []
    asked = simulator.state.requests[RESULTS]
    await asyncio.sleep(MIN_READ_SPACING * 2)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.requests[RESULTS] == asked  # not asked in a loop meanwhile
    simulator.state.faults.error_500 = False
    coordinator = init_integration.runtime_data.coordinator
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [(e.data["number"], e.data["outcome"]) for e in events] == [("+4915100000001", "sent")]
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(events) == 1


async def test_a_read_back_that_fails_twice_is_dropped(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """Once more after a good refresh, then no more: a poisoned push is not read forever."""
    result = sent_result("+4915100000001")
    simulator.state.faults.error_500 = True
    await push(hass, hass_client_no_auth, sms_result=[result])
    coordinator = init_integration.runtime_data.coordinator
    for _ in range(3):
        simulator.state.faults.error_500 = False
        await coordinator.async_refresh()
        simulator.state.faults.error_500 = True
        await hass.async_block_till_done(wait_background_tasks=True)
    simulator.state.faults.error_500 = False
    asked = simulator.state.requests[RESULTS]
    await coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.requests[RESULTS] == asked


async def test_someone_else_s_result_pushed_twice_fires_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """The gateway repeats a push it thinks was lost: one event."""
    events = async_capture_events(hass, EVENT_SMS_SENT)
    result = sent_result("+4915100000002")
    await push_recorded(hass, hass_client_no_auth, simulator, sms_result=[result])
    await push(hass, hass_client_no_auth, sms_result=[result])
    assert [(e.data["outcome"], e.data["sent_by_home_assistant"]) for e in events] == [
        ("sent", False)
    ]


async def test_a_flood_of_pushes_is_read_a_few_times_a_second(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """Forged pushes as fast as the webhook answers: reads stay spaced, nothing fires."""
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    client = await hass_client_no_auth()
    reads = simulator.state.requests[INBOX]
    started = asyncio.get_running_loop().time()
    for sms_id in range(1, 101):
        forged = {"incoming_sms_id": sms_id, "port": 1, "number": "1", "text": "x"}
        response = await client.post(URL, data=json.dumps({"sn": SERIAL, "sms": [forged]}))
        assert response.status == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    elapsed = asyncio.get_running_loop().time() - started
    # A read is a page and the empty page that ends it; one read at least, then one per spacing.
    assert simulator.state.requests[INBOX] - reads <= 2 * (2 + elapsed / MIN_READ_SPACING)
    assert events == []


async def test_what_a_push_announces_is_bounded(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    """A forged push with thousands of results: only the bound is kept for reading."""
    results = [sent_result(f"+49151{n:08}", user_id=10_000 + n) for n in range(MAX_WAITING + 50)]
    await push(hass, hass_client_no_auth, sms_result=results)
    assert init_integration.runtime_data.messaging.audit.unconfirmed == MAX_WAITING
