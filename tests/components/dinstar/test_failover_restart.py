"""Failover across a restart: an attempt out at the stop is read back before anything is resent."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import time
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.dinstar.bus_events import EVENT_SMS_FINAL, EVENT_SMS_SENT
from custom_components.dinstar.const import DOMAIN, storage_key
from custom_components.dinstar.failover.store import STORAGE_KEY
from dinstar_dev.gateway_simulator import Simulator
from dinstar_dev.gateway_simulator.models import OutgoingSms

from .failover_store import NUMBER, intent, next_user_id, pending_attempt, store_intents

USER_ID = 41
BEST, SECOND = 6, 1


@pytest.fixture
def stored(hass_storage: dict[str, Any], mock_config_entry: MockConfigEntry) -> None:
    """An attempt on the best port was stored; the user ids after it are free."""
    store_intents(
        hass_storage,
        intent("alarm", [mock_config_entry], [pending_attempt(mock_config_entry, BEST, USER_ID)]),
    )
    next_user_id(hass_storage, mock_config_entry, USER_ID + 1)


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> list[Any]:
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return finals


async def test_an_attempt_the_gateway_sent_is_not_sent_again(
    hass: HomeAssistant, stored: None, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """The request left before the stop: the gateway's record says it went. Nothing is resent."""
    simulator.state.sent_messages.append(
        OutgoingSms(0, BEST, NUMBER, "Alarm", "gsm-7bit", USER_ID, False, 1, status="SENT_OK")
    )
    finals = await setup(hass, mock_config_entry)
    (final,) = finals
    assert final.data["outcome"] == "sent"
    assert [(a["port"], a["outcome"]) for a in final.data["attempts"]] == [(BEST, "sent")]
    assert len(simulator.state.sent_messages) == 1


