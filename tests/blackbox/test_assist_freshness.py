"""Assist by SMS, issue item 4: only fresh messages talk.

An SMS older than a few minutes by the gateway's clock, or read late by a catch-up (after an
outage, a reload or a restart), is never passed to the agent: nothing is switched, nothing paid
is sent. It still fires its ``dinstar_sms_received`` event, as any SMS does. The gateway's clock
is local time with no zone (Home Assistant's zone), as the spec says.
"""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest

from .conftest import (
    ALICE,
    PIN,
    Added,
    add_assist,
    add_contact,
    add_idle_gateway,
    advance,
    kitchen_light,
    record_events,
    text,
    wait_for,
)
from .gateway import FakeGateway, local_time

ORDER = f"{PIN} turn on the kitchen light"


def _gateway_clock(offset: timedelta) -> str:
    return (dt_util.now() + offset).strftime("%Y-%m-%d %H:%M:%S")


async def _with_assist(hass: HomeAssistant, gateway: FakeGateway) -> Added:
    """The gateway, Alice as a contact, and Assist by SMS.

    As conftest's ``add_gateway_with_assist(hass, gateway, ALICE)``, but the contact is named
    "Alice" (that one names its contacts "Contact 0", "Contact 1"...).
    """
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ALICE)
    await add_assist(hass, added)
    return added


async def test_an_sms_two_minutes_old_is_answered(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """The control: a message stamped two minutes ago (a slow network) is still answered."""
    added = await _with_assist(hass, gateway)

    sent = await text(hass, home, added, ALICE, ORDER, when=_gateway_clock(-timedelta(minutes=2)))

    assert len(sent) == 1, sent
    assert kitchen_light(hass) == "on"


async def test_an_sms_stamped_six_hours_earlier_is_not_passed_to_the_agent(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """Pushed now, stamped six hours ago: the event fires, the light stays off, no reply."""
    added = await _with_assist(hass, gateway)
    received = record_events(hass, "dinstar_sms_received")
    exchanges = record_events(hass, "dinstar_assist_exchange")

    sent = await text(
        hass, home, added, ALICE, ORDER, when=_gateway_clock(-timedelta(hours=6)), reply=False
    )

    assert sent == []
    assert kitchen_light(hass) == "off"
    assert exchanges == []
    assert len(received) == 1, received
    assert received[0]["sender"] == ALICE
    assert "turn on the kitchen light" in received[0]["text"]


async def test_an_sms_read_by_the_catch_up_after_an_outage_is_not_answered(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """The gateway was unreachable when the SMS came; it is read when the gateway is back.

    Its stamp is fresh (the outage was short), but it was read late, by a catch-up: it fires
    ``dinstar_sms_received`` (``caught_up`` true) and is not answered.
    """
    await _with_assist(hass, gateway)
    received = record_events(hass, "dinstar_sms_received")
    since = len(gateway.requests)

    await gateway.stop()
    for _ in range(3):
        await advance(hass, 31)  # refreshes fail: an outage
    gateway.receive(1, ALICE, ORDER, when=local_time())
    await gateway.start()
    for _ in range(6):
        await advance(hass, 31)
        if received:
            break

    assert await wait_for(hass, lambda: len(received) == 1), "the SMS was never read"
    await hass.async_block_till_done(wait_background_tasks=True)
    assert received[0]["caught_up"] is True, received
    assert gateway.sent(since) == []
    assert kitchen_light(hass) == "off"


async def test_an_sms_read_at_start_up_is_not_answered(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """The SMS came while the entry was not loaded (Home Assistant restarting, say)."""
    added = await _with_assist(hass, gateway)
    received = record_events(hass, "dinstar_sms_received")
    assert await hass.config_entries.async_unload(added.entry.entry_id)
    gateway.receive(1, ALICE, ORDER, when=local_time())
    since = len(gateway.requests)

    assert await hass.config_entries.async_setup(added.entry.entry_id)
    assert added.entry.state is ConfigEntryState.LOADED
    assert await wait_for(hass, lambda: len(received) == 1), "the SMS was never read"
    await hass.async_block_till_done(wait_background_tasks=True)

    assert received[0]["caught_up"] is True, received
    assert gateway.sent(since) == []
    assert kitchen_light(hass) == "off"


async def test_a_gateway_clock_hours_ahead_answers_nothing_and_says_so(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A gateway whose clock is six hours ahead: nothing answered, a warning in the log."""
    added = await _with_assist(hass, gateway)
    caplog.set_level(logging.WARNING)

    sent = await text(
        hass, home, added, ALICE, ORDER, when=_gateway_clock(timedelta(hours=6)), reply=False
    )

    assert sent == []
    assert kitchen_light(hass) == "off"
    warnings: list[Any] = [
        record
        for record in caplog.records
        if record.name.startswith("custom_components.dinstar") and record.levelno >= logging.WARNING
    ]
    assert warnings, "the clock difference was not logged"
