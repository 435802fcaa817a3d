"""Sent SMS followed to one outcome event each: by push, by polling, across a restart."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.core import Event, HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import EVENT_SMS_DELIVERY, EVENT_SMS_SENT
from custom_components.dinstar.messaging.outbox_sync import FOLLOW_FOR
from dinstar_dev.gateway_simulator import Simulator

from .conftest import WEBHOOK_ID
from .sent_messages import send, worked_off

GATEWAY = "sensor.dinstar_da00_0030_1901_2817"


def capture_outcomes(hass: HomeAssistant) -> tuple[list[Event], list[Event]]:
    """The sending and the delivery events, as they fire."""
    return (
        async_capture_events(hass, EVENT_SMS_SENT),
        async_capture_events(hass, EVENT_SMS_DELIVERY),
    )


async def refresh(hass: HomeAssistant) -> None:
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=31))
    await hass.async_block_till_done(wait_background_tasks=True)


async def test_pushed_outcomes(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    sent, delivery = capture_outcomes(hass)
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    simulator.state.faults.failing_numbers = ["10010"]
    await send(hass, init_integration, ["+4917612345678", "10010"], port=[1])
    await worked_off(simulator)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert sorted((e.data["number"], e.data["outcome"], e.data["user_id"]) for e in sent) == [
        ("+4917612345678", "sent", 1),
        ("10010", "failed", 2),
    ]
    assert [(e.data["number"], e.data["delivered"], e.data["port"]) for e in delivery] == [
        ("+4917612345678", True, 1)
    ]
    # Push-fed sensors are written at most once a second: let the window pass.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    assert hass.states.get(f"{GATEWAY}_sms_sent").state == "1"
    assert hass.states.get(f"{GATEWAY}_sms_failed").state == "1"
    assert hass.states.get(f"{GATEWAY}_sms_delivered").state == "1"
    assert init_integration.runtime_data.outbox.tracker.pending == []


async def test_undelivered_fires_one_event_and_is_not_counted_delivered(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A permanent delivery error in every part's report: one event, delivered false, its code."""
    delivery = async_capture_events(hass, EVENT_SMS_DELIVERY)
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    simulator.state.faults.delivery_failures = {"+4917699999999": 66}
    numbers = ["+4917699999999", "+4917612345678"]
    await send(hass, init_integration, numbers, port=[1], message="Alarm " * 40)
    await worked_off(simulator)
    await hass.async_block_till_done(wait_background_tasks=True)
    failed = [e.data for e in delivery if e.data["number"] == "+4917699999999"]
    assert [(data["delivered"], data["status_code"]) for data in failed] == [(False, 66)]
    assert failed[0]["parts"] > 1  # each part reported the error; still one event
    reports = [r for r in simulator.state.delivery_reports if r["status_code"] == 66]
    assert len(reports) == failed[0]["parts"]
    assert [e.data["delivered"] for e in delivery if e.data["number"] == numbers[1]] == [True]
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    assert hass.states.get(f"{GATEWAY}_sms_delivered").state == "1"
    outbox = init_integration.runtime_data.outbox
    assert (outbox.counters["delivered"], outbox.counters["undelivered"]) == (1, 1)
    assert outbox.tracker.pending == []


async def test_polled_outcomes_survive_a_restart(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """No push: the outcome is read with query_sms_result, even after a restart."""
    sent, delivery = capture_outcomes(hass)
    await send(hass, init_integration, ["10086", "10087"])
    await worked_off(simulator)
    await hass.config_entries.async_reload(init_integration.entry_id)
    await hass.async_block_till_done()
    assert [sms.user_id for sms in init_integration.runtime_data.outbox.tracker.pending] == [1, 2]
    queried = simulator.state.requests["/api/query_sms_result"]
    await refresh(hass)
    assert simulator.state.requests["/api/query_sms_result"] == queried + 1
    assert sorted(e.data["user_id"] for e in sent) == [1, 2]
    assert sorted(e.data["user_id"] for e in delivery) == [1, 2]
    await refresh(hass)
    assert (
        simulator.state.requests["/api/query_sms_result"] == queried + 1
    )  # nothing pending: no query
    assert len(sent) == 2


async def test_polled_undelivered_message_is_read_from_its_reports(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """No push, and the network refused the message: its reports say so.

    Its result stays SENT_OK; the reports are read while the message waits for one.
    """
    sent, delivery = capture_outcomes(hass)
    simulator.state.faults.delivery_failures = {"+4917699999999": 66}
    await send(hass, init_integration, ["+4917699999999"])
    await worked_off(simulator)
    reports_asked = simulator.state.requests["/api/query_sms_deliver_status"]
    await refresh(hass)
    assert [e.data["outcome"] for e in sent] == ["sent"]
    assert [(e.data["delivered"], e.data["status_code"]) for e in delivery] == [(False, 66)]
    assert simulator.state.requests["/api/query_sms_deliver_status"] == reports_asked + 1
    assert init_integration.runtime_data.outbox.tracker.pending == []
    await refresh(hass)
    assert simulator.state.requests["/api/query_sms_deliver_status"] == reports_asked + 1
    assert len(delivery) == 1


async def test_polling_backs_off(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.config.send_delay = 60  # nothing will finish during the test
    await send(hass, init_integration, ["10086"])
    queried = simulator.state.requests["/api/query_sms_result"]
    for _ in range(3):
        await refresh(hass)
    # The first refresh asks; the next ones are within the 15 s back-off.
    assert simulator.state.requests["/api/query_sms_result"] == queried + 1


async def test_no_polling_while_pushes_are_fresh(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """A push was confirmed a moment ago: the results will be pushed too, none is asked for."""
    simulator.config.send_delay = 60
    await send(hass, init_integration, ["10086"])
    init_integration.runtime_data.messaging.audit.confirmed()
    queried = simulator.state.requests["/api/query_sms_result"]
    await refresh(hass)
    assert simulator.state.requests["/api/query_sms_result"] == queried


async def test_polling_failures_lose_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """The gateway fails the result or report query: the messages stay followed."""
    simulator.state.faults.delivery_failures = {"+4917699999999": 66}
    await send(hass, init_integration, ["+4917699999999"])
    await worked_off(simulator)
    outbox = init_integration.runtime_data.outbox
    simulator.state.go_offline(None)
    await outbox.async_poll_if_due(None)
    (sms,) = outbox.tracker.pending
    sms.sent, sms.first_ref_id = True, 0
    await outbox._async_poll_reports()
    assert [pending.user_id for pending in outbox.tracker.pending] == [sms.user_id]


async def test_a_message_followed_too_long_is_dropped_silently(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    """No outcome in six hours: it is no longer followed, and no event claims one."""
    sent, delivery = capture_outcomes(hass)
    simulator.config.send_delay = 60
    await send(hass, init_integration, ["10086"])
    outbox = init_integration.runtime_data.outbox
    (sms,) = outbox.tracker.pending
    sms.created -= FOLLOW_FOR.total_seconds() + 1
    queried = simulator.state.requests["/api/query_sms_result"]
    await outbox.async_poll_if_due(None)
    assert outbox.tracker.pending == []
    # Not asked about either: the gateway has nothing to say of a message no longer followed.
    assert simulator.state.requests["/api/query_sms_result"] == queried
    await hass.async_block_till_done()
    assert (sent, delivery) == ([], [])