async def test_an_attempt_the_gateway_never_got_goes_once(
    hass: HomeAssistant, stored: None, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """Stored, then stopped before its request left: sent once now, and only once."""
    finals = await setup(hass, mock_config_entry)
    assert [(sms.port, sms.user_id) for sms in simulator.state.sent_messages] == [
        (BEST, USER_ID + 1)
    ]
    await simulator.drain_pushes()
    await mock_config_entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done(wait_background_tasks=True)
    # No push URL here: the outcome comes from polling the pending user_ids.
    await mock_config_entry.runtime_data.outbox.async_poll_if_due(None)
    await hass.async_block_till_done(wait_background_tasks=True)
    (final,) = finals
    assert [(a["port"], a["outcome"], a["reason"]) for a in final.data["attempts"]] == [
        (BEST, "not_sent", "not sent before a restart"),
        (BEST, "sent", None),
    ]
    assert len(simulator.state.sent_messages) == 1


async def test_an_attempt_still_in_the_gateways_queue_is_waited_for(
    hass: HomeAssistant, stored: None, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """SENDING on the gateway: watched again, not resent."""
    held = OutgoingSms(0, BEST, NUMBER, "Alarm", "gsm-7bit", USER_ID, False, 1)
    simulator.state.sent_messages.append(held)
    sent = async_capture_events(hass, EVENT_SMS_SENT)
    finals = await setup(hass, mock_config_entry)
    assert finals == []
    assert len(simulator.state.sent_messages) == 1
    assert mock_config_entry.runtime_data.outbox.tracker.is_pending(USER_ID)
    held.status = "SENT_OK"
    await mock_config_entry.runtime_data.outbox.async_poll_if_due(None)
    await hass.async_block_till_done(wait_background_tasks=True)
    (final,) = finals
    assert final.data["outcome"] == "sent"
    assert len(simulator.state.sent_messages) == 1
    # Followed again as the message it is: its event names the number.
    assert [(e.data["user_id"], e.data["number"]) for e in sent] == [(USER_ID, NUMBER)]


async def test_every_attempt_out_on_a_gateway_is_read_back(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Three alarms were out at the stop: two went (one the outbox followed), one is queued.

    Each is read back and decided on its own; none is sent again.
    """
    store_intents(
        hass_storage,
        *(
            intent(
                f"alarm-{uid}", [mock_config_entry], [pending_attempt(mock_config_entry, 6, uid)]
            )
            for uid in (41, 42, 43, 44)
        ),
    )
    next_user_id(hass_storage, mock_config_entry, 45)
    outbox_follows(hass_storage, mock_config_entry, wants_report=False)  # user_id 41
    for uid, status in ((41, "SENT_OK"), (42, "SENDING"), (43, "SENT_OK"), (44, "SENDING")):
        simulator.state.sent_messages.append(
            OutgoingSms(0, BEST, NUMBER, "Alarm", "gsm-7bit", uid, False, 1, status=status)
        )
    finals = await setup(hass, mock_config_entry)
    assert sorted(e.data["user_id"] for e in finals) == [41, 43]
    outbox = mock_config_entry.runtime_data.outbox
    assert (outbox.tracker.is_pending(42), outbox.tracker.is_pending(44)) == (True, True)
    assert len(simulator.state.sent_messages) == 4


def outbox_follows(
    hass_storage: dict[str, Any], entry: MockConfigEntry, *, wants_report: bool
) -> None:
    """The outbox was following the attempt at the stop, as it does from the send on."""
    key = storage_key(entry.entry_id, "outbox")
    tracked = {
        "user_id": USER_ID,
        "number": NUMBER,
        "created": time.time() - 60,
        "parts": 1,
        "port": BEST,
        "first_ref_id": None,
        "wants_report": wants_report,
        "sent": False,
        "reported_parts": [],
    }
    hass_storage[key] = {
        "version": 1,
        "minor_version": 2,
        "key": key,
        "data": {"pending": [tracked], "counters": {}},
    }


async def test_an_attempt_the_outbox_follows_is_told_by_the_outbox(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    stored: None,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Sent before the stop and followed by the outbox: its dinstar_sms_sent fires at once."""
    outbox_follows(hass_storage, mock_config_entry, wants_report=False)
    simulator.state.sent_messages.append(
        OutgoingSms(0, BEST, NUMBER, "Alarm", "gsm-7bit", USER_ID, False, 1, status="SENT_OK")
    )
    sent = async_capture_events(hass, EVENT_SMS_SENT)
    finals = await setup(hass, mock_config_entry)
    assert [(event.data["user_id"], event.data["port"]) for event in sent] == [(USER_ID, BEST)]
    (final,) = finals
    assert [(a["port"], a["outcome"]) for a in final.data["attempts"]] == [(BEST, "sent")]
    assert not mock_config_entry.runtime_data.outbox.tracker.is_pending(USER_ID)
    assert len(simulator.state.sent_messages) == 1


async def test_an_attempt_in_the_queue_keeps_what_the_outbox_knew(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    stored: None,
    mock_config_entry: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Still SENDING, followed without a report asked: once sent it is done, not kept waiting."""
    outbox_follows(hass_storage, mock_config_entry, wants_report=False)
    held = OutgoingSms(0, BEST, NUMBER, "Alarm", "gsm-7bit", USER_ID, False, 1)
    simulator.state.sent_messages.append(held)
    finals = await setup(hass, mock_config_entry)
    assert finals == []
    held.status = "SENT_OK"
    await mock_config_entry.runtime_data.outbox.async_poll_if_due(None)
    await hass.async_block_till_done(wait_background_tasks=True)
    (final,) = finals
    assert final.data["outcome"] == "sent"
    assert not mock_config_entry.runtime_data.outbox.tracker.is_pending(USER_ID)


async def test_a_read_back_that_fails_leaves_the_attempt_to_its_time(
    hass: HomeAssistant, stored: None, mock_config_entry: MockConfigEntry, simulator: Simulator
) -> None:
    """The gateway cannot tell what became of it: nothing is resent until its window ends.

    Out a minute before the stop with 2 minutes to confirm: at 30 s from now still waited
    for; past its window, timed out as any attempt, and the next port takes over, once.
    """
    simulator.state.faults.error_500_paths = ["/api/query_sms_result"]
    finals = await setup(hass, mock_config_entry)
    assert simulator.state.sent_messages == []
    assert finals == []
    simulator.state.faults.error_500_paths = []
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=30))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.sent_messages == []
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=65))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [(sms.port, sms.user_id) for sms in simulator.state.sent_messages] == [
        (SECOND, USER_ID + 1)
    ]


async def test_a_request_cut_by_the_stop_is_left_to_the_next_start(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    """Home Assistant stops while the gateway has not answered: nothing is decided or told.

    Whether the SMS left is read back by its user_id after the start (the tests above).
    """
    finals = async_capture_events(hass, EVENT_SMS_FINAL)
    simulator.state.faults.delay = 30.0  # the request is at the gateway, its answer far off
    sending = asyncio.create_task(
        hass.services.async_call(
            DOMAIN,
            "send_sms",
            {
                "config_entry_id": init_integration.entry_id,
                "number": NUMBER,
                "message": "Alarm",
                "pool": "all",
            },
            blocking=True,
            return_response=True,
        )
    )
    async with asyncio.timeout(5):  # the attempt is stored just before its request leaves
        while not hass_storage.get(STORAGE_KEY, {}).get("data", {}).get("intents"):
            await asyncio.sleep(0.02)
    await hass.async_stop()
    async with asyncio.timeout(5):
        await asyncio.gather(sending, return_exceptions=True)
    assert finals == []
    (stored_intent,) = hass_storage[STORAGE_KEY]["data"]["intents"]
    assert stored_intent["final"] is None
    assert [(a["port"], a["outcome"]) for a in stored_intent["attempts"]] == [(BEST, "pending")]
