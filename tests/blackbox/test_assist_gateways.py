"""Assist by SMS, issue item 6: one answer per conversation.

Exactly one gateway answers a given SMS: the one it arrived on, from the port it arrived on.
The gateway's own SIM numbers, another gateway's SIM numbers and automated senders (short codes,
alphanumeric names) never get an answer, even when a user has added them as contacts allowed to
talk to Assist (a mistake, or a loop in the making).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest

from .conftest import (
    ALICE,
    KITCHEN,
    PIN,
    add_assist,
    add_contact,
    add_idle_gateway,
    sms_push,
    text,
    wait_for,
)
from .gateway import FakeGateway

ASK = f"{PIN} is the kitchen light on"


@pytest.fixture
async def other_gateway(socket_enabled: None) -> AsyncIterator[FakeGateway]:
    """A second gateway with its own serial number and SIM numbers.

    Unlike conftest's ``second_gateway``, whose SIMs have the same numbers as the first
    gateway's: here a gateway's SIM numbers must tell the two gateways apart.
    """
    gw = FakeGateway(
        serial="fa0e-0000-0000-0002", mac="F8-A0-3D-00-00-02", sim_numbers="+4917200000"
    )
    await gw.start()
    yield gw
    await gw.stop()


async def test_only_the_gateway_and_port_it_arrived_on_answer(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway, other_gateway: FakeGateway
) -> None:
    """Alice is a contact with Assist on both gateways; each SMS gets one reply, from its port."""
    first = await add_idle_gateway(hass, gateway)
    second = await add_idle_gateway(hass, other_gateway)
    for added in (first, second):
        await add_contact(hass, added, "Alice", ALICE)
        await add_assist(hass, added)

    await text(hass, home, first, ALICE, ASK, port=2)
    await wait_for(hass, lambda: bool(other_gateway.sent()), timeout=0.3)
    assert [(s["number"], s["port"]) for s in gateway.sent()] == [(ALICE, 2)]
    assert other_gateway.sent() == []

    await text(hass, home, second, ALICE, ASK, port=3)
    await wait_for(hass, lambda: len(gateway.sent()) > 1, timeout=0.3)
    assert [(s["number"], s["port"]) for s in other_gateway.sent()] == [(ALICE, 3)]
    assert len(gateway.sent()) == 1


async def test_an_sms_pushed_twice_and_polled_is_answered_once(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """The gateway pushes the same SMS twice (a retry) and the safety read sees it: one reply."""
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ALICE)
    await add_assist(hass, added)

    assert await text(hass, home, added, ALICE, f"{PIN} turn on the kitchen light")
    for _ in range(2):
        await gateway.push(home, added.webhook_path, sms_push(gateway.serial, gateway.inbox[-1]))
    await wait_for(hass, lambda: len(gateway.sent()) > 1, timeout=0.5)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert len(gateway.sent()) == 1, gateway.sent()
    assert hass.states.get(KITCHEN).state == "on"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "who",
    [
        "own SIM, another port",
        "own SIM, same port",
        "other gateway's SIM",
        "short code",
        "alphanumeric",
    ],
)
async def test_gateways_and_automated_senders_are_never_answered(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    other_gateway: FakeGateway,
    who: str,
) -> None:
    """Even added as contacts allowed to talk to Assist, and with no PIN asked, no reply.

    Alice, texting the same words on the same port just after, is answered: the control.
    """
    sender = {
        "own SIM, another port": gateway.sim_number(0),
        "own SIM, same port": gateway.sim_number(1),
        "other gateway's SIM": other_gateway.sim_number(2),
        "short code": "22222",
        "alphanumeric": "Vodafone",
    }[who]
    first = await add_idle_gateway(hass, gateway)
    await add_idle_gateway(hass, other_gateway)
    await add_contact(hass, first, "Alice", ALICE)
    if who != "alphanumeric":  # the contact form refuses letters
        await add_contact(hass, first, "Mistake", sender)
    await add_assist(hass, first, no_pin=True)

    assert await text(hass, home, first, sender, "is the kitchen light on", reply=False) == []
    assert other_gateway.sent() == []
    assert await text(hass, home, first, ALICE, "is the kitchen light on"), "the control failed"
    assert [s["number"] for s in gateway.sent()] == [ALICE]
