"""What no SMS may do, whatever is exposed to Assist: unlock, open or disarm.

With Home Assistant's own agent and real entities of each refused kind exposed to Assist (the
covers by Home Assistant's default, the lock and the alarm panel by the ``home`` fixture).
"""

from __future__ import annotations

from typing import Any, Literal

from homeassistant.components import conversation
from homeassistant.components.conversation.models import AbstractConversationAgent
from homeassistant.components.homeassistant.exposed_entities import async_expose_entity
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    area_registry as ar,
    entity_registry as er,
    floor_registry as fr,
    intent,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from dinstar_dev.gateway_simulator import Simulator

from .conftest import ALICE, ASSIST, KITCHEN, PIN, REFUSED, Receive, replies_to

DENIED = ("light.cellar_light", "cover.cellar_blind")
NOT_UNDERSTOOD = (
    "Not done: this message was not understood well enough to check that it controls "
    "nothing an SMS may not."
)
OTHER_AGENT = (
    "Not done: a lock, an alarm or a door is exposed to Assist, and what this agent would do "
    "cannot be checked first."
)


@pytest.fixture
def subentries() -> list[tuple[str, dict[str, Any]]]:
    """Alice may talk to Assist; the cellar's light and blind are on the deny list."""
    return [
        ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
        ("assist", {**ASSIST, "denied_entities": list(DENIED)}),
    ]


@pytest.fixture
async def rooms(hass: HomeAssistant, home: None) -> None:
    """The kitchen (with the patio door) and the garage on the ground floor, the cellar below."""
    floors = fr.async_get(hass)
    ground = floors.async_create("Ground floor")
    basement = floors.async_create("Basement")
    areas = ar.async_get(hass)
    placed = {
        areas.async_create("Kitchen", floor_id=ground.floor_id).id: (
            KITCHEN,
            "cover.kitchen_blind",
            "cover.patio_door",
        ),
        areas.async_create("Garage", floor_id=ground.floor_id).id: (
            "cover.garage_door",
            "cover.drive_gate",
        ),
        areas.async_create("Cellar", floor_id=basement.floor_id).id: DENIED,
    }
    entities = er.async_get(hass)
    for area_id, entity_ids in placed.items():
        for entity_id in entity_ids:
            entities.async_update_entity(entity_id, area_id=area_id)
    await hass.async_block_till_done()


def unchanged(hass: HomeAssistant, *entity_ids: str) -> bool:
    """Whether the entities were never switched (template entities start unknown)."""
    return all(hass.states.get(entity_id).state == "unknown" for entity_id in entity_ids)


def refusal(names: str) -> str:
    return f"Not done: {names} cannot be controlled by SMS."


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("open the garage door", "Garage door"),
        ("open the patio door", "Patio door"),
        ("open the drive gate", "Drive gate"),
        ("unlock the front door", "Front door"),
        ("lock the front door", "Front door"),
        ("is the front door locked", "Front door"),
        ("set the garage door to 50%", "Garage door"),
        ("turn on the cellar light", "Cellar light"),
        ("turn off the lights in the cellar", "Cellar light"),
        ("open the gates in the garage", "Drive gate"),
        ("open the doors in the kitchen", "Patio door"),
        ("open the garage door in the garage", "Garage door"),
    ],
)
async def test_refused_before_the_agent_runs(
    hass: HomeAssistant,
    rooms: None,
    sms_in: Receive,
    simulator: Simulator,
    text: str,
    names: str,
) -> None:
    """Nothing of the kind moves (nor anything else), and the reply says why."""
    exchanges = async_capture_events(hass, "dinstar_assist_exchange")
    await sms_in(ALICE, f"{PIN} {text}")
    assert unchanged(hass, *REFUSED, *DENIED, KITCHEN, "cover.kitchen_blind")
    assert replies_to(simulator, ALICE) == [refusal(names)]
    assert exchanges[0].data["reply"] == refusal(names)


@pytest.mark.parametrize(
    ("text", "switched"),
    [
        ("turn on the kitchen light", KITCHEN),
        ("open the kitchen blind", "cover.kitchen_blind"),
        # Each of area, floor, domain and device class keeps a refused neighbour out.
        ("open the blinds in the kitchen", "cover.kitchen_blind"),
        ("turn on the lights on the ground floor", KITCHEN),
        ("turn on the lights in the kitchen", KITCHEN),
    ],
)
async def test_the_rest_is_answered(
    hass: HomeAssistant,
    rooms: None,
    sms_in: Receive,
    simulator: Simulator,
    text: str,
    switched: str,
) -> None:
    await sms_in(ALICE, f"{PIN} {text}")
    assert hass.states.get(switched).state in ("on", "open")
    assert unchanged(hass, *REFUSED, *DENIED)
    (reply,) = replies_to(simulator, ALICE)
    assert not reply.startswith("Not done")


