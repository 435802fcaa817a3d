"""Assist by SMS: an allowed contact's SMS goes to a conversation agent, the answer goes back.

Who is answered, and how much, is ``policy``'s decision, on counts stored with the
entry; what no SMS may touch is ``guard``'s. This feeds them each SMS the entry's
gateway received, reads its text from the gateway's own inbox (the event shows it with the
PIN masked), asks the agent, sends the reply from the port the question came in on, and
reports each exchange (an event and a logbook line), each limit reached (logged once, an
event) and each lockout (a warning, an event and a repair issue).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from homeassistant.components import conversation
from homeassistant.config_entries import SIGNAL_CONFIG_ENTRY_CHANGED, ConfigEntry, ConfigEntryChange
from homeassistant.const import CONF_NAME
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from custom_components.dinstar.aiodinstar import DinstarError
from custom_components.dinstar.bus_events import (
    EVENT_ASSIST_EXCHANGE,
    EVENT_ASSIST_LIMIT,
    EVENT_SMS_RECEIVED,
    FireEvent,
)
from custom_components.dinstar.const import DOMAIN, LOGGER, storage_key
from custom_components.dinstar.coordinator import DinstarCoordinator
from custom_components.dinstar.repairs import (
    async_raise_assist_paused,
    async_raise_assist_sender_locked,
    async_set_assist_pin_issue,
)
from custom_components.dinstar.subentries import (
    CONF_AGENT_ID,
    CONF_ASSIST,
    CONF_CONTACT_DAILY_CAP,
    CONF_DAILY_CAP,
    CONF_DENIED_ENTITIES,
    CONF_MAX_PARTS,
    CONF_NUMBER,
    CONF_PIN,
    CONF_RATE_LIMIT,
    DEFAULT_CONTACT_DAILY_CAP,
    contacts,
)

from .config import PinChoice, assist_options, pin_choice
from .guard import AssistRefusedError, async_check_message, async_refusal_text
from .policy import Accepted, AssistPolicy, AssistSettings, Lockout, Refusal, Refused
from .state import AssistState

type SendReply = Callable[[str, str, int], Awaitable[Any]]

STORAGE_VERSION = 1
# Refusals that fire ``dinstar_assist_limit`` each time; a lockout fires once, when it starts.
_LIMITS = (Refusal.RATE_LIMITED, Refusal.CONTACT_DAILY_CAP, Refusal.DAILY_CAP)
_PIN_ISSUES = {PinChoice.NO_PIN: "assist_no_pin", PinChoice.NEEDED: "assist_pin_needed"}


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
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, storage_key(entry.entry_id, "assist")
        )
        self._state: AssistState | None = None
        self._loading = asyncio.Lock()
        # The policy for the settings it was made for: new settings, a new policy.
        self._current: tuple[AssistSettings, AssistPolicy] | None = None
        # Each limit (and each stale message) is logged once until an answer goes out again.
        self._logged: set[Refusal] = set()

    @callback
    def async_start(self) -> Callable[[], None]:
        """Listen to the entry's received SMS and to changes of its subentries."""
        self._async_update_pin_issue()
        stops = (
            self._hass.bus.async_listen(EVENT_SMS_RECEIVED, self._async_sms, self._for_entry),
            async_dispatcher_connect(
                self._hass, SIGNAL_CONFIG_ENTRY_CHANGED, self._async_entry_changed
            ),
        )

        @callback
        def stop() -> None:
            for unsubscribe in stops:
                unsubscribe()

        return stop

    @callback
    def _for_entry(self, event_data: Mapping[str, Any]) -> bool:
        return event_data.get("config_entry_id") == self._entry.entry_id

    @callback
    def _async_entry_changed(self, change: ConfigEntryChange, entry: ConfigEntry) -> None:
        if entry.entry_id == self._entry.entry_id:
            self._async_update_pin_issue()

    @callback
    def _async_update_pin_issue(self) -> None:
        """A repair issue while Assist by SMS answers without a PIN, or is off for want of one."""
        options = assist_options(self._entry)
        kind = None if options is None else _PIN_ISSUES.get(pin_choice(options))
        async_set_assist_pin_issue(self._hass, self._entry, kind)

    @callback
    def _async_sms(self, event: Event) -> None:
        self._entry.async_create_background_task(
            self._hass, self._async_handle(event), "dinstar assist reply"
        )

    async def _async_handle(self, event: Event) -> None:
        """A received SMS: answered, or refused with a reason."""
        data = event.data
        options = assist_options(self._entry)
        if options is None or pin_choice(options) is PinChoice.NEEDED:
            return
        policy = await self._async_policy(options)
        sender: str = data["sender"]
        port: int = data["port"]
        sent = _gateway_time(data["received_at"])
        # Local time: the daily caps start again at Home Assistant's midnight.
        screened = policy.screen(sender, sent, data["caught_up"], dt_util.now())
        if isinstance(screened, Refused):
            self._not_answered(screened.reason, sender)
            return
        text = await self._async_read_text(data["incoming_sms_id"], sender)
        if text is None:
            return
        decision = policy.check(screened, text, dt_util.now())
        await self._store.async_save(policy.state.as_dict())
        if isinstance(decision, Refused):
            self._refused(decision, sender, port)
            return
        self._logged.clear()
        await self._async_answer(policy, options, event, decision)

    async def _async_policy(self, options: Mapping[str, Any]) -> AssistPolicy:
        """The policy for the subentries as they are now, on the stored counts."""
        async with self._loading:  # two messages at once: one load, one state
            if self._state is None:
                self._state = AssistState.from_dict(await self._store.async_load())
        settings = AssistSettings(
            allowed={
                subentry.data[CONF_NUMBER]: subentry.data[CONF_NAME]
                for subentry in contacts(self._entry).values()
                if subentry.data.get(CONF_ASSIST)
            },
            pin=options.get(CONF_PIN),
            country=self._hass.config.country,
            gateway_numbers=frozenset(
                info.number
                for entry in self._hass.config_entries.async_loaded_entries(DOMAIN)
                for info in entry.runtime_data.coordinator.data.ports.values()
                if info.number
            ),
            rate_limit=options[CONF_RATE_LIMIT],
            contact_daily_cap=options.get(CONF_CONTACT_DAILY_CAP, DEFAULT_CONTACT_DAILY_CAP),
            daily_cap=options[CONF_DAILY_CAP],
            max_parts=options[CONF_MAX_PARTS],
        )
        if self._current is None or self._current[0] != settings:
            policy = AssistPolicy(settings, self._state)
            self._current = (settings, policy)
        return self._current[1]

    async def _async_read_text(self, sms_id: int, sender: str) -> str | None:
        """The message as the gateway's inbox holds it: the event has the PIN masked.

        Only the gateway's own record is believed, whatever a push said.
        """
        try:
            page = await self._coordinator.client.query_incoming_sms(after_id=sms_id - 1)
        except DinstarError as err:
            LOGGER.warning(
                "Assist by SMS could not read the SMS from %s on %s: %s",
                sender,
                self._entry.title,
                err,
            )
            return None
        return next(
            (
                sms.text
                for sms in page.messages
                if sms.incoming_sms_id == sms_id and sms.number == sender
            ),
            None,
        )

    def _refused(self, refused: Refused, sender: str, port: int) -> None:
        """A refusal by the text: lockouts it started and limits reached fire events."""
        for lockout in refused.lockouts:
            self._locked_out(lockout, sender, port)
        reason = refused.reason
        if reason in _LIMITS:
            self._fire(EVENT_ASSIST_LIMIT, port, {"port": port, "sender": sender, "limit": reason})
        self._not_answered(reason, sender)

    def _not_answered(self, reason: Refusal, sender: str) -> None:
        """Log why: a limit or a stale message once (until an answer goes out), else at debug."""
        if reason in _LIMITS:
            self._warn_once(
                reason,
                "Assist by SMS on %s reached its limit (%s): not answering %s",
                self._entry.title,
                reason,
                sender,
            )
        elif reason is Refusal.STALE:
            self._warn_once(
                reason,
                "Assist by SMS on %s did not answer %s: by the gateway's clock the SMS is "
                "older than a few minutes, or it was read late (if it was sent just now, set "
                "the gateway's clock and time zone to Home Assistant's)",
                self._entry.title,
                sender,
            )
        else:
            LOGGER.debug("SMS from %s not answered by Assist: %s", sender, reason)

    def _warn_once(self, reason: Refusal, message: str, *args: object) -> None:
        if reason not in self._logged:
            self._logged.add(reason)
            LOGGER.warning(message, *args)

    def _locked_out(self, lockout: Lockout, sender: str, port: int) -> None:
        """Tell of a lockout a wrong PIN started: a warning, an event, a repair issue."""
        until = dt_util.as_local(lockout.until).strftime("%Y-%m-%d %H:%M")
        if lockout.kind is Refusal.SENDER_LOCKED:
            LOGGER.warning(
                "Assist by SMS on %s ignores %s until %s: too many wrong PINs",
                self._entry.title,
                sender,
                until,
            )
            async_raise_assist_sender_locked(self._hass, self._entry, sender, until)
        else:
            LOGGER.warning(
                "Assist by SMS on %s is paused until %s: too many wrong PINs",
                self._entry.title,
                until,
            )
            async_raise_assist_paused(self._hass, self._entry, until)
        self._fire(
            EVENT_ASSIST_LIMIT,
            port,
            {
                "port": port,
                "sender": sender,
                "limit": lockout.kind,
                "until": lockout.until.isoformat(),
            },
        )

    async def _async_answer(
        self, policy: AssistPolicy, options: Mapping[str, Any], sms: Event, accepted: Accepted
    ) -> None:
        """Ask the agent, unless the message may touch what SMS may not; answer from the port."""
        sender: str = sms.data["sender"]
        port: int = sms.data["port"]
        agent_id: str | None = options.get(CONF_AGENT_ID)
        try:
            await async_check_message(
                self._hass,
                accepted.text,
                agent_id=agent_id,
                denied=options.get(CONF_DENIED_ENTITIES, ()),
            )
        except AssistRefusedError as err:
            speech: str | None = await async_refusal_text(self._hass, err)
        else:
            result = await conversation.async_converse(
                self._hass,
                accepted.text,
                accepted.conversation_id,
                # What the agent does was caused by the SMS: the logbook tells it so.
                Context(parent_id=sms.context.id),
                agent_id=agent_id,
            )
            speech = result.response.speech.get("plain", {}).get("speech")
        reply = policy.fit_reply(speech or "OK")
        try:
            # To the number in E.164: the gateway may not take it as the network wrote it.
            await self._send(accepted.number, reply, port)
        except HomeAssistantError as err:
            LOGGER.warning(
                "The Assist reply to %s was not sent: %s",
                sender,
                err,
            )
            return
        self._fire(
            EVENT_ASSIST_EXCHANGE,
            port,
            {
                "port": port,
                "sender": sender,
                "contact": accepted.contact,
                "text": accepted.text,
                "reply": reply,
                "conversation_id": accepted.conversation_id,
            },
        )


def _gateway_time(received_at: str | None) -> datetime | None:
    """When the gateway received a message: its local time, read as Home Assistant's."""
    parsed = None if received_at is None else dt_util.parse_datetime(received_at)
    return None if parsed is None else parsed.replace(tzinfo=dt_util.get_default_time_zone())
