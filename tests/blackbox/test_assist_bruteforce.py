"""Assist by SMS, issue item 2: guessing the PIN stops.

Five wrong PINs from a number within an hour: that number is ignored for a day. Twenty from any
numbers within an hour: Assist by SMS pauses for an hour. Each fires ``dinstar_assist_limit``
with the reason, logs a warning and raises one repair issue; a wrong PIN is never answered.
Every guess is a real SMS in the gateway's inbox under an allowed contact's (forged) number.
"""

from __future__ import annotations

from datetime import timedelta
import logging

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
import pytest

from .conftest import (
    ALICE,
    BOB,
    PIN,
    add_gateway_with_assist,
    dinstar_issues,
    kitchen_light,
    limits,
    text,
    text_all,
    tick,
)
from .gateway import FakeGateway

WRONG = "000000"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.dinstar") and record.levelno >= logging.WARNING
    ]


@pytest.mark.freeze_time(tick=True)
async def test_five_wrong_pins_lock_that_number_out_for_a_day(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Five wrong PINs: no answers, one event and issue; the right PIN is ignored for a day."""
    added = await add_gateway_with_assist(hass, gateway, ALICE, BOB)
    limit_events = limits(hass)
    caplog.set_level(logging.WARNING)
    issues_before = set(dinstar_issues(hass))

    guesses = [(ALICE, f"{guess:06d} turn on the kitchen light") for guess in range(4)]
    assert await text_all(hass, home, added, guesses) == [], "a wrong PIN was answered"
    assert limit_events == []
    assert (
        await text(hass, home, added, ALICE, f"{WRONG} turn on the kitchen light", reply=False)
        == []
    )

    assert [(event["limit"], event["sender"]) for event in limit_events] == [
        ("sender_locked", ALICE)
    ], limit_events
    assert len(set(dinstar_issues(hass)) - issues_before) == 1
    assert _warnings(caplog), "the lockout logged nothing above debug"
    assert PIN not in " ".join(_warnings(caplog))

    # The right PIN now, from the locked number: nothing.
    assert (
        await text(hass, home, added, ALICE, f"{PIN} turn on the kitchen light", reply=False) == []
    )
    assert kitchen_light(hass) == "off"
    # Another contact is still answered.
    assert await text(hass, home, added, BOB, f"{PIN} turn on the kitchen light")
    assert kitchen_light(hass) == "on"

    await tick(hass, freezer, timedelta(hours=23))
    assert (
        await text(hass, home, added, ALICE, f"{PIN} turn off the kitchen light", reply=False) == []
    )
    assert kitchen_light(hass) == "on"

    await tick(hass, freezer, timedelta(hours=1, minutes=5))
    assert await text(hass, home, added, ALICE, f"{PIN} turn off the kitchen light"), (
        "still ignored after a day"
    )
    assert kitchen_light(hass) == "off"
    assert len(limit_events) == 1


@pytest.mark.freeze_time(tick=True)
async def test_twenty_wrong_pins_from_several_numbers_pause_assist_for_an_hour(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Four wrong PINs from each of five contacts: the twentieth pauses every contact an hour."""
    guessers = [f"+49151000001{index}" for index in range(5)]
    added = await add_gateway_with_assist(hass, gateway, *guessers, BOB)
    limit_events = limits(hass)
    caplog.set_level(logging.WARNING)
    issues_before = set(dinstar_issues(hass))

    guesses = [(number, f"{round_}{WRONG} lights on") for round_ in range(4) for number in guessers]
    assert await text_all(hass, home, added, guesses[:19]) == []
    assert limit_events == [], "paused before the twentieth wrong PIN"
    assert await text(hass, home, added, *guesses[19], reply=False) == []

    assert [event["limit"] for event in limit_events] == ["paused"], limit_events
    assert len(set(dinstar_issues(hass)) - issues_before) == 1
    assert _warnings(caplog)

    # Bob, who guessed nothing, with the right PIN: paused too.
    assert await text(hass, home, added, BOB, f"{PIN} turn on the kitchen light", reply=False) == []
    assert kitchen_light(hass) == "off"

    await tick(hass, freezer, timedelta(minutes=61))
    assert await text(hass, home, added, BOB, f"{PIN} turn on the kitchen light"), "still paused"
    assert kitchen_light(hass) == "on"


async def test_a_flood_of_guesses_then_the_right_pin_changes_nothing(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """200 wrong SMS (pushed in bursts, as fast as they come), then the right one: nothing.

    Nothing is sent, the light stays off, and each limit fires once however many guesses follow.
    """
    added = await add_gateway_with_assist(hass, gateway, ALICE)
    limit_events = limits(hass)
    caplog.set_level(logging.WARNING)
    issues_before = set(dinstar_issues(hass))

    guesses = [(ALICE, f"{guess + 100000} turn on the kitchen light") for guess in range(200)]
    sent = await text_all(
        hass, home, added, [*guesses, (ALICE, f"{PIN} turn on the kitchen light")]
    )

    assert sent == [], "a guess was answered"
    assert kitchen_light(hass) == "off"
    reasons = [event["limit"] for event in limit_events]
    assert "sender_locked" in reasons, reasons
    assert len(reasons) == len(set(reasons)), f"a limit fired more than once: {reasons}"
    assert len(set(dinstar_issues(hass)) - issues_before) <= 2
    assert len(_warnings(caplog)) <= 3, _warnings(caplog)


@pytest.mark.freeze_time(tick=True)
async def test_wrong_pins_spread_over_more_than_an_hour_lock_nothing(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway, freezer: FrozenDateTimeFactory
) -> None:
    """Four typos, then one more after an hour: a contact who mistypes is not locked out."""
    added = await add_gateway_with_assist(hass, gateway, ALICE)
    limit_events = limits(hass)
    guesses = [(ALICE, f"{guess:06d} turn on the kitchen light") for guess in range(4)]
    assert await text_all(hass, home, added, guesses) == []
    await tick(hass, freezer, timedelta(minutes=61))
    await text(hass, home, added, ALICE, f"{WRONG} turn on the kitchen light", reply=False)

    assert limit_events == []
    assert await text(hass, home, added, ALICE, f"{PIN} turn on the kitchen light")
    assert kitchen_light(hass) == "on"


@pytest.mark.parametrize(
    ("stored", "answered"),
    [({"pin": "4711"}, False), ({"pin": "1"}, False), ({}, False), ({"pin": "246810"}, True)],
    ids=["four-digit PIN", "one-digit PIN", "no PIN, not chosen", "control: six-digit PIN"],
)
async def test_assist_set_up_before_pins_were_required_answers_nothing(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    stored: dict[str, str],
    answered: bool,
) -> None:
    """An Assist by SMS stored by an earlier version (a short PIN, or none) answers nothing.

    The stored subentry is what an earlier version wrote: the limits, and a PIN of any length
    or none, without the explicit "no PIN" choice. The control, a 6-digit PIN stored the same
    way, is answered: the stored PIN is the one in use.
    """
    added = await add_gateway_with_assist(hass, gateway, ALICE)
    (subentry,) = [s for s in added.entry.subentries.values() if s.subentry_type == "assist"]
    old = {key: value for key, value in subentry.data.items() if key not in ("pin", "no_pin")}
    hass.config_entries.async_update_subentry(added.entry, subentry, data={**old, **stored})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert await hass.config_entries.async_reload(added.entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    prefix = f"{stored['pin']} " if "pin" in stored else ""
    sent = await text(
        hass, home, added, ALICE, f"{prefix}turn on the kitchen light", reply=answered
    )

    assert len(sent) == int(answered), sent
    assert kitchen_light(hass) == ("on" if answered else "off")
