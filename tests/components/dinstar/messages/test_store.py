"""The panel's history, fed by the integration's events on a real (simulated) gateway, and kept."""

from __future__ import annotations

from datetime import timedelta
import time
from typing import Any

from homeassistant.core import EventOrigin, HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import (
    EVENT_ASSIST_EXCHANGE,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_RECEIVED,
    EVENT_SMS_SENT,
)
from custom_components.dinstar.const import CONF_MESSAGES_DAYS, CONF_PRIVATE_SMS, DOMAIN
from custom_components.dinstar.messages.history import Kind, Status
from custom_components.dinstar.messages.store import (
    MAX_MESSAGES_PER_GATEWAY,
    SAVE_DELAY,
    STORAGE_KEY,
)
from dinstar_dev.gateway_simulator import Simulator
from tests.components.dinstar.pushes import post

from .conftest import NUMBER, history, receive, send, worked_off


def summary(hass: HomeAssistant) -> list[tuple[str, Kind, int | None, str | None, Status | None]]:
    return [(m.thread, m.kind, m.port, m.text, m.status) for m in history(hass)]


async def test_received_sent_and_outcomes_as_they_arrive(
    hass: HomeAssistant, live: MockConfigEntry, simulator: Simulator
) -> None:
    await receive(hass, simulator, "Are you home?", number="+49 176 1234-5678")
    simulator.config.send_delay = 0.2
    await send(hass, live, "On my way")
    await hass.async_block_till_done()
    # Queued at once, with its text; the outcome comes later.
    assert summary(hass) == [
        (NUMBER, Kind.RECEIVED, 1, "Are you home?", None),
        (NUMBER, Kind.SENT, 1, "On my way", Status.QUEUED),
    ]
    await worked_off(hass, simulator)
    sent = history(hass).get(2)
    assert sent is not None
    assert (sent.status, sent.user_id, sent.parts, sent.number) == (
        Status.DELIVERED,
        1,
        1,
        NUMBER,
    )


async def test_failures_with_the_networks_code(
    hass: HomeAssistant, live: MockConfigEntry, simulator: Simulator
) -> None:
    simulator.state.faults.failing_numbers = ["10010"]
    simulator.state.faults.delivery_failures = {"+4915112345678": 66}
    await send(hass, live, "one", number="10010")
    await send(hass, live, "two", number="+4915112345678", port=2)
    await worked_off(hass, simulator)
    assert [(m.number, m.status, m.status_code) for m in history(hass)] == [
        ("10010", Status.FAILED, None),
        ("+4915112345678", Status.UNDELIVERED, 66),
    ]


