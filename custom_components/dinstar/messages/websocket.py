"""The panel's websocket commands: threads, a thread's pages, read marks, sending, live updates.

Every command checks the user's gateways (see ``access``): an administrator sees all, another
user only those opened to every user, and a user with none is refused.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components import websocket_api
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.const import WebSocketCommandHandler
from homeassistant.components.websocket_api.decorators import async_response, websocket_command
from homeassistant.components.websocket_api.messages import event_message
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import Unauthorized
import probatio as vol

from custom_components.dinstar.aiodinstar import MAX_PORT, MAX_TEXT_BYTES
from custom_components.dinstar.const import CONF_PRIVATE_SMS
from custom_components.dinstar.errors import invalid_input
from custom_components.dinstar.sending import async_send_sms
from custom_components.dinstar.subentries import CONF_NUMBER, contacts

from .access import visible_entries
from .feed import thread_of_number
from .history import Message, Visible
from .store import Change, MessageChanged, MessageStore, ThreadRead

PAGE_DEFAULT = 50
PAGE_MAX = 200
# What the thread list shows of a last message; the thread itself has it whole.
PREVIEW_CHARS = 120
_THREAD = vol.All(str, vol.Length(min=1, max=80))
_FILTERS: dict[str | vol.Marker, Any] = {
    vol.Optional("entry_id"): str,
    vol.Optional("port"): vol.All(int, vol.Range(min=0, max=MAX_PORT)),
}


@callback
def async_register_commands(hass: HomeAssistant, store: MessageStore) -> None:
    """Register the commands; each reads and changes ``store``."""
    for command in (
        _threads_command(store),
        _thread_command(store),
        _mark_read_command(store),
        _send_command(),
        _subscribe_command(store),
    ):
        websocket_api.async_register_command(hass, command)


def _visible(entries: dict[str, ConfigEntry], msg: dict[str, Any]) -> Visible:
    """Messages of the user's gateways, narrowed to the gateway and port asked for."""
    entry_id, port = msg.get("entry_id"), msg.get("port")

    def visible(message: Message) -> bool:
        return (
            message.entry_id in entries
            and entry_id in (None, message.entry_id)
            and (port is None or message.port == port)
        )

    return visible


def _contacts(hass: HomeAssistant, entries: dict[str, ConfigEntry]) -> dict[str, str]:
    """Contact names by thread, from the gateways' contact subentries."""
    return {
        thread_of_number(hass, str(subentry.data[CONF_NUMBER])): str(subentry.data[CONF_NAME])
        for entry in entries.values()
        for subentry in contacts(entry).values()
    }


def _contact_list(names: dict[str, str]) -> list[dict[str, str]]:
    """What "new message" offers: every contact, by name."""
    return [
        {"name": name, "number": thread}
        for thread, name in sorted(names.items(), key=lambda item: item[1].casefold())
    ]


def _gateways(entries: dict[str, ConfigEntry]) -> list[dict[str, Any]]:
    """What the filters and the reply box offer: each gateway, its ports, its privacy."""
    gateways = []
    for entry in entries.values():
        loaded = entry.state is ConfigEntryState.LOADED
        gateways.append(
            {
                "entry_id": entry.entry_id,
                "title": entry.title,
                "loaded": loaded,
                "ports": sorted(entry.runtime_data.ports.visible) if loaded else [],
                "private": bool(entry.options.get(CONF_PRIVATE_SMS, False)),
            }
        )
    return sorted(gateways, key=lambda gateway: gateway["title"])


def _unread_total(store: MessageStore, visible: Visible) -> int:
    return sum(summary.unread for summary in store.history.summaries(visible))


