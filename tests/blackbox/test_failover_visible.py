"""Issue 22: contacts that fail over, the "SMS failed over today" sensors, the logbook's words."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .conftest import Added, add_gateway, record_events, wait_for
from .failover import (
    NUMBER,
    carried,
    entry_of,
    pushing,
    send,
    send_requests,
    settle,
    two_gateways,
    until_final,
)
from .gateway import FakeGateway


async def add_failover_contact(
    hass: HomeAssistant, added: Added, name: str, number: str, **fields: Any
) -> None:
    """Add a contact through the gateway's "Add contact", with "Fail over to" as given."""
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
