"""Failover across a restart: an attempt out at the stop is read back before anything is resent."""

from __future__ import annotations

import time
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.dinstar.bus_events import EVENT_SMS_FINAL
from custom_components.dinstar.const import storage_key
from custom_components.dinstar.failover.store import STORAGE_KEY
from dinstar_dev.gateway_simulator import Simulator
from dinstar_dev.gateway_simulator.models import OutgoingSms

NUMBER = "+4917612345678"
USER_ID = 41
BEST = 6


def stored_intent(entry: MockConfigEntry, *, attempts: list[dict[str, Any]]) -> dict[str, Any]:
    """What the pool wrote just before its attempt's request left, then Home Assistant stopped."""
    return {
        "version": 1,
        "minor_version": 1,
        "key": STORAGE_KEY,
        "data": {
            "intents": [
                {
                    "intent_id": "alarm",
                    "number": NUMBER,
                    "text": "Alarm",
                    "encoding": "GSM_7BIT",
                    "status_report": False,
                    "members": [[entry.entry_id, []]],
                    "max_attempts": 3,
                    "confirm_within": 120,
                    "created": time.time() - 60,
                    "preferred": None,
                    "attempts": attempts,
                    "final": None,
                    "both_went_told": False,
                }
            ],
            "counts": {"day": "", "by_gateway": {}},
        },
    }


def attempt(entry: MockConfigEntry, port: int, user_id: int) -> dict[str, Any]:
    return {
        "entry_id": entry.entry_id,
        "gateway": entry.title,
        "port": port,
        "user_id": user_id,
        "at": time.time() - 60,
        "outcome": "pending",
        "reason": None,
        "parts": 1,
        "delivered": None,
    }


@pytest.fixture
def stored(hass_storage: dict[str, Any], mock_config_entry: MockConfigEntry) -> None:
    """An attempt on the best port was stored; the user ids after it are free."""
    hass_storage[STORAGE_KEY] = stored_intent(
        mock_config_entry, attempts=[attempt(mock_config_entry, BEST, USER_ID)]
    )
    hass_storage[storage_key(mock_config_entry.entry_id, "user_ids")] = {
        "version": 1,
        "minor_version": 1,
        "key": storage_key(mock_config_entry.entry_id, "user_ids"),
        "data": {"next": USER_ID + 1},
    }


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
