"""Issue 22: contacts that fail over, the "SMS failed over today" sensors, the logbook's words.

Each contact's count, from the README ("Sending that fails over", **Counts**): on the contact's
device, the messages its notify entity sent that needed another attempt, whichever gateway or
port took over; ``send_sms`` names no contact; a contact added, renamed or deleted brings,
renames or takes its sensor without a reload; the counts stay available while a gateway is
down, are kept across a restart and are back to 0 at midnight.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .conftest import Added, add_gateway, advance, form_defaults, record_events, wait_for
from .failover import (
    NUMBER,
    carried,
    entry_of,
    joined,
    pushing,
    restarted_with_gateways,
    send,
    send_requests,
    settle,
    start_integration,
    two_gateways,
    until_final,
)
from .gateway import FakeGateway


async def add_failover_contact(
    hass: HomeAssistant, added: Added, name: str, number: str, **fields: Any
) -> str:
    """Add a contact through the gateway's "Add contact", with "Fail over to" as given.

    Returns the contact's subentry ID.
    """
    result = await hass.config_entries.subentries.async_init(
        (added.entry.entry_id, "contact"), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM, result
    # The port picker's values are the ports' numbers as text, as the form sends them.
    if "port" in fields:
        fields["port"] = str(fields["port"])
    data = {"name": name, "number": number, "assist": False, **fields}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done(wait_background_tasks=True)
    return next(
        subentry_id
        for subentry_id, subentry in added.entry.subentries.items()
        if subentry.subentry_type == "contact" and subentry.title == name
    )


async def notify(hass: HomeAssistant, entity_id: str, message: str) -> None:
    await hass.services.async_call(
        "notify", "send_message", {"entity_id": entity_id, "message": message}, blocking=True
    )


# -- contacts -------------------------------------------------------------------------------


async def test_contact_fails_over_to_every_gateway_by_default(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Two gateways, "Fail over to" left empty: the contact's port first, then any; once."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    await add_failover_contact(hass, a, "Alice", NUMBER, port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}

    await notify(hass, "notify.alice_sms", "Alarm at home")
    await until_final(hass, finals)

    (final,) = finals
    assert final["outcome"] == "sent"
    assert (final["attempts"][0]["config_entry_id"], final["attempts"][0]["port"]) == (
        entry_of(a),
        1,
    )
    assert final["attempts"][0]["outcome"] == "failed"
    assert len(carried(NUMBER, gateway, second_gateway)) == 1


async def test_contact_of_the_only_gateway_does_not_fail_over(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """One gateway, "Fail over to" left empty: no failover, as before (one send, no final)."""
    added = pushing(await add_gateway(hass, gateway), http)
    await hass.async_block_till_done(wait_background_tasks=True)
    await add_failover_contact(hass, added, "Alice", NUMBER, port=1)
    finals = record_events(hass, "dinstar_sms_final")
    outcomes = record_events(hass, "dinstar_sms_sent")
    gateway.no_credit = {1}

    await notify(hass, "notify.alice_sms", "Alarm at home")
    assert await wait_for(hass, lambda: bool(outcomes), timeout=5)
    await settle(hass)

    assert [(e["port"], e["outcome"]) for e in outcomes] == [(1, "failed")]
    assert len(send_requests(gateway)) == 1
    assert finals == []


async def test_contact_failing_over_to_this_gateway_only(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Fail over to A alone: B is never used, even when all of A's SIMs fail."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    await add_failover_contact(hass, a, "Alice", NUMBER, port=1, pool=[a.entry.entry_id])
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {0, 1, 2, 3}

    await notify(hass, "notify.alice_sms", "Alarm at home")
    await until_final(hass, finals)

    (final,) = finals
    assert final["outcome"] == "failed"
    assert {x["config_entry_id"] for x in final["attempts"]} == {entry_of(a)}
    assert len(final["attempts"]) == 3
    assert send_requests(second_gateway) == []


# -- the sensors ------------------------------------------------------------------------------


def failed_over(hass: HomeAssistant, short: str) -> tuple[str, Any]:
    state = hass.states.get(f"sensor.dinstar_{short}_sms_failed_over_today")
    assert state is not None
    return state.state, state.attributes.get("all_gateways")


async def test_failed_over_today_counts_per_gateway(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A's first attempt failed over: A counts 1, B 0, all gateways 1; a plain send counts not."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}

    await send(hass, entry_of(a), number=[NUMBER], pool="all", port=1)
    await until_final(hass, finals)
    await send(hass, entry_of(a), number=["+4915100000001"], pool="all", port=2)
    assert await wait_for(hass, lambda: len(finals) == 2, timeout=5)
    await settle(hass)

    assert [len(final["attempts"]) for final in finals] == [2, 1]
    assert failed_over(hass, "0001") == ("1", 1)
    assert failed_over(hass, "0002") == ("0", 1)


@pytest.mark.freeze_time(tick=True)
async def test_failed_over_today_is_back_to_0_at_midnight(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    freezer: FrozenDateTimeFactory,
) -> None:
    """At midnight the counts are 0 again, without an error in Home Assistant."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}
    await send(hass, entry_of(a), number=[NUMBER], pool="all", port=1)
    await until_final(hass, finals)
    assert failed_over(hass, "0001") == ("1", 1)

    midnight = dt_util.start_of_local_day(dt_util.now() + timedelta(days=1))
    with loop_errors(hass) as errors:
        freezer.move_to(midnight + timedelta(seconds=1))
        async_fire_time_changed(hass, midnight + timedelta(seconds=1))
        await hass.async_block_till_done(wait_background_tasks=True)
        await settle(hass)

    assert errors == [], errors
    assert failed_over(hass, "0001") == ("0", 0)
    assert failed_over(hass, "0002") == ("0", 0)