def _threads_command(store: MessageStore) -> WebSocketCommandHandler:
    @websocket_command(
        {
            vol.Required("type"): "dinstar/messages/threads",
            **_FILTERS,
            vol.Optional("search"): vol.All(str, vol.Length(max=100)),
        }
    )
    @callback
    def threads(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
        """Threads newest first, with their last message and unread count; searched if asked."""
        entries = visible_entries(hass, connection.user)
        visible = _visible(entries, msg)
        names = _contacts(hass, entries)
        summaries = store.history.summaries(visible)
        if search := msg.get("search", "").strip().casefold():
            found = {
                message.thread
                for message in store.history
                if visible(message)
                and (search in (message.text or "").casefold() or search in message.number)
            }
            summaries = [
                summary
                for summary in summaries
                if summary.thread in found or search in names.get(summary.thread, "").casefold()
            ]
        connection.send_result(
            msg["id"],
            {
                "threads": [
                    {
                        "thread": summary.thread,
                        "name": names.get(summary.thread),
                        "unread": summary.unread,
                        "last": _preview(summary.last),
                    }
                    for summary in summaries
                ],
                "unread": _unread_total(store, _visible(entries, {})),
                "gateways": _gateways(entries),
                "contacts": _contact_list(names),
            },
        )

    return threads


def _preview(message: Message) -> dict[str, Any]:
    preview = message.as_dict()
    if message.text is not None and len(message.text) > PREVIEW_CHARS:
        preview["text"] = message.text[:PREVIEW_CHARS] + "…"
    return preview


def _thread_command(store: MessageStore) -> WebSocketCommandHandler:
    @websocket_command(
        {
            vol.Required("type"): "dinstar/messages/thread",
            vol.Required("thread"): _THREAD,
            vol.Optional("before"): vol.All(int, vol.Range(min=1)),
            vol.Optional("limit", default=PAGE_DEFAULT): vol.All(
                int, vol.Range(min=1, max=PAGE_MAX)
            ),
            **_FILTERS,
        }
    )
    @callback
    def thread(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
        """One page of a thread, oldest first: the newest, or those before the cursor."""
        entries = visible_entries(hass, connection.user)
        messages, more = store.history.page(
            msg["thread"], msg.get("before"), msg["limit"], _visible(entries, msg)
        )
        connection.send_result(
            msg["id"],
            {
                "messages": [message.as_dict() for message in messages],
                # The cursor of the next (older) page, when there is one.
                "before": messages[0].id if more else None,
                "read_up_to": store.history.read.get(msg["thread"], 0),
                "name": _contacts(hass, entries).get(msg["thread"]),
            },
        )

    return thread


def _mark_read_command(store: MessageStore) -> WebSocketCommandHandler:
    @websocket_command(
        {
            vol.Required("type"): "dinstar/messages/mark_read",
            vol.Required("thread"): _THREAD,
            vol.Optional("up_to"): vol.All(int, vol.Range(min=1)),
        }
    )
    @callback
    def mark_read(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
        """Read a thread up to a message (its newest by default), for every user."""
        entries = visible_entries(hass, connection.user)
        newest = store.history.newest(msg["thread"], _visible(entries, {}))
        # Never past the newest message the user can see: a mark must not hide what comes.
        up_to = 0 if newest is None else min(msg.get("up_to", newest.id), newest.id)
        if up_to and store.history.mark_read(msg["thread"], up_to):
            store.async_changed(ThreadRead(msg["thread"], up_to))
        connection.send_result(msg["id"], {"read_up_to": store.history.read.get(msg["thread"], 0)})

    return mark_read


def _send_command() -> WebSocketCommandHandler:
    @websocket_command(
        {
            vol.Required("type"): "dinstar/messages/send",
            vol.Required("entry_id"): str,
            vol.Required("port"): vol.All(int, vol.Range(min=0, max=MAX_PORT)),
            vol.Required("number"): vol.All(str, vol.Length(min=1, max=40)),
            vol.Required("text"): vol.All(str, vol.Length(min=1, max=MAX_TEXT_BYTES)),
        }
    )
    @async_response
    async def send(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
        """Send through the integration's own path: its checks, limits and tracking apply."""
        entry = visible_entries(hass, connection.user).get(msg["entry_id"])
        if entry is None:
            raise invalid_input("unknown_gateway", entry_id=msg["entry_id"])
        if entry.state is not ConfigEntryState.LOADED:
            raise invalid_input("gateway_not_loaded", gateway=entry.title)
        result = await async_send_sms(
            hass,
            entry,
            [msg["number"]],
            msg["text"],
            ports=[msg["port"]],
            encoding=None,
            status_report=True,
            params={},
        )
        sent = result["messages"][0]
        connection.send_result(
            msg["id"],
            {
                "thread": thread_of_number(hass, sent["number"]),
                "user_id": sent["user_id"],
                "parts": sent["parts"],
                "encoding": result["encoding"],
            },
        )

    return send


def _subscribe_command(store: MessageStore) -> WebSocketCommandHandler:
    @websocket_command({vol.Required("type"): "dinstar/messages/subscribe"})
    @callback
    def subscribe(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
        """Each new or changed message, and each read mark, as it happens, with the unread total.

        Access is asked again at every change: an option closed meanwhile stops the updates.
        """
        visible_entries(hass, connection.user)

        @callback
        def forward(change: Change) -> None:
            try:
                visible = _visible(visible_entries(hass, connection.user), {})
            except Unauthorized:
                return
            update: dict[str, Any]
            if isinstance(change, MessageChanged):
                if not visible(change.message):
                    return
                update = {"message": change.message.as_dict()}
            else:
                # A read mark names a thread: told only to who sees a message of it.
                summaries = store.history.summaries(visible)
                if not any(summary.thread == change.thread for summary in summaries):
                    return
                update = {"read": {"thread": change.thread, "up_to": change.up_to}}
            update["unread"] = _unread_total(store, visible)
            connection.send_message(event_message(msg["id"], update))

        connection.subscriptions[msg["id"]] = store.async_listen(forward)
        connection.send_result(msg["id"])

    return subscribe
