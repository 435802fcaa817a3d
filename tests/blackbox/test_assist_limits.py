"""Assist by SMS, issue item 5: limits are stored, and the daily cap is per contact too.

A contact at its rate limit or daily cap, and a locked-out number, stay so across a reload and
a restart (Home Assistant stopped without unloading, a new instance on the same storage). A
forger using one contact's number spends that contact's replies, never everybody's; a number
that is no contact spends nothing.
"""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from .conftest import (
    ALICE,
    BOB,
    KITCHEN,
    PIN,
    add_gateway_with_assist,
    limits,
    restarted_home,
    text,
    text_all,
    tick,
)
from .gateway import FakeGateway, local_time

CAROL = "+4915100000044"
DAVE = "+4915100000045"
STRANGER = "+4915100000666"
ASK = f"{PIN} is the kitchen light on"


@pytest.mark.freeze_time(tick=True)
async def test_a_contact_at_its_rate_limit_stays_there_after_a_reload(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway, freezer: FrozenDateTimeFactory
) -> None:
    """Two messages per 10 minutes: the third is not answered, nor the fourth after a reload."""
    added = await add_gateway_with_assist(hass, gateway, ALICE, rate_limit=2)
    limit_events = limits(hass)

    assert await text(hass, home, added, ALICE, ASK)
    assert await text(hass, home, added, ALICE, ASK)
    assert await text(hass, home, added, ALICE, ASK, reply=False) == []
    assert [event["limit"] for event in limit_events] == ["rate_limited"], limit_events

    assert await hass.config_entries.async_reload(added.entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await text(hass, home, added, ALICE, ASK, reply=False) == [], "answered after a reload"

    await tick(hass, freezer, timedelta(minutes=11))
    assert await text(hass, home, added, ALICE, ASK), "never answered again"


@pytest.mark.freeze_time(tick=True)
async def test_a_contact_at_its_daily_cap_stays_there_after_a_restart(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway, freezer: FrozenDateTimeFactory
) -> None:
    """Two replies a day for Alice: after a restart the third is still not answered."""
    added = await add_gateway_with_assist(hass, gateway, ALICE, BOB, contact_daily_cap=2)
    assert await text(hass, home, added, ALICE, ASK)
    assert await text(hass, home, added, ALICE, ASK)
    assert await text(hass, home, added, ALICE, ASK, reply=False) == []

    async with restarted_home(hass, added) as (second, client, again):
        limit_events = limits(second)
        assert await text(second, client, again, ALICE, ASK, reply=False) == [], (
            "answered again after a restart"
        )
        assert await text(second, client, again, BOB, ASK), "the cap was not per contact"
        await tick(second, freezer, timedelta(hours=25))
        assert await text(second, client, again, ALICE, ASK), "never answered the next day"
        assert {event["limit"] for event in limit_events} <= {"contact_daily_cap"}


@pytest.mark.freeze_time(tick=True)
async def test_a_contact_at_its_rate_limit_stays_there_after_a_restart(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """The rate limit is stored too: a restart within the 10 minutes does not reset it."""
    added = await add_gateway_with_assist(hass, gateway, ALICE, rate_limit=2)
    assert await text(hass, home, added, ALICE, ASK)
    assert await text(hass, home, added, ALICE, ASK)

    async with restarted_home(hass, added) as (second, client, again):
        assert await text(second, client, again, ALICE, ASK, reply=False) == []


@pytest.mark.freeze_time(tick=True)
async def test_the_total_daily_cap_stays_reached_after_a_restart(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """Two replies a day in all: after a restart, another contact is not answered either."""
    added = await add_gateway_with_assist(
        hass, gateway, ALICE, BOB, daily_cap=2, contact_daily_cap=2
    )
    assert await text(hass, home, added, ALICE, ASK)
    assert await text(hass, home, added, ALICE, ASK)

    async with restarted_home(hass, added) as (second, client, again):
        limit_events = limits(second)
        assert await text(second, client, again, BOB, ASK, reply=False) == []
        assert [event["limit"] for event in limit_events] == ["daily_cap"], limit_events


@pytest.mark.freeze_time(tick=True)
async def test_a_lockout_survives_a_restart(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """Five wrong PINs, a restart, then the right PIN from that number: still ignored."""
    added = await add_gateway_with_assist(hass, gateway, ALICE, BOB)
    limit_events = limits(hass)
    guesses = [(ALICE, f"00000{guess} is the kitchen light on") for guess in range(5)]
    assert await text_all(hass, home, added, guesses) == []
    assert [event["limit"] for event in limit_events] == ["sender_locked"], limit_events

    async with restarted_home(hass, added) as (second, client, again):
        assert (
            await text(
                second, client, again, ALICE, f"{PIN} turn on the kitchen light", reply=False
            )
            == []
        )
        assert second.states.get(KITCHEN).state == "off"  # type: ignore[union-attr]
        assert await text(second, client, again, BOB, ASK)


async def test_a_forger_under_one_number_cannot_spend_the_others_replies(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """Four replies a day in all, two per contact: Alice's number (forged) gets two, not four."""
    added = await add_gateway_with_assist(
        hass, gateway, ALICE, BOB, CAROL, DAVE, daily_cap=4, contact_daily_cap=2, rate_limit=20
    )
    limit_events = limits(hass)

    answered = [
        bool(await text(hass, home, added, ALICE, ASK, reply=index < 2)) for index in range(5)
    ]
    assert answered == [True, True, False, False, False]
    assert await text(hass, home, added, BOB, ASK), "Bob got nothing: Alice spent his share"
    assert await text(hass, home, added, CAROL, ASK)
    assert await text(hass, home, added, DAVE, ASK, reply=False) == []  # the total: 4
    reasons = [event["limit"] for event in limit_events]
    assert reasons[0] == "contact_daily_cap", reasons
    assert "daily_cap" in reasons, reasons


async def test_numbers_that_are_no_contact_spend_nothing(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """Thirty messages with the right PIN from a stranger: no reply, and the cap is untouched."""
    added = await add_gateway_with_assist(hass, gateway, ALICE, daily_cap=2, contact_daily_cap=2)
    since = len(gateway.requests)
    for _ in range(29):
        gateway.receive(1, STRANGER, ASK, when=local_time())
    assert await text(hass, home, added, STRANGER, ASK, reply=False) == []  # read with the 29

    assert await text(hass, home, added, ALICE, ASK)
    assert await text(hass, home, added, ALICE, ASK)
    assert [sms["number"] for sms in gateway.sent(since)] == [ALICE, ALICE]