@contextmanager
def loop_errors(hass: HomeAssistant) -> Iterator[list[str]]:
    """What reaches the event loop's exception handler meanwhile (Home Assistant logs it)."""
    loop = hass.loop
    previous = loop.get_exception_handler()
    seen: list[str] = []

    def handler(_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        seen.append(str(context.get("exception") or context.get("message")))

    loop.set_exception_handler(handler)
    try:
        yield seen
    finally:
        loop.set_exception_handler(previous)


# -- each contact's count: the helpers -----------------------------------------------------


ALICE = "+4915100000011"
BOB = "+4915100000012"
CAROL = "+4915100000013"
EVERY_PORT = {0, 1, 2, 3}


async def rename_contact(hass: HomeAssistant, added: Added, subentry_id: str, name: str) -> None:
    """The contact's Reconfigure: the form as shown, with a new name."""
    result = await hass.config_entries.subentries.async_init(
        (entry_of(added), "contact"),
        context={"source": SOURCE_RECONFIGURE, "subentry_id": subentry_id},
    )
    assert result["type"] is FlowResultType.FORM, result
    data = form_defaults(result)
    for key in result["data_schema"].schema:
        suggested = (getattr(key, "description", None) or {}).get("suggested_value")
        if suggested is not None:
            data[key.schema] = suggested
    data["name"] = name
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], data)
    assert result["type"] is FlowResultType.ABORT, result
    assert result["reason"] == "reconfigure_successful", result
    await hass.async_block_till_done(wait_background_tasks=True)


async def finals_reach(hass: HomeAssistant, finals: list[dict[str, Any]], count: int) -> None:
    assert await wait_for(hass, lambda: len(finals) >= count, timeout=10), finals
    await settle(hass)


def final_for(finals: list[dict[str, Any]], number: str) -> dict[str, Any]:
    (final,) = [final for final in finals if final["number"] == number]
    return final


def contact_count(hass: HomeAssistant, who: str) -> str:
    """The state of the contact's "SMS failed over today"."""
    state = hass.states.get(f"sensor.{who}_sms_failed_over_today")
    assert state is not None, f"sensor.{who}_sms_failed_over_today does not exist"
    return state.state