async def test_a_sentence_without_a_target_is_answered(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """Asking the time touches no entity, refused ones exposed or not."""
    await sms_in(ALICE, f"{PIN} what time is it")
    (reply,) = replies_to(simulator, ALICE)
    assert not reply.startswith("Not done")


@pytest.mark.parametrize(
    "text",
    ["disarm the house alarm", "what is the house alarm", "open it", "garage door open please"],
)
async def test_what_cannot_be_checked_is_refused(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator, text: str
) -> None:
    """Not recognised: Home Assistant's fallback might still find a target in it."""
    await sms_in(ALICE, f"{PIN} {text}")
    assert unchanged(hass, *REFUSED)
    assert replies_to(simulator, ALICE) == [NOT_UNDERSTOOD]


async def test_with_nothing_refused_exposed_the_agent_has_every_message(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """No lock, alarm or door within Assist's reach: nothing to keep from the agent."""
    for entity_id in (*REFUSED, *DENIED):
        async_expose_entity(hass, "conversation", entity_id, False)
    await sms_in(ALICE, f"{PIN} open it")
    await sms_in(ALICE, f"{PIN} turn on the cellar light")
    first, second = replies_to(simulator, ALICE)
    assert not first.startswith("Not done")
    assert not second.startswith("Not done")
    assert unchanged(hass, *REFUSED, *DENIED)  # not exposed: the agent cannot reach them


async def test_a_sentence_of_the_users_own_automation_does_not_run_by_sms(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """What an automation's sentence does cannot be checked first: by SMS it is refused."""
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "triggers": [{"trigger": "conversation", "command": "movie time"}],
                "actions": [
                    {"action": "light.turn_on", "target": {"entity_id": KITCHEN}},
                    {"set_conversation_response": "Enjoy the film"},
                ],
            }
        },
    )
    await sms_in(ALICE, f"{PIN} movie time")
    assert hass.states.get(KITCHEN).state != "on"
    assert replies_to(simulator, ALICE) == [
        (
            "Not done: your own Assist sentences (conversation triggers) do not run by SMS, as"
            " what they do cannot be checked first."
        )
    ]


class OtherAgent(AbstractConversationAgent):
    """Another conversation agent, as a language model would be: it hears the message."""

    def __init__(self) -> None:
        """Nothing heard yet; it will answer in words."""
        self.heard: list[str] = []
        self.speech: str | None = "Done by the other agent"

    @property
    def supported_languages(self) -> Literal["*"]:
        return "*"

    async def async_process(
        self, user_input: conversation.ConversationInput
    ) -> conversation.ConversationResult:
        self.heard.append(user_input.text)
        response = intent.IntentResponse(language=user_input.language)
        if self.speech is not None:
            response.async_set_speech(self.speech)
        return conversation.ConversationResult(
            response=response, conversation_id=user_input.conversation_id
        )


@pytest.fixture
async def other_agent(hass: HomeAssistant, home: None) -> OtherAgent:
    entry = MockConfigEntry(domain="test", entry_id="other_agent")
    entry.add_to_hass(hass)
    agent = OtherAgent()
    conversation.async_set_agent(hass, entry, agent)
    return agent


@pytest.mark.parametrize(
    "subentries",
    [
        [
            ("contact", {"name": "Alice", "number": ALICE, "assist": True}),
            ("assist", {**ASSIST, "agent_id": "other_agent"}),
        ]
    ],
)
async def test_another_agent_hears_nothing_while_a_door_is_exposed(
    hass: HomeAssistant, other_agent: OtherAgent, sms_in: Receive, simulator: Simulator
) -> None:
    """What another agent would do cannot be checked first: only with nothing to refuse."""
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert other_agent.heard == []
    assert replies_to(simulator, ALICE) == [OTHER_AGENT]
    for entity_id in REFUSED:
        async_expose_entity(hass, "conversation", entity_id, False)
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert other_agent.heard == ["turn on the kitchen light"]
    assert replies_to(simulator, ALICE)[1] == "Done by the other agent"
    other_agent.speech = None  # an agent with nothing to say: its silence is an "OK"
    await sms_in(ALICE, f"{PIN} turn on the kitchen light")
    assert replies_to(simulator, ALICE)[2] == "OK"


async def test_a_namesake_hidden_from_assist_changes_nothing(
    hass: HomeAssistant, sms_in: Receive, simulator: Simulator
) -> None:
    """Entities not exposed are not targets: the exposed garage door is still refused."""
    entities = er.async_get(hass)
    entities.async_update_entity("cover.kitchen_blind", name="Garage door")
    async_expose_entity(hass, "conversation", "cover.kitchen_blind", False)
    await sms_in(ALICE, f"{PIN} open the garage door")
    assert unchanged(hass, "cover.garage_door", "cover.kitchen_blind")
    assert replies_to(simulator, ALICE) == [refusal("Garage door")]
