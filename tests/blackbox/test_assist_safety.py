"""Assist by SMS, issue item 1: safe by default; an SMS never unlocks, opens or disarms.

A sender's number is easy to forge, so these SMS come from an allowed contact's number, as a
forger's would: they really are in the gateway's inbox with that sender, and the gateway pushes
them. Home Assistant's own conversation agent answers; the home's entities are real (template
entities over input booleans, which Assist does not see): their states show what was switched.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.components.homeassistant.exposed_entities import (
    async_expose_entity,
    async_should_expose,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
import pytest

from .conftest import (
    ALARM,
    ALICE,
    BACK_DOOR,
    BLIND,
    FRONT_DOOR,
    GARAGE,
    GATE,
    HEATER,
    KITCHEN,
    PIN,
    add_assist,
    add_contact,
    add_idle_gateway,
    assist_form,
    dinstar_issues,
    reconfigure_assist,
    text,
)
from .gateway import FakeGateway

# What the refused services would be: none of them may run, whatever the SMS says.
DANGEROUS = {
    ("lock", "unlock"),
    ("lock", "open"),
    ("cover", "open_cover"),
    ("cover", "set_cover_position"),
    ("alarm_control_panel", "alarm_disarm"),
}


def _dangerous(calls: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    return [call for call in calls if (call[0], call[1]) in DANGEROUS]


def _assist_subentries(added: Any) -> list[Any]:
    return [s for s in added.entry.subentries.values() if s.subentry_type == "assist"]


def _states(hass: HomeAssistant, *entity_ids: str) -> dict[str, str]:
    return {entity_id: hass.states.get(entity_id).state for entity_id in entity_ids}  # type: ignore[union-attr]


async def test_assist_by_sms_cannot_be_added_with_the_defaults(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """The form as shown, submitted untouched, asks for a PIN or an explicit "no PIN"."""
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ALICE)

    result = await assist_form(hass, added)

    assert result["type"] is FlowResultType.FORM, result
    assert result["errors"], result
    assert _assist_subentries(added) == []


@pytest.mark.parametrize("pin", ["1", "4711", "12345", "     6"])
async def test_a_pin_shorter_than_six_characters_is_refused(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway, pin: str
) -> None:
    """A one-digit PIN (or any under 6 characters, spaces not counting) is not accepted."""
    added = await add_idle_gateway(hass, gateway)

    result = await assist_form(hass, added, pin=pin)

    assert result["type"] is FlowResultType.FORM, result
    assert "pin" in result["errors"], result
    assert _assist_subentries(added) == []


async def test_no_pin_is_an_explicit_choice_with_a_repair_issue_saying_what_it_exposes(
    hass: HomeAssistant, home: TestClient, gateway: FakeGateway
) -> None:
    """The explicit "Answer without a PIN" is accepted, and a repair issue tells what a forger can then do."""
    added = await add_idle_gateway(hass, gateway)
    assert dinstar_issues(hass) == {}

    await add_assist(hass, added, no_pin=True)

    issues = dinstar_issues(hass)
    assert len(issues) == 1, issues
    (issue,) = issues.values()
    strings = await async_get_translations(hass, "en", "issues", ["dinstar"])
    description = strings[f"component.dinstar.issues.{issue.translation_key}.description"]
    assert "forg" in description.lower()
    assert "pin" in description.lower()

    # Reconfigured with a PIN, the issue goes.
    result = await reconfigure_assist(hass, added, pin=PIN, no_pin=False)
    assert result["type"] is FlowResultType.ABORT, result
    await hass.async_block_till_done(wait_background_tasks=True)
    assert dinstar_issues(hass) == {}


async def test_forged_sender_without_pin_cannot_open_the_garage(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    service_calls: list[tuple[str, str, Any]],
) -> None:
    """The issue's case: "open the garage door" from a forged contact number, no PIN.

    Covers are exposed to Assist by Home Assistant's defaults; the garage door stays closed and
    the reply says it cannot be controlled by SMS. The light (what a stranger may switch) does.
    """
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ALICE)
    await add_assist(hass, added, no_pin=True)
    assert async_should_expose(hass, "conversation", GARAGE)

    replies = await text(hass, home, added, ALICE, "open the garage door")

    assert _states(hass, GARAGE) == {GARAGE: "closed"}
    assert _dangerous(service_calls) == []
    assert len(replies) == 1, replies
    assert "cannot be controlled by SMS" in replies[0]["text"], replies
    assert replies[0]["number"] == ALICE

    replies = await text(hass, home, added, ALICE, "turn on the kitchen light")
    assert hass.states.get(KITCHEN).state == "on"  # type: ignore[union-attr]
    assert len(replies) == 1, replies


@pytest.mark.parametrize(
    ("sentence", "entity_id", "before"),
    [
        ("open the garage door", GARAGE, "closed"),
        ("open the back door", BACK_DOOR, "closed"),
        ("open the front gate", GATE, "closed"),
        ("unlock the front door", FRONT_DOOR, "locked"),
        ("disarm the house alarm", ALARM, "armed_away"),
        ("set the garage door to 50%", GARAGE, "closed"),
        ("open all the covers", GARAGE, "closed"),
        ("open the covers in the garage", GARAGE, "closed"),
    ],
)
async def test_with_the_pin_an_sms_never_unlocks_opens_or_disarms(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    service_calls: list[tuple[str, str, Any]],
    sentence: str,
    entity_id: str,
    before: str,
) -> None:
    """Even exposed to Assist on purpose and with the right PIN, these are refused, and told so."""
    for exposed in (FRONT_DOOR, ALARM):
        async_expose_entity(hass, "conversation", exposed, True)
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ALICE)
    await add_assist(hass, added)

    replies = await text(hass, home, added, ALICE, f"{PIN} {sentence}")

    assert _states(hass, entity_id) == {entity_id: before}
    assert _dangerous(service_calls) == []
    assert len(replies) == 1, replies
    assert replies[0]["text"].startswith("Not done"), replies


async def test_deny_list_refuses_an_exposed_entity_and_other_covers_still_work(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    service_calls: list[tuple[str, str, Any]],
) -> None:
    """The heater on the deny list is refused; a blind (not a door) and the light are not."""
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ALICE)
    await add_assist(hass, added, denied_entities=[HEATER])

    refused = await text(hass, home, added, ALICE, f"{PIN} turn on the heater")
    assert hass.states.get(HEATER).state == "off"  # type: ignore[union-attr]
    assert [call for call in service_calls if call[0] == "switch"] == []
    assert len(refused) == 1, refused
    assert "cannot be controlled by SMS" in refused[0]["text"], refused

    await text(hass, home, added, ALICE, f"{PIN} open the living room blind")
    await text(hass, home, added, ALICE, f"{PIN} turn on the kitchen light")
    assert _states(hass, BLIND, KITCHEN) == {BLIND: "open", KITCHEN: "on"}


async def test_a_conversation_trigger_cannot_open_the_garage_by_sms(
    hass: HomeAssistant,
    home: TestClient,
    gateway: FakeGateway,
    service_calls: list[tuple[str, str, Any]],
) -> None:
    """A user's automation answers "open sesame" by opening the garage; by SMS it must not.

    The issue: whatever is exposed to Assist, an SMS can never open a garage door. A sentence
    of a conversation trigger reaches the same cover through Home Assistant's own agent.
    """
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                {
                    "triggers": [{"trigger": "conversation", "command": "open sesame"}],
                    "actions": [{"action": "cover.open_cover", "target": {"entity_id": GARAGE}}],
                }
            ]
        },
    )
    added = await add_idle_gateway(hass, gateway)
    await add_contact(hass, added, "Alice", ALICE)
    await add_assist(hass, added)

    await text(hass, home, added, ALICE, f"{PIN} open sesame")

    assert _states(hass, GARAGE) == {GARAGE: "closed"}
    assert _dangerous(service_calls) == []
