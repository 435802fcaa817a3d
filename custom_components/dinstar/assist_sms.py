"""Assist by SMS: an allowed contact's SMS goes to a conversation agent, the answer goes back.

Who is answered, and how much, is ``assist_policy``'s decision; this feeds it each received
SMS, asks the agent, sends the reply from the port the question came in on, and reports each
exchange (an event and a logbook line) and each limit reached (logged once, an event).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from homeassistant.components import conversation
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_NAME
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util

from .assist_policy import Accepted, AssistPolicy, AssistSettings, Refusal, normalize_number
from .bus_events import EVENT_ASSIST_EXCHANGE, EVENT_ASSIST_LIMIT, EVENT_SMS_RECEIVED, FireEvent
from .const import LOGGER
from .coordinator import DinstarCoordinator
from .subentries import (
    CONF_AGENT_ID,
    CONF_ASSIST,
    CONF_DAILY_CAP,
    CONF_MAX_PARTS,
    CONF_NUMBER,
    CONF_PIN,
    CONF_RATE_LIMIT,
    SUBENTRY_ASSIST,
    SUBENTRY_CONTACT,
)

type SendReply = Callable[[str, str, int], Awaitable[Any]]

_LIMITS = (Refusal.RATE_LIMITED, Refusal.DAILY_CAP)


class AssistResponder:
    """Answers the allowed contacts' SMS with Assist, within the user's limits."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry,
        coordinator: DinstarCoordinator,
        fire: FireEvent,
        send: SendReply,
    ) -> None:
        """``send(number, text, port)`` sends one reply SMS."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._fire = fire
        self._send = send
        self._policy: AssistPolicy | None = None
        self._settings: AssistSettings | None = None
        # Each limit is logged once until an answer goes out again.
        self._limits_logged: set[Refusal] = set()

    @callback
    def async_start(self) -> Callable[[], None]:
        """Listen to the entry's received SMS; returns the stop."""
        return self._hass.bus.async_listen(EVENT_SMS_RECEIVED, self._async_sms, self._for_entry)

    @callback
    def _for_entry(self, event_data: Mapping[str, Any]) -> bool:
        return event_data.get("config_entry_id") == self._entry.entry_id

    def _current(self) -> tuple[AssistPolicy, Mapping[str, Any]] | None:
        """The policy for the subentries as they are now; its counts kept while they hold."""
        options = next(
            (
                subentry.data
                for subentry in self._entry.subentries.values()
                if subentry.subentry_type == SUBENTRY_ASSIST
            ),
            None,
        )
        if options is None:
            return None
        settings = AssistSettings(
            allowed=frozenset(
                subentry.data[CONF_NUMBER]
                for subentry in self._entry.subentries.values()
                if subentry.subentry_type == SUBENTRY_CONTACT and subentry.data.get(CONF_ASSIST)
            ),
            pin=options.get(CONF_PIN) or None,
            own_numbers=frozenset(
                info.number for info in self._coordinator.data.ports.values() if info.number
            ),
            rate_limit=options[CONF_RATE_LIMIT],
            daily_cap=options[CONF_DAILY_CAP],
            max_parts=options[CONF_MAX_PARTS],
        )
        if self._policy is None or settings != self._settings:
            self._settings = settings
            self._policy = AssistPolicy(settings, dt_util.get_default_time_zone())
        return self._policy, options

    @callback
    def _async_sms(self, event: Event) -> None:
        """A received SMS: answered, or refused with a reason."""
        if (current := self._current()) is None:
            return
        policy, options = current
        sender = str(event.data.get("sender", ""))
        port: int = event.data["port"]
        decision = policy.check(sender, str(event.data.get("text", "")), dt_util.utcnow())
        if not isinstance(decision, Accepted):
            self._refused(decision.reason, sender, port)
            return
        self._limits_logged.clear()
        self._entry.async_create_background_task(
            self._hass,
            self._async_answer(policy, options.get(CONF_AGENT_ID), sender, port, decision),
            "dinstar assist reply",
        )

    def _refused(self, reason: Refusal, sender: str, port: int) -> None:
        if reason not in _LIMITS:
            LOGGER.debug("SMS from %s not answered by Assist: %s", sender, reason)
            return
        if reason not in self._limits_logged:
            self._limits_logged.add(reason)
            LOGGER.warning(
                "Assist by SMS on %s reached its limit (%s): not answering %s",
                self._entry.title,
                reason,
                sender,
            )
        self._fire(EVENT_ASSIST_LIMIT, port, {"port": port, "sender": sender, "limit": reason})

    async def _async_answer(
        self,
        policy: AssistPolicy,
        agent_id: str | None,
        sender: str,
        port: int,
        accepted: Accepted,
    ) -> None:
        """Ask the agent and send its answer back from the same port."""
        result = await conversation.async_converse(
            self._hass,
            accepted.text,
            accepted.conversation_id,
            Context(),
            agent_id=agent_id,
        )
        speech: str = result.response.speech.get("plain", {}).get("speech", "")
        reply = policy.fit_reply(speech or "OK")
        try:
            await self._send(sender, reply, port)
        except HomeAssistantError as err:
            LOGGER.warning("The Assist reply to %s was not sent: %s", sender, err)
            return
        self._fire(
            EVENT_ASSIST_EXCHANGE,
            port,
            {
                "port": port,
                "sender": sender,
                "contact": self._contact_name(sender),
                "text": accepted.text,
                "reply": reply,
                "conversation_id": accepted.conversation_id,
            },
        )

    def _contact_name(self, sender: str) -> str | None:
        number = normalize_number(sender)
        return next(
            (
                subentry.data.get(CONF_NAME, subentry.title)
                for subentry in self._entry.subentries.values()
                if subentry.subentry_type == SUBENTRY_CONTACT
                and normalize_number(subentry.data[CONF_NUMBER]) == number
            ),
            None,
        )