async def failed_over_once(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> tuple[Added, Added, str]:
    """A and B; Alice of A (port 1) fails over once: port 1 cannot pay. Returns her subentry."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    subentry_id = await add_failover_contact(hass, a, "Alice", ALICE, port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}
    await notify(hass, "notify.alice_sms", "Alarm at home")
    await finals_reach(hass, finals, 1)
    assert len(finals[0]["attempts"]) >= 2, finals
    assert contact_count(hass, "alice") == "1"
    return a, b, subentry_id


@contextmanager
def reloads(hass: HomeAssistant, entry: ConfigEntry) -> Iterator[list[str]]:
    """What would show a reload of ``entry`` meanwhile.

    Its states other than loaded, and its gateway's sensors leaving the state machine or going
    unavailable.
    """
    seen: list[str] = []

    @callback
    def changed(change: ConfigEntryChange, changed_entry: ConfigEntry) -> None:
        if changed_entry.entry_id == entry.entry_id and (
            changed_entry.state is not ConfigEntryState.LOADED
        ):
            seen.append(f"entry {change}: {changed_entry.state}")

    @callback
    def removed(event: Event) -> None:
        entity_id = event.data["entity_id"]
        new_state = event.data["new_state"]
        if entity_id.startswith("sensor.dinstar_0001_") and (
            new_state is None or new_state.state == "unavailable"
        ):
            seen.append(f"{entity_id} {'removed' if new_state is None else 'unavailable'}")

    unsubscribe = [
        async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, changed),
        hass.bus.async_listen("state_changed", removed),
    ]
    try:
        yield seen
    finally:
        for undo in unsubscribe:
            undo()


# -- each contact's "SMS failed over today" ---------------------------------------------------


async def test_each_contact_counts_its_own_messages_only(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Alice (port 1) and Bob (port 2) fail over, Carol's goes at once (port 3).

    Alice 1, Bob 1, Carol 0; A's gateway sensor 2, B's 0, ``all_gateways`` 2 on both.
    """
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    await add_failover_contact(hass, a, "Alice", ALICE, port=1)
    await add_failover_contact(hass, a, "Bob", BOB, port=2)
    await add_failover_contact(hass, a, "Carol", CAROL, port=3)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1, 2}
    assert [contact_count(hass, who) for who in ("alice", "bob", "carol")] == ["0", "0", "0"]

    await notify(hass, "notify.alice_sms", "Alarm at home")
    await finals_reach(hass, finals, 1)
    await notify(hass, "notify.bob_sms", "Alarm at home")
    await finals_reach(hass, finals, 2)
    await notify(hass, "notify.carol_sms", "Alarm at home")
    await finals_reach(hass, finals, 3)

    assert len(final_for(finals, ALICE)["attempts"]) >= 2
    assert len(final_for(finals, BOB)["attempts"]) >= 2
    assert [x["port"] for x in final_for(finals, CAROL)["attempts"]] == [3]
    assert contact_count(hass, "alice") == "1"
    assert contact_count(hass, "bob") == "1"
    assert contact_count(hass, "carol") == "0"
    assert failed_over(hass, "0001") == ("2", 2)
    assert failed_over(hass, "0002") == ("0", 2)


