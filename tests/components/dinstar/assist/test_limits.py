"""Guessing the PIN stops, limits count per contact, and both survive reloads and restarts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator

from .conftest import (
    ALICE,
    ASSIST,
    BOB,
    KITCHEN,
    PIN,
    Receive,
    assist_warnings,
    port_device,
    replies_to,
)

# Five contacts allowed to talk to Assist: numbers a guesser could forge.
CONTACTS = [f"+491761000000{index}" for index in range(5)]


@pytest.fixture
def subentries() -> list[tuple[str, dict[str, Any]]]:
    return [
        *(
            ("contact", {"name": f"Contact {index}", "number": number, "assist": True})
            for index, number in enumerate(CONTACTS)
        ),
        ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
        ("contact", {"name": "Bob", "number": BOB, "assist": True}),
        ("assist", ASSIST),
    ]


async def test_five_wrong_pins_lock_the_sender_out_for_a_day(
    hass: HomeAssistant,
    sms_in: Receive,
    simulator: Simulator,
    init_with_subentries: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Nothing goes back to a wrong PIN; the fifth locks the number out, the right PIN too."""
    limits = async_capture_events(hass, "dinstar_assist_limit")
    for guess in range(4):
        await sms_in(ALICE, f"{100000 + guess} turn on the kitchen light")
    assert limits == []
    await sms_in(ALICE, "100004 turn on the kitchen light")
    (limit,) = limits
    until = dt_util.parse_datetime(limit.data["until"])
    assert until is not None
    assert timedelta(hours=23, minutes=59) < until - dt_util.utcnow() <= timedelta(days=1)
    assert limit.data == {
        "config_entry_id": init_with_subentries.entry_id,
        "device_id": port_device(hass, init_with_subentries, 1),
        "port": 1,
        "sender": ALICE,
        "limit": "sender_locked",
        "until": until.isoformat(),
    }
    assert assist_warnings(caplog) == [
        (
            f"Assist by SMS on {init_with_subentries.title} ignores {ALICE} until "
            f"{dt_util.as_local(until).strftime('%Y-%m-%d %H:%M')}: too many wrong PINs"
        )
    ]
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"assist_sender_locked_{init_with_subentries.entry_id}"
    )
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {
        "name": init_with_subentries.title,
        "sender": ALICE,
        "until": dt_util.as_local(until).strftime("%Y-%m-%d %H:%M"),
    }
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    await sms_in(BOB, f"{PIN} turn on the kitchen light")  # another number is not locked out
    assert len(limits) == 1
    assert replies_to(simulator, ALICE) == []
    assert len(replies_to(simulator, BOB)) == 1


