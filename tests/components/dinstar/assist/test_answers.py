"""Who gets Assist's answer by SMS, in which notation, and only while the message is fresh."""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator
from dinstar_dev.gateway_simulator.models import IncomingSms

from .conftest import (
    ALICE,
    ASSIST,
    BOB,
    KITCHEN,
    PIN,
    REFUSED,
    Receive,
    assist_warnings,
    port_device,
    replies_to,
)


def receive_stamped(simulator: Simulator, sender: str, text: str, stamp: datetime) -> None:
    """An SMS the gateway stamped ``stamp`` (its local time) arrives on port 1, and is pushed."""
    state = simulator.state
    sms = IncomingSms(
        incoming_sms_id=state.next_incoming_id,
        port=1,
        number=sender,
        smsc="",
        timestamp=stamp.strftime("%Y-%m-%d %H:%M:%S"),
        text=text,
    )
    state.next_incoming_id += 1
    state.inbox.append(sms)
    state.push({"sms": [sms.as_api()]})


async def test_an_allowed_contact_turns_on_the_light(
    hass: HomeAssistant,
    sms_in: Receive,
    simulator: Simulator,
    init_with_subentries: MockConfigEntry,
) -> None:
    """The answer goes back as an SMS from the same port; the exchange is an event."""
    exchanges = async_capture_events(hass, "dinstar_assist_exchange")
    received = async_capture_events(hass, "dinstar_sms_received")
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    light = hass.states.get(KITCHEN)
    assert light.state == "on"
    assert light.context.parent_id == received[0].context.id  # switched by that SMS
    (reply,) = replies_to(simulator, ALICE)
    assert simulator.state.sent_messages[0].port == 1
    (exchange,) = exchanges
    assert exchange.data["device_id"] == port_device(hass, init_with_subentries, 1)
    assert exchange.data["contact"] == "Alice"
    assert exchange.data["sender"] == ALICE
    assert exchange.data["port"] == 1
    assert exchange.data["text"] == "turn on the kitchen light"
    assert exchange.data["reply"] == reply
    assert exchange.data["conversation_id"].startswith("dinstar-sms-")