async def test_ussd_replies_are_their_ports_thread(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    simulator.state.ports[2].ussd_reply = "Balance 5 EUR"
    await post(
        hass_client_no_auth,
        {"sn": simulator.config.serial, "ussd": [{"port": 2, "text": "Balance 5 EUR"}]},
    )
    await hass.async_block_till_done(wait_background_tasks=True)
    assert summary(hass) == [
        (f"ussd:{live.entry_id}:2", Kind.USSD, 2, "Balance 5 EUR", None),
    ]


async def test_an_assist_exchange_marks_its_question_and_answer(
    hass: HomeAssistant, live: MockConfigEntry, simulator: Simulator
) -> None:
    await receive(hass, simulator, "**** turn on the light")
    await send(hass, live, "Turned on the light")
    await receive(hass, simulator, "thanks")  # after the exchange, not part of it
    await hass.async_block_till_done()
    hass.bus.async_fire(
        EVENT_ASSIST_EXCHANGE,
        {"config_entry_id": live.entry_id, "port": 1, "sender": "+49 176 12345678"},
    )
    await hass.async_block_till_done()
    assert [(m.text, m.assist) for m in history(hass)] == [
        ("**** turn on the light", False),
        ("Turned on the light", True),
        ("thanks", True),
    ]


async def test_messages_sent_elsewhere_and_their_reports(
    hass: HomeAssistant, live: MockConfigEntry
) -> None:
    """A result and a report of a message Home Assistant did not send: shown without text."""
    base = {"config_entry_id": live.entry_id, "number": NUMBER, "port": 3, "user_id": None}
    fire = hass.bus.async_fire
    fire(EVENT_SMS_SENT, {**base, "parts": 1, "outcome": "sent", "sent_by_home_assistant": False})
    fire(
        EVENT_SMS_DELIVERY,
        {
            **base,
            "parts": 1,
            "delivered": False,
            "status_code": 65,
            "sent_by_home_assistant": False,
        },
    )
    # A report nothing matches (no message sent elsewhere on port 4) changes nothing.
    fire(
        EVENT_SMS_DELIVERY,
        {**base, "port": 4, "parts": 1, "delivered": True, "status_code": 0}
        | {"sent_by_home_assistant": False},
    )
    # An outcome of a message Home Assistant sent before its history was kept: nothing.
    fire(
        EVENT_SMS_SENT,
        {**base, "user_id": 99, "parts": 1, "outcome": "sent"} | {"sent_by_home_assistant": True},
    )
    await hass.async_block_till_done()
    message = next(iter(history(hass)))
    assert len(history(hass)) == 1
    assert (message.elsewhere, message.text, message.status, message.status_code) == (
        True,
        None,
        Status.UNDELIVERED,
        65,
    )


async def test_only_the_integrations_own_events_count(
    hass: HomeAssistant, live: MockConfigEntry
) -> None:
    """An event posted through the REST API, or naming no gateway of ours, is no message."""
    data = {"port": 1, "sender": NUMBER, "text": "forged"}
    hass.bus.async_fire(
        EVENT_SMS_RECEIVED, {"config_entry_id": live.entry_id, **data}, origin=EventOrigin.remote
    )
    hass.bus.async_fire(EVENT_SMS_RECEIVED, {"config_entry_id": "another", **data})
    hass.bus.async_fire(EVENT_SMS_RECEIVED, data)
    await hass.async_block_till_done()
    assert len(history(hass)) == 0


async def test_private_gateways_keep_senders_and_times_only(
    hass: HomeAssistant, live: MockConfigEntry, simulator: Simulator
) -> None:
    await receive(hass, simulator, "kept before")
    hass.config_entries.async_update_entry(live, options={CONF_PRIVATE_SMS: True})
    assert await hass.config_entries.async_reload(live.entry_id)
    await hass.async_block_till_done()
    await receive(hass, simulator, "secret")
    await send(hass, live, "secret answer")
    await hass.async_block_till_done()
    # The option also takes the texts kept before it was turned on.
    assert summary(hass) == [
        (NUMBER, Kind.RECEIVED, 1, None, None),
        (NUMBER, Kind.RECEIVED, 1, None, None),
        (NUMBER, Kind.SENT, 1, None, Status.QUEUED),
    ]


async def test_written_in_batches_and_read_at_start(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    await receive(hass, simulator, "first")
    await receive(hass, simulator, "second")
    assert STORAGE_KEY not in hass_storage  # not one write per message
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SAVE_DELAY + 1))
    await hass.async_block_till_done()
    stored = hass_storage[STORAGE_KEY]["data"]
    assert [m["text"] for m in stored["messages"]] == ["first", "second"]
    assert stored["next_id"] == 3


def stored_messages(entry_id: str, ats: list[float]) -> dict[str, Any]:
    return {
        "version": 1,
        "minor_version": 1,
        "key": STORAGE_KEY,
        "data": {
            "next_id": len(ats) + 1,
            "read": {NUMBER: 1, "gone": 1},
            "messages": [
                {
                    "id": index + 1,
                    "entry_id": entry_id,
                    "thread": NUMBER,
                    "kind": "received",
                    "port": 1,
                    "at": at,
                    "number": NUMBER,
                    "text": f"m{index}",
                }
                for index, at in enumerate(ats)
            ],
        },
    }


async def test_bounded_by_days_and_by_count(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    now = time.time()
    day = 86_400
    ats = [now - 40 * day, now - 20 * day] + [now] * MAX_MESSAGES_PER_GATEWAY
    hass_storage[STORAGE_KEY] = stored_messages(mock_config_entry.entry_id, ats)
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, options={CONF_MESSAGES_DAYS: 30})
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    # Past 30 days: gone; then the oldest beyond the cap. Written with the next batch.
    assert [m.text for m in history(hass)][:1] == ["m2"]
    assert len(history(hass)) == MAX_MESSAGES_PER_GATEWAY
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SAVE_DELAY + 1))
    await hass.async_block_till_done()
    assert len(hass_storage[STORAGE_KEY]["data"]["messages"]) == MAX_MESSAGES_PER_GATEWAY


async def test_messages_of_a_gateway_deleted_meanwhile_are_dropped(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    hass_storage[STORAGE_KEY] = stored_messages("deleted-while-away", [time.time()])
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert len(history(hass)) == 0
    assert history(hass).read == {}


async def test_removing_the_gateway_removes_its_messages(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_storage: dict[str, Any],
) -> None:
    await receive(hass, simulator, "bye")
    assert len(history(hass)) == 1
    await hass.config_entries.async_remove(live.entry_id)
    await hass.async_block_till_done()
    assert len(history(hass)) == 0
    assert hass_storage[STORAGE_KEY]["data"]["messages"] == []
    assert DOMAIN in hass.config.components