async def test_a_contact_counts_what_the_other_gateway_sent(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A has only port 1 on the network and it cannot pay: B sends Alice's alarm.

    Alice counts 1, whichever gateway took over; A (the first attempt's gateway) 1, B 0.
    """
    gateway.unregistered = {0, 2, 3}
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await add_failover_contact(hass, a, "Alice", ALICE, port=1)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}

    await notify(hass, "notify.alice_sms", "Alarm at home")
    await finals_reach(hass, finals, 1)

    (final,) = finals
    assert final["outcome"] == "sent", final
    assert final["final_port"]["config_entry_id"] == entry_of(b), final
    first = final["attempts"][0]
    assert (first["config_entry_id"], first["port"]) == (entry_of(a), 1)
    assert len(carried(ALICE, gateway, second_gateway)) == 1
    assert contact_count(hass, "alice") == "1"
    assert failed_over(hass, "0001") == ("1", 1)
    assert failed_over(hass, "0002") == ("0", 1)


async def test_a_message_failed_on_every_port_counts_once(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Alice fails over on A only and every SIM of A cannot pay: three attempts, one message.

    The count is of messages that needed another attempt (here 1), not of attempts (3), and a
    message that failed for good counts as well as one that went.
    """
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    await add_failover_contact(hass, a, "Alice", ALICE, port=1, pool=[entry_of(a)])
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = set(EVERY_PORT)

    await notify(hass, "notify.alice_sms", "Alarm at home")
    await finals_reach(hass, finals, 1)

    (final,) = finals
    assert final["outcome"] == "failed", final
    assert len(final["attempts"]) == 3, final
    assert send_requests(second_gateway) == []
    assert contact_count(hass, "alice") == "1"
    assert failed_over(hass, "0001") == ("1", 1)


async def test_send_sms_to_a_contacts_number_counts_on_the_gateway_only(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """``dinstar.send_sms`` with a pool, to Alice's very number, fails over: Alice stays 0.

    It names no contact, so only A's gateway sensor (and ``all_gateways``) counts it.
    """
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    await add_failover_contact(hass, a, "Alice", ALICE, port=1)
    await add_failover_contact(hass, a, "Bob", BOB, port=2)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}

    await send(hass, entry_of(a), number=[ALICE], pool="all", port=1)
    await finals_reach(hass, finals, 1)

    (final,) = finals
    assert len(final["attempts"]) >= 2, final
    assert final["outcome"] == "sent", final
    assert contact_count(hass, "alice") == "0"
    assert contact_count(hass, "bob") == "0"
    assert failed_over(hass, "0001") == ("1", 1)
    assert failed_over(hass, "0002") == ("0", 1)


async def test_a_contact_without_failover_never_counts(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """One gateway, "Fail over to" left empty: its SMS fails on port 1, tried once: 0 stays 0."""
    added = pushing(await add_gateway(hass, gateway), http)
    await hass.async_block_till_done(wait_background_tasks=True)
    await add_failover_contact(hass, added, "Alice", ALICE, port=1)
    outcomes = record_events(hass, "dinstar_sms_sent")
    gateway.no_credit = {1}

    await notify(hass, "notify.alice_sms", "Alarm at home")
    assert await wait_for(hass, lambda: bool(outcomes), timeout=5)
    await settle(hass)
    await advance(hass, 150)
    await settle(hass)

    assert [(e["port"], e["outcome"]) for e in outcomes] == [(1, "failed")]
    assert len(send_requests(gateway)) == 1
    assert contact_count(hass, "alice") == "0"
    assert failed_over(hass, "0001") == ("0", 0)


# -- contacts added, renamed, deleted -----------------------------------------------------------


async def test_a_contact_added_while_running_brings_its_sensor_without_a_reload(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Bob, added after Alice's alarm failed over: his sensor is there at 0, Alice keeps 1."""
    a, _, _ = await failed_over_once(hass, http, gateway, second_gateway)
    assert hass.states.get("sensor.bob_sms_failed_over_today") is None

    with reloads(hass, a.entry) as seen:
        await add_failover_contact(hass, a, "Bob", BOB, port=2)

    assert seen == [], seen
    assert contact_count(hass, "bob") == "0"
    assert er.async_get(hass).async_get("sensor.bob_sms_failed_over_today") is not None
    assert contact_count(hass, "alice") == "1"
    assert failed_over(hass, "0001") == ("1", 1)


async def test_a_renamed_contacts_sensor_follows_its_name_and_keeps_its_count(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Alice renamed Alicia: the same entity ID, "Alicia SMS failed over today", still 1."""
    a, _, subentry_id = await failed_over_once(hass, http, gateway, second_gateway)
    before = hass.states.get("sensor.alice_sms_failed_over_today")
    assert before is not None
    assert before.attributes.get("friendly_name") == "Alice SMS failed over today"

    with reloads(hass, a.entry) as seen:
        await rename_contact(hass, a, subentry_id, "Alicia")

    assert seen == [], seen
    after = hass.states.get("sensor.alice_sms_failed_over_today")
    assert after is not None, "the sensor's entity ID changed with the name"
    assert after.attributes.get("friendly_name") == "Alicia SMS failed over today"
    assert after.state == "1"
    assert hass.states.get("sensor.alicia_sms_failed_over_today") is None


async def test_a_deleted_contacts_sensor_is_gone_without_a_reload(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Alice deleted: her sensor leaves the state machine and the entity registry; Bob stays."""
    a, _, subentry_id = await failed_over_once(hass, http, gateway, second_gateway)
    await add_failover_contact(hass, a, "Bob", BOB, port=2)
    registry = er.async_get(hass)
    assert registry.async_get("sensor.alice_sms_failed_over_today") is not None

    with reloads(hass, a.entry) as seen:
        assert hass.config_entries.async_remove_subentry(a.entry, subentry_id)
        await hass.async_block_till_done(wait_background_tasks=True)

    assert seen == [], seen
    assert hass.states.get("sensor.alice_sms_failed_over_today") is None
    assert registry.async_get("sensor.alice_sms_failed_over_today") is None
    assert contact_count(hass, "bob") == "0"
    assert failed_over(hass, "0001") == ("1", 1)


# -- Home Assistant's own counts: a gateway down, a restart, midnight ---------------------------


async def test_the_contacts_count_stays_available_while_its_gateway_is_down(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A stops answering: A's port sensors are unavailable, Alice's and A's counts still 1."""
    await failed_over_once(hass, http, gateway, second_gateway)

    await gateway.stop()

    def registration() -> str | None:
        state = hass.states.get("sensor.dinstar_0001_port_1_registration")
        return None if state is None else state.state

    # Refreshes come every 30 s; a failed one may be retried before the entities give up.
    for _ in range(10):
        await advance(hass, 31)
        await settle(hass)
        if registration() == "unavailable":
            break
    assert registration() == "unavailable"
    alice = hass.states.get("sensor.alice_sms_failed_over_today")
    assert alice is not None
    assert alice.state == "1", alice
    assert failed_over(hass, "0001") == ("1", 1)


async def test_the_contacts_count_is_kept_across_a_restart(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Alice failed over once; Home Assistant restarts: her sensor says 1 again, so does A's.

    Her next alarm that fails over counts on from there: 2.
    """
    a, b, _ = await failed_over_once(hass, http, gateway, second_gateway)

    async with restarted_with_gateways(hass, a, b, air_delay=0.02) as (second, _, _):
        await start_integration(second, a, b)
        await settle(second)
        assert contact_count(second, "alice") == "1"
        assert failed_over(second, "0001") == ("1", 1)
        assert failed_over(second, "0002") == ("0", 1)

        finals = record_events(second, "dinstar_sms_final")
        await notify(second, "notify.alice_sms", "Alarm again")
        await finals_reach(second, finals, 1)
        assert len(finals[0]["attempts"]) >= 2, finals
        assert contact_count(second, "alice") == "2"
        assert failed_over(second, "0001") == ("2", 2)


@pytest.mark.freeze_time(tick=True)
async def test_the_contacts_count_is_back_to_0_at_midnight(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Alice counts 1; at midnight she counts 0, and a failover after it counts 1 again."""
    await failed_over_once(hass, http, gateway, second_gateway)

    midnight = dt_util.start_of_local_day(dt_util.now() + timedelta(days=1))
    freezer.move_to(midnight + timedelta(seconds=1))
    async_fire_time_changed(hass, midnight + timedelta(seconds=1))
    await hass.async_block_till_done(wait_background_tasks=True)
    await settle(hass)

    assert contact_count(hass, "alice") == "0"
    assert failed_over(hass, "0001") == ("0", 0)

    finals = record_events(hass, "dinstar_sms_final")
    await notify(hass, "notify.alice_sms", "Alarm again")
    await finals_reach(hass, finals, 1)
    assert len(finals[0]["attempts"]) >= 2, finals
    assert contact_count(hass, "alice") == "1"


# -- where the sensor lives ---------------------------------------------------------------------


async def test_the_sensor_is_on_the_contacts_device(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Alice's sensor shares her notify entity's device, which is linked via gateway A's."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    await add_failover_contact(hass, a, "Alice", ALICE, port=1)
    entities = er.async_get(hass)
    devices = dr.async_get(hass)

    sensor = entities.async_get("sensor.alice_sms_failed_over_today")
    notify = entities.async_get("notify.alice_sms")
    gateways_sensor = entities.async_get("sensor.dinstar_0001_sms_failed_over_today")
    assert sensor is not None
    assert notify is not None
    assert gateways_sensor is not None
    assert sensor.device_id is not None
    assert sensor.device_id == notify.device_id
    assert sensor.config_entry_id == entry_of(a)
    device = devices.async_get(sensor.device_id)
    assert device is not None
    assert device.name == "Alice"
    assert gateways_sensor.device_id is not None
    assert device.via_device_id == gateways_sensor.device_id
    assert sensor.device_id != gateways_sensor.device_id


async def test_contacts_of_two_gateways_count_apart(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    third_gateway: FakeGateway,
) -> None:
    """Alice of A and Bob of B both fail over: each counts 1, A 1, B 1, C 0, all 2."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await joined(hass, http, third_gateway)
    await add_failover_contact(hass, a, "Alice", ALICE, port=1)
    await add_failover_contact(hass, b, "Bob", BOB, port=2)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}
    second_gateway.no_credit = {2}

    await notify(hass, "notify.alice_sms", "Alarm at home")
    await finals_reach(hass, finals, 1)
    await notify(hass, "notify.bob_sms", "Alarm at home")
    await finals_reach(hass, finals, 2)

    assert final_for(finals, ALICE)["attempts"][0]["config_entry_id"] == entry_of(a)
    assert final_for(finals, BOB)["attempts"][0]["config_entry_id"] == entry_of(b)
    assert contact_count(hass, "alice") == "1"
    assert contact_count(hass, "bob") == "1"
    assert failed_over(hass, "0001") == ("1", 2)
    assert failed_over(hass, "0002") == ("1", 2)
    assert failed_over(hass, "0003") == ("0", 2)