async def test_anyone_else_changes_nothing(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """A contact not allowed, a stranger, the gateway's own SIM, machines: no light, no SMS."""
    own = simulator.state.ports[2].sim.number
    for sender in (BOB, "+4930999999", own, "VODAFONE", "22333"):
        await sms_in(sender, f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "unknown"
    assert simulator.state.sent_messages == []


@pytest.mark.parametrize(
    "sender",
    ["+49 176 12345678", "004917612345678", "017612345678", "0176 1234 5678"],
)
async def test_the_contact_in_any_notation_of_the_network(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator, sender: str
) -> None:
    """International with spaces, with 00, and national, read with Home Assistant's country."""
    exchanges = async_capture_events(hass, "dinstar_assist_exchange")
    await sms_in(sender, f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"
    assert len(replies_to(simulator, ALICE)) == 1  # to the number in E.164
    assert exchanges[0].data["contact"] == "Alice"
    assert exchanges[0].data["sender"] == sender


async def test_a_national_number_needs_the_country(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """Without Home Assistant's country a national number cannot be read: never answered."""
    await hass.config.async_update(country=None)
    await sms_in("017612345678", f"{PIN} turn on the kitchen light")
    await sms_in("+49 176 12345678", f"{PIN} turn on the kitchen light")
    assert len(replies_to(simulator, ALICE)) == 1


async def test_a_wrong_pin_gets_nothing(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    for text in ("turn on the kitchen light", "471109 turn on the kitchen light", PIN[:-1]):
        await sms_in(ALICE, text)
    assert hass.states.get(KITCHEN).state == "unknown"
    assert simulator.state.sent_messages == []


@pytest.mark.parametrize("age", [timedelta(hours=6), timedelta(minutes=6), -timedelta(minutes=3)])
async def test_only_fresh_messages_talk(
    hass: HomeAssistant,
    sms_in: Receive,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
    age: timedelta,
) -> None:
    """An SMS stamped long ago (or ahead of any clock drift) fires its event, nothing else."""
    events = async_capture_events(hass, "dinstar_sms_received")
    receive_stamped(simulator, ALICE, f"{PIN} turn on the kitchen light", dt_util.now() - age)
    await simulator.drain_pushes()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(events) == 1
    assert hass.states.get(KITCHEN).state == "unknown"
    assert simulator.state.sent_messages == []
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    assert assist_warnings(caplog) == [
        (
            f"Assist by SMS on {entry.title} did not answer {ALICE}: by the gateway's clock the "
            "SMS is older than a few minutes, or it was read late (if it was sent just now, set "
            "the gateway's clock and time zone to Home Assistant's)"
        )
    ]


@pytest.mark.parametrize("age", [timedelta(minutes=4, seconds=50), -timedelta(seconds=90)])
async def test_a_clock_a_little_off_still_talks(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator, age: timedelta
) -> None:
    receive_stamped(simulator, ALICE, f"{PIN} turn on the kitchen light", dt_util.now() - age)
    await simulator.drain_pushes()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(KITCHEN).state == "on"
    assert len(replies_to(simulator, ALICE)) == 1


async def test_a_message_without_a_gateway_time_is_not_answered(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    await sms_in(BOB, "hello")  # the entry is running and pushes flow
    state = simulator.state
    sms = IncomingSms(state.next_incoming_id, 1, ALICE, "", "", f"{PIN} turn on the kitchen light")
    state.next_incoming_id += 1
    state.inbox.append(sms)
    state.push({"sms": [sms.as_api()]})
    await simulator.drain_pushes()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hass.states.get(KITCHEN).state == "unknown"
    assert simulator.state.sent_messages == []


async def test_an_sms_read_after_an_outage_is_not_answered(
    hass: HomeAssistant,
    sms_in: Receive,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Stamped six hours ago, read by the catch-up when the gateway is back: no paid reply."""
    simulator.state.faults.drop_pushes = True
    receive_stamped(
        simulator, ALICE, f"{PIN} turn on the kitchen light", dt_util.now() - timedelta(hours=6)
    )
    simulator.state.faults.drop_pushes = False
    events = async_capture_events(hass, "dinstar_sms_received")
    await hass.config_entries.async_reload(init_with_subentries.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(events) == 1
    assert hass.states.get(KITCHEN).state == "unknown"
    assert simulator.state.sent_messages == []


async def test_a_fresh_sms_read_by_a_catch_up_is_not_answered(
    hass: HomeAssistant,
    sms_in: Receive,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
) -> None:
    """Its push lost, it is read by the catch-up at the next start: whatever its time says."""
    await hass.config_entries.async_unload(init_with_subentries.entry_id)
    simulator.state.receive_sms(1, ALICE, f"{PIN} turn on the kitchen light")
    await simulator.drain_pushes()  # nobody listens
    events = async_capture_events(hass, "dinstar_sms_received")
    assert await hass.config_entries.async_setup(init_with_subentries.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert events[0].data["caught_up"] is True
    assert hass.states.get(KITCHEN).state == "unknown"
    assert simulator.state.sent_messages == []


async def test_a_reply_the_gateway_refuses_is_logged(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Assist acted, but its answer could not go out: a warning, and no exchange is fired."""
    exchanges = async_capture_events(hass, "dinstar_assist_exchange")

    @callback
    def gateway_fails(event: Event) -> None:
        if event.data["entity_id"] == KITCHEN:
            simulator.state.faults.error_500 = True  # from now on every API call fails

    hass.bus.async_listen("state_changed", gateway_fails)
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"
    assert f"The Assist reply to {ALICE} was not sent" in caplog.text
    assert exchanges == []
    assert replies_to(simulator, ALICE) == []


async def test_a_message_the_gateway_cannot_show_again_is_not_answered(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Only the gateway's own inbox is believed: when it cannot be read, nothing is done."""

    @callback
    def gateway_fails(_event: Event) -> None:
        simulator.state.faults.error_500 = True

    hass.bus.async_listen("dinstar_sms_received", gateway_fails)
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "unknown"
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    (warning,) = [w for w in assist_warnings(caplog) if w.startswith("Assist by SMS could not")]
    said = f"Assist by SMS could not read the SMS from {ALICE} on {entry.title}: "
    assert warning.startswith(said)
    assert "500" in warning.removeprefix(said)  # the gateway's error, as the client tells it
    assert replies_to(simulator, ALICE) == []


async def test_a_message_gone_from_the_gateway_is_not_answered(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """Deleted before it is read back: not answered, nor is the next one taken for it."""
    state = simulator.state

    @callback
    def deleted(event: Event) -> None:
        state.inbox[:] = [
            sms for sms in state.inbox if sms.incoming_sms_id != event.data["incoming_sms_id"]
        ]
        later = IncomingSms(state.next_incoming_id, 1, ALICE, "", "", f"{PIN} hello")
        state.next_incoming_id += 1
        state.inbox.append(later)  # not pushed: not answered now either

    unsubscribe = hass.bus.async_listen("dinstar_sms_received", deleted)
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    unsubscribe()
    assert hass.states.get(KITCHEN).state == "unknown"
    assert replies_to(simulator, ALICE) == []


async def test_the_conversation_goes_on(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """Within five minutes a contact's messages are one conversation: "it" is understood.

    (With nothing the guard refuses exposed: "it" is a sentence only the agent can place.)
    """
    for entity_id in REFUSED:
        async_expose_entity(hass, "conversation", entity_id, False)
    exchanges = async_capture_events(hass, "dinstar_assist_exchange")
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    await sms_in(ALICE, f"{PIN}: turn it off")
    assert hass.states.get(KITCHEN).state == "off"
    first, second = (event.data["conversation_id"] for event in exchanges)
    assert first == second


@pytest.mark.parametrize(
    "subentries",
    [
        [
            # As an older version saved a number typed nationally.
            ("contact", {"name": "Alice", "number": "017612345678", "assist": True}),
            ("assist", ASSIST),
        ]
    ],
)
async def test_a_contact_saved_in_national_notation(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    exchanges = async_capture_events(hass, "dinstar_assist_exchange")
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert len(replies_to(simulator, ALICE)) == 1
    assert exchanges[0].data["contact"] == "Alice"


@pytest.mark.parametrize(
    "subentries",
    [
        [
            ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
            ("contact", {"name": "Bob", "number": BOB, "assist": True}),
            ("assist", {**ASSIST, "rate_limit": 1}),
        ]
    ],
)
async def test_a_limit_is_logged_once_and_fired(
    hass: HomeAssistant,
    sms_in: Receive,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Logged once until an answer goes out again; fired each time."""
    limits = async_capture_events(hass, "dinstar_assist_limit")
    for text in ("turn on the kitchen light", "turn off the kitchen light", "hello"):
        await sms_in(ALICE, f"{PIN} {text}")
    assert hass.states.get(KITCHEN).state == "on"
    assert len(replies_to(simulator, ALICE)) == 1
    assert [event.data["limit"] for event in limits] == ["rate_limited", "rate_limited"]
    assert {event.data["sender"] for event in limits} == {ALICE}
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    assert assist_warnings(caplog) == [
        f"Assist by SMS on {entry.title} reached its limit (rate_limited): not answering {ALICE}"
    ]
    await sms_in(BOB, f"{PIN} what time is it")
    await sms_in(ALICE, f"{PIN} hello")
    assert len(replies_to(simulator, BOB)) == 1
    assert caplog.text.count("reached its limit (rate_limited)") == 2


async def test_the_message_is_read_by_its_id_in_a_long_inbox(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """The gateway answers a page of about 8 KB: the message is read from its own id on."""
    await sms_in(BOB, "hello")  # the entry has taken the inbox's history as handled
    state = simulator.state
    for _ in range(200):
        state.inbox.append(
            IncomingSms(state.next_incoming_id, 2, BOB, "", "2026-01-01 00:00:00", "x" * 150)
        )
        state.next_incoming_id += 1
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"
    assert len(replies_to(simulator, ALICE)) == 1


@pytest.mark.parametrize(
    "subentries", [[("contact", {"name": "Alice", "number": ALICE, "assist": True})]]
)
async def test_off_without_the_assist_subentry(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """A contact allowed to talk to Assist, but no Assist by SMS on the gateway: no answer."""
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "unknown"
    assert simulator.state.sent_messages == []


@pytest.mark.parametrize(
    "subentries",
    [
        [
            ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
            ("contact", {"name": "Bob", "number": BOB, "assist": True}),
            ("assist", {**ASSIST, "rate_limit": 1, "daily_cap": 1}),
        ]
    ],
)
async def test_each_limit_is_logged_once(
    hass: HomeAssistant,
    sms_in: Receive,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two limits one after the other, with no answer between: a warning for each."""
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    await sms_in(ALICE, f"{PIN} hello")  # a second reply within ten minutes
    await sms_in(BOB, f"{PIN} hello")  # the day's one reply is spent
    (entry,) = hass.config_entries.async_entries(DOMAIN)
    assert assist_warnings(caplog) == [
        f"Assist by SMS on {entry.title} reached its limit (rate_limited): not answering {ALICE}",
        f"Assist by SMS on {entry.title} reached its limit (daily_cap): not answering {BOB}",
    ]
    assert len(replies_to(simulator, ALICE)) == 1
    assert replies_to(simulator, BOB) == []
