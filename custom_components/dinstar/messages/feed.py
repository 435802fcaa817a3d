"""The panel's history fed from the integration's own events, as automations see them.

Only events this integration fired count: they name one of its entries and come from inside
Home Assistant (an event posted through the REST API is "remote" and is not a message).
A gateway with "Keep SMS text out of the history" on keeps its texts out of this history too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import Event, EventOrigin, HomeAssistant, callback

from custom_components.dinstar.aiodinstar import normalize_number, number_key
from custom_components.dinstar.bus_events import (
    EVENT_ASSIST_EXCHANGE,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_QUEUED,
    EVENT_SMS_RECEIVED,
    EVENT_SMS_SENT,
    EVENT_USSD_RECEIVED,
)
from custom_components.dinstar.const import CONF_PRIVATE_SMS, DOMAIN

from .history import Kind, Message, Status
from .store import MessageChanged, MessageStore


def thread_of_number(hass: HomeAssistant, number: str) -> str:
    """A remote number's thread: its E.164 form, so "0176..." and "+49176..." are one thread.

    Alphanumeric senders ("VODAFONE") and short codes keep their own spelling.
    """
    return number_key(number, hass.config.country) or normalize_number(number)


def thread_of_ussd(entry_id: str, port: int) -> str:
    """A port's USSD replies: the thread with its operator."""
    return f"ussd:{entry_id}:{port}"


class MessageFeed:
    """Turns the ``dinstar_*`` events of SMS, outcomes, USSD and Assist into messages."""

    def __init__(self, hass: HomeAssistant, store: MessageStore) -> None:
        """Nothing is heard until :meth:`async_listen`."""
        self._hass = hass
        self._store = store

    @callback
    def async_listen(self) -> None:
        """Listen, for as long as Home Assistant runs, to the events the history is made of."""
        handlers: dict[str, Callable[[ConfigEntry, Event[dict[str, Any]]], None]] = {
            EVENT_SMS_RECEIVED: self._received,
            EVENT_SMS_QUEUED: self._queued,
            EVENT_SMS_SENT: self._sent,
            EVENT_SMS_DELIVERY: self._delivery,
            EVENT_USSD_RECEIVED: self._ussd,
            EVENT_ASSIST_EXCHANGE: self._assist,
        }
        for event_type, handler in handlers.items():
            self._hass.bus.async_listen(event_type, self._for_entry(handler))

    def _for_entry(
        self, handler: Callable[[ConfigEntry, Event[dict[str, Any]]], None]
    ) -> Callable[[Event[dict[str, Any]]], None]:
        @callback
        def handle(event: Event[dict[str, Any]]) -> None:
            entry = self._hass.config_entries.async_get_entry(
                str(event.data.get("config_entry_id"))
            )
            if event.origin is EventOrigin.local and entry is not None and entry.domain == DOMAIN:
                handler(entry, event)

        return handle

    def _add(self, entry: ConfigEntry, event: Event[dict[str, Any]], **values: Any) -> None:
        if entry.options.get(CONF_PRIVATE_SMS, False):
            values["text"] = None
        message = self._store.history.add(
            entry_id=entry.entry_id, at=event.time_fired_timestamp, **values
        )
        self._store.async_changed(MessageChanged(message))

    def _received(self, entry: ConfigEntry, event: Event[dict[str, Any]]) -> None:
        sender = str(event.data["sender"])
        self._add(
            entry,
            event,
            thread=thread_of_number(self._hass, sender),
            kind=Kind.RECEIVED,
            port=event.data["port"],
            number=sender,
            text=event.data["text"],
        )

    def _queued(self, entry: ConfigEntry, event: Event[dict[str, Any]]) -> None:
        number = str(event.data["number"])
        self._add(
            entry,
            event,
            thread=thread_of_number(self._hass, number),
            kind=Kind.SENT,
            port=event.data["port"],
            number=number,
            text=event.data["text"],
            user_id=event.data["user_id"],
            parts=event.data["parts"],
            status=Status.QUEUED,
        )

    def _sent(self, entry: ConfigEntry, event: Event[dict[str, Any]]) -> None:
        data = event.data
        status = Status.SENT if data["outcome"] == "sent" else Status.FAILED
        if data["sent_by_home_assistant"]:
            self._advance(entry, data, status, None)
            return
        number = str(data["number"])
        self._add(
            entry,
            event,
            thread=thread_of_number(self._hass, number),
            kind=Kind.SENT,
            port=data["port"],
            number=number,
            text=None,
            parts=data["parts"],
            status=status,
            elsewhere=True,
        )

    def _delivery(self, entry: ConfigEntry, event: Event[dict[str, Any]]) -> None:
        data = event.data
        status = Status.DELIVERED if data["delivered"] else Status.UNDELIVERED
        code = None if data["delivered"] else data["status_code"]
        if data["sent_by_home_assistant"]:
            self._advance(entry, data, status, code)
            return
        # A report of a message sent elsewhere: the newest such message to that number.
        thread = thread_of_number(self._hass, str(data["number"]))
        message = self._store.history.newest(
            thread,
            lambda message: (
                message.elsewhere
                and message.entry_id == entry.entry_id
                and message.port == data["port"]
                and message.status is Status.SENT
            ),
        )
        if message is not None and message.advance(status, code):
            self._store.async_changed(MessageChanged(message))

    def _advance(
        self, entry: ConfigEntry, data: dict[str, Any], status: Status, code: int | None
    ) -> None:
        message = self._store.history.sent_by_user_id(entry.entry_id, data["user_id"])
        if message is None:
            return  # sent before it could be kept, or already past the bounds
        # The gateway picks the port when the sender did not: the outcome tells which.
        message.port = data["port"]
        message.parts = data["parts"]
        if message.advance(status, code):
            self._store.async_changed(MessageChanged(message))

    def _ussd(self, entry: ConfigEntry, event: Event[dict[str, Any]]) -> None:
        port = event.data["port"]
        self._add(
            entry,
            event,
            thread=thread_of_ussd(entry.entry_id, port),
            kind=Kind.USSD,
            port=port,
            number="",
            text=event.data["text"],
        )

    def _assist(self, entry: ConfigEntry, event: Event[dict[str, Any]]) -> None:
        """The question and its answer are in the thread already: they are marked as Assist's."""
        thread = thread_of_number(self._hass, str(event.data["sender"]))
        port = event.data["port"]

        def newest(kind: Kind) -> Message | None:
            return self._store.history.newest(
                thread,
                lambda message: (
                    message.kind is kind
                    and message.entry_id == entry.entry_id
                    and message.port in (port, None)
                    and not message.assist
                ),
            )

        for message in (newest(Kind.RECEIVED), newest(Kind.SENT)):
            if message is not None:
                message.assist = True
                self._store.async_changed(MessageChanged(message))
