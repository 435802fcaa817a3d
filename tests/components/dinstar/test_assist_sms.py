"""Assist by SMS against the simulator, with Home Assistant's own agent and a real light."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from devtools.gateway_simulator import Simulator

from .conftest import WEBHOOK_ID

ALICE = "+4917612345678"
BOB = "+4917600000001"
KITCHEN = "light.kitchen_light"
ASSIST = {"max_parts": 2, "rate_limit": 5, "daily_cap": 50}


@pytest.fixture
def subentries() -> list[tuple[str, dict[str, Any]]]:
    """Alice may talk to Assist, Bob is a contact who may not."""
    return [
        ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
        ("contact", {"name": "Bob", "number": BOB, "assist": False}),
        ("assist", ASSIST),
    ]


@pytest.fixture
async def kitchen(hass: HomeAssistant) -> None:
    """Home Assistant's default conversation agent and a light it may switch."""
    assert await async_setup_component(hass, "homeassistant", {})
    assert await async_setup_component(hass, "conversation", {})
    assert await async_setup_component(hass, "intent", {})
    assert await async_setup_component(
        hass,
        "template",
        {"template": [{"light": [{"name": "Kitchen light", "turn_on": [], "turn_off": []}]}]},
    )
    await hass.async_block_till_done()
    assert hass.states.get(KITCHEN).state == "unknown"  # optimistic, never switched yet


@pytest.fixture
async def sms_in(
    hass: HomeAssistant,
    kitchen: None,
    init_with_subentries: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> Any:
    """Receive an SMS on port 1 (pushed to the webhook) and let its answer go out."""
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))

    async def receive(sender: str, text: str) -> None:
        await received(hass, simulator, sender, text)

    return receive


async def received(hass: HomeAssistant, simulator: Simulator, sender: str, text: str) -> None:
    """The simulator receives an SMS on port 1; wait for its push, then for what follows."""
    event = asyncio.Event()
    unsubscribe = hass.bus.async_listen("dinstar_sms_received", callback(lambda _: event.set()))
    simulator.state.receive_sms(1, sender, text)
    async with asyncio.timeout(5):
        await event.wait()
    unsubscribe()
    await hass.async_block_till_done(wait_background_tasks=True)


def replies_to(simulator: Simulator, number: str) -> list[str]:
    return [sms.text for sms in simulator.state.sent_messages if sms.number == number]


async def test_an_allowed_contact_turns_on_the_light(
    hass: HomeAssistant, sms_in: Any, simulator: Simulator
) -> None:
    """The answer goes back as an SMS from the same port; the exchange is an event."""
    exchanges: list[Event] = []
    hass.bus.async_listen("dinstar_assist_exchange", exchanges.append)
    await sms_in(ALICE, "turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"
    (reply,) = replies_to(simulator, ALICE)
    assert simulator.state.sent_messages[0].port == 1
    assert exchanges[0].data["contact"] == "Alice"
    assert exchanges[0].data["text"] == "turn on the kitchen light"
    assert exchanges[0].data["reply"] == reply
    assert exchanges[0].data["conversation_id"].startswith("dinstar-sms-")


async def test_anyone_else_changes_nothing(
    hass: HomeAssistant, sms_in: Any, simulator: Simulator
) -> None:
    """A contact not allowed, a stranger, the gateway's own SIM: no light, no SMS."""
    own = simulator.state.ports[2].sim.number
    for sender in (BOB, "+4930999999", own, "VODAFONE", "22333"):
        await sms_in(sender, "turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "unknown"
    assert simulator.state.sent_messages == []


@pytest.mark.parametrize(
    "subentries",
    [
        [
            ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
            ("assist", {**ASSIST, "pin": "4711"}),
        ]
    ],
)
async def test_the_pin_starts_each_message(
    hass: HomeAssistant, sms_in: Any, simulator: Simulator
) -> None:
    await sms_in(ALICE, "1234 turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "unknown"
    await sms_in(ALICE, "4711 turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"
    assert len(replies_to(simulator, ALICE)) == 1


@pytest.mark.parametrize(
    "subentries",
    [
        [
            ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
            ("assist", {**ASSIST, "rate_limit": 1}),
        ]
    ],
)
async def test_a_limit_is_logged_once_and_fired(
    hass: HomeAssistant,
    sms_in: Any,
    simulator: Simulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    limits: list[Event] = []
    hass.bus.async_listen("dinstar_assist_limit", limits.append)
    for text in ("turn on the kitchen light", "turn off the kitchen light", "hello"):
        await sms_in(ALICE, text)
    assert hass.states.get(KITCHEN).state == "on"
    assert len(replies_to(simulator, ALICE)) == 1
    assert [event.data["limit"] for event in limits] == ["rate_limited", "rate_limited"]
    assert caplog.text.count("reached its limit") == 1


async def test_off_without_the_assist_subentry(
    hass: HomeAssistant,
    kitchen: None,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The form adds it once per gateway; without it nobody is answered."""
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(f"/api/webhook/{WEBHOOK_ID}"))
    await received(hass, simulator, ALICE, "turn on the kitchen light")
    assert simulator.state.sent_messages == []

    async def add() -> Any:
        result = await hass.config_entries.subentries.async_init(
            (init_integration.entry_id, "assist"), context={"source": SOURCE_USER}
        )
        if result["type"] is FlowResultType.FORM:
            result = await hass.config_entries.subentries.async_configure(
                result["flow_id"], {**ASSIST, "pin": "4711"}
            )
        return result

    result = await add()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {**ASSIST, "pin": "4711"}
    assert (await add())["reason"] == "already_configured"


async def test_a_reply_the_gateway_refuses_is_logged(
    hass: HomeAssistant, sms_in: Any, simulator: Simulator, caplog: pytest.LogCaptureFixture
) -> None:
    """Assist acted, but its answer could not go out: a warning, and no exchange is fired."""
    exchanges: list[Event] = []
    hass.bus.async_listen("dinstar_assist_exchange", exchanges.append)
    simulator.state.faults.error_500 = True  # pushes still come, every API call fails
    await sms_in(ALICE, "turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"
    assert f"The Assist reply to {ALICE} was not sent" in caplog.text
    assert exchanges == []
    assert replies_to(simulator, ALICE) == []