async def test_twenty_wrong_pins_pause_assist_for_an_hour(
    hass: HomeAssistant,
    sms_in: Receive,
    simulator: Simulator,
    init_with_subentries: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Guesses spread over numbers: after twenty in an hour, nobody is answered for an hour."""
    limits = async_capture_events(hass, "dinstar_assist_limit")
    for guess in range(4):
        for number in CONTACTS[:4]:
            await sms_in(number, f"{200000 + guess} hello")
    for number in CONTACTS[:3]:
        await sms_in(number, "200004 hello")
    assert [event.data["limit"] for event in limits] == ["sender_locked"] * 3
    await sms_in(CONTACTS[3], "200004 hello")  # the twentieth
    assert [event.data["limit"] for event in limits[3:]] == ["sender_locked", "paused"]
    until = dt_util.parse_datetime(limits[-1].data["until"])
    assert until is not None
    assert timedelta(minutes=59) < until - dt_util.utcnow() <= timedelta(hours=1)
    assert limits[-1].data["port"] == 1
    assert assist_warnings(caplog)[-1] == (
        f"Assist by SMS on {init_with_subentries.title} is paused until "
        f"{dt_util.as_local(until).strftime('%Y-%m-%d %H:%M')}: too many wrong PINs"
    )
    assert limits[-1].data["device_id"] == port_device(hass, init_with_subentries, 1)
    issue = ir.async_get(hass).async_get_issue(
        DOMAIN, f"assist_paused_{init_with_subentries.entry_id}"
    )
    assert issue is not None
    assert issue.translation_placeholders == {
        "name": init_with_subentries.title,
        "until": dt_util.as_local(until).strftime("%Y-%m-%d %H:%M"),
    }
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "unknown"
    assert simulator.state.sent_messages == []


async def test_lockouts_and_limits_survive_a_reload(
    hass: HomeAssistant,
    sms_in: Receive,
    simulator: Simulator,
    init_with_subentries: MockConfigEntry,
) -> None:
    for guess in range(5):
        await sms_in(ALICE, f"{300000 + guess} hello")
    for _ in range(5):
        await sms_in(BOB, f"{PIN} what time is it")
    assert len(replies_to(simulator, BOB)) == 5
    await hass.config_entries.async_reload(init_with_subentries.entry_id)
    await hass.async_block_till_done()
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    await sms_in(BOB, f"{PIN} turn on the kitchen light")  # at its rate limit
    assert hass.states.get(KITCHEN).state == "unknown"
    assert replies_to(simulator, ALICE) == []
    assert len(replies_to(simulator, BOB)) == 5


@pytest.fixture
def stored_lockout(hass_storage: dict[str, Any], mock_config_entry: MockConfigEntry) -> None:
    """What a previous run stored: Alice locked out for another 20 hours."""
    key = f"dinstar.{mock_config_entry.entry_id}.assist"
    until = dt_util.utcnow() + timedelta(hours=20)
    hass_storage[key] = {
        "version": 1,
        "minor_version": 1,
        "key": key,
        "data": {
            "replies": {},
            "day": None,
            "replies_today": {},
            "wrong_pins": {},
            "locked_until": {ALICE: until.isoformat()},
            "paused_until": None,
        },
    }


async def test_lockouts_survive_a_restart(
    hass: HomeAssistant, stored_lockout: None, sms_in: Receive, simulator: Simulator
) -> None:
    """Where the last run stopped is where this one starts."""
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    await sms_in(BOB, f"{PIN} what time is it")
    assert replies_to(simulator, ALICE) == []
    assert len(replies_to(simulator, BOB)) == 1


@pytest.mark.parametrize(
    "subentries",
    [
        [
            ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
            ("contact", {"name": "Bob", "number": BOB, "assist": True}),
            ("contact", {"name": "Carol", "number": CONTACTS[0], "assist": True}),
            ("assist", {**ASSIST, "contact_daily_cap": 2, "daily_cap": 3}),
        ]
    ],
)
async def test_one_number_cannot_spend_everyones_replies(
    hass: HomeAssistant,
    sms_in: Receive,
    simulator: Simulator,
    init_with_subentries: MockConfigEntry,
) -> None:
    """A daily cap per contact below the one of all: the others are still answered."""
    limits = async_capture_events(hass, "dinstar_assist_limit")
    for _ in range(3):
        await sms_in(ALICE, f"{PIN} what time is it")
    await sms_in(BOB, f"{PIN} what time is it")
    await sms_in(CONTACTS[0], f"{PIN} what time is it")
    assert len(replies_to(simulator, ALICE)) == 2
    assert len(replies_to(simulator, BOB)) == 1
    assert replies_to(simulator, CONTACTS[0]) == []
    assert [(event.data["sender"], event.data["limit"]) for event in limits] == [
        (ALICE, "contact_daily_cap"),
        (CONTACTS[0], "daily_cap"),
    ]
    assert limits[0].data["port"] == 1
    assert limits[0].data["device_id"] == port_device(hass, init_with_subentries, 1)


@pytest.mark.parametrize(
    "subentries",
    [
        [
            ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
            # Set up before the cap per contact existed.
            ("assist", {"pin": PIN, "max_parts": 2, "rate_limit": 100, "daily_cap": 50}),
        ]
    ],
)
async def test_a_contact_gets_ten_replies_a_day_unless_told_otherwise(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    for _ in range(11):
        await sms_in(ALICE, f"{PIN} what time is it")
    assert len(replies_to(simulator, ALICE)) == 10
