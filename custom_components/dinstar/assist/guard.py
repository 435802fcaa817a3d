"""What an SMS may never do, whatever is exposed to Assist: unlock, open or disarm.

A sender's number can be forged and a PIN can leak, so locks, alarm control panels, covers of
the door, garage and gate classes, and the entities on the user's own deny list are refused
before the agent runs. Home Assistant's own agent tells, without acting, which intent a
sentence is and which entities it targets (``async_recognize_intent``): a sentence that
targets a refused entity is refused. What cannot be checked so, another agent (a language
model) or a sentence the default agent does not recognise (its fallback may still act on it),
is refused while any refused entity is exposed to Assist; with none exposed, nothing an agent
can reach is refused.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from hassil.models import MatchEntity
from hassil.recognize import RecognizeResult
from homeassistant.components import conversation
from homeassistant.components.conversation.agent_manager import async_get_agent
from homeassistant.components.conversation.default_agent import DefaultAgent
from homeassistant.components.cover import CoverDeviceClass
from homeassistant.components.homeassistant.exposed_entities import async_should_expose
from homeassistant.const import ATTR_DEVICE_CLASS, Platform
from homeassistant.core import Context, HomeAssistant, State
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv, intent, translation

from custom_components.dinstar.const import DOMAIN

_REFUSED_COVER_CLASSES = frozenset(
    {CoverDeviceClass.DOOR, CoverDeviceClass.GARAGE, CoverDeviceClass.GATE}
)


class AssistRefusedError(HomeAssistantError):
    """The SMS may touch what an SMS may not; its message is the reply."""


async def async_check_message(
    hass: HomeAssistant,
    text: str,
    *,
    agent_id: str | None,
    denied: Collection[str],
) -> None:
    """Raise :class:`AssistRefusedError` unless ``text`` is safe to give to the agent."""
    agent = async_get_agent(hass, agent_id)
    user_input = conversation.ConversationInput(
        text=text,
        context=Context(),
        conversation_id=None,  # recognition looks at the words alone
        device_id=None,
        satellite_id=None,
        language=hass.config.language,
        agent_id=conversation.HOME_ASSISTANT_AGENT,
    )
    # A sentence of the user's own automations runs whatever they do, which cannot be
    # checked before: by SMS it is refused, whatever is exposed.
    if (
        isinstance(agent, DefaultAgent)
        and await agent.async_recognize_sentence_trigger(user_input) is not None
    ):
        raise AssistRefusedError(
            translation_domain=DOMAIN, translation_key="assist_sentence_trigger"
        )
    refused = _exposed_refused(hass, denied)
    if not refused:
        return
    if not isinstance(agent, DefaultAgent):
        raise AssistRefusedError(translation_domain=DOMAIN, translation_key="assist_other_agent")
    result = await agent.async_recognize_intent(user_input)
    if result is None or result.unmatched_entities:
        raise AssistRefusedError(translation_domain=DOMAIN, translation_key="assist_not_understood")
    if names := sorted(
        {refused[state.entity_id] for state in _targets(hass, result) if state.entity_id in refused}
    ):
        raise AssistRefusedError(
            translation_domain=DOMAIN,
            translation_key="assist_refused_target",
            translation_placeholders={"names": ", ".join(names)},
        )


async def async_refusal_text(hass: HomeAssistant, err: AssistRefusedError) -> str:
    """The refusal in Home Assistant's language, as the agent would have answered."""
    strings = await translation.async_get_translations(
        hass, hass.config.language, "exceptions", {DOMAIN}
    )
    key = f"component.{err.translation_domain}.exceptions.{err.translation_key}.message"
    message = strings[key]
    return message.format(**(err.translation_placeholders or {}))


def _exposed_refused(hass: HomeAssistant, denied: Collection[str]) -> dict[str, str]:
    """The refused entities Assist can reach, by entity id, with their names."""
    return {
        state.entity_id: state.name
        for state in hass.states.async_all()
        if (state.entity_id in denied or _never_by_sms(state))
        and async_should_expose(hass, conversation.DOMAIN, state.entity_id)
    }


def _never_by_sms(state: State) -> bool:
    match state.domain:
        case Platform.LOCK | Platform.ALARM_CONTROL_PANEL:
            return True
        case Platform.COVER:
            return state.attributes.get(ATTR_DEVICE_CLASS) in _REFUSED_COVER_CLASSES
    return False


def _targets(hass: HomeAssistant, result: RecognizeResult) -> list[State]:
    """The entities a recognised sentence targets, matched as its intent would match them."""
    slots: Mapping[str, MatchEntity] = result.entities
    constraints = intent.MatchTargetsConstraints(
        name=_text(slots.get("name")),
        area_name=_text(slots.get("area")),
        floor_name=_text(slots.get("floor")),
        domains=_values(slots.get("domain")),
        device_classes=_values(slots.get("device_class")),
        assistant=conversation.DOMAIN,
    )
    if not constraints.has_constraints:
        return []  # a sentence with no target (the time, a timer) touches no entity
    return intent.async_match_targets(hass, constraints).states


def _text(slot: MatchEntity | None) -> str | None:
    return None if slot is None else str(slot.value)


def _values(slot: MatchEntity | None) -> set[str] | None:
    return None if slot is None else set(cv.ensure_list(slot.value))
