"""The panel's websocket commands, as the panel calls them, on a real (simulated) gateway."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MockHAClientWebSocket, WebSocketGenerator

from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED
from custom_components.dinstar.const import CONF_MESSAGES_ALL_USERS, CONF_PRIVATE_SMS, DOMAIN
from dinstar_dev.gateway_simulator import Simulator

from .conftest import NUMBER, receive, send, worked_off

CONTACT = [("contact", {"name": "Alice", "number": NUMBER})]


async def call(ws: MockHAClientWebSocket, command: str, **data: Any) -> dict[str, Any]:
    await ws.send_json_auto_id({"type": f"dinstar/messages/{command}", **data})
    response: dict[str, Any] = await ws.receive_json()
    return response


async def result(ws: MockHAClientWebSocket, command: str, **data: Any) -> Any:
    response = await call(ws, command, **data)
    assert response["success"], response
    return response["result"]


async def error(ws: MockHAClientWebSocket, command: str, **data: Any) -> dict[str, Any]:
    response = await call(ws, command, **data)
    assert not response["success"], response
    failure: dict[str, Any] = response["error"]
    return failure


async def subscribed(ws: MockHAClientWebSocket) -> int:
    await ws.send_json_auto_id({"type": "dinstar/messages/subscribe"})
    response = await ws.receive_json()
    assert response["success"], response
    subscription: int = response["id"]
    return subscription


async def updates(ws: MockHAClientWebSocket, count: int) -> list[dict[str, Any]]:
    received = []
    for _ in range(count):
        update = await ws.receive_json()
        assert update["type"] == "event"
        received.append(update["event"])
    return received


@pytest.mark.parametrize("subentries", [CONTACT])
async def test_threads_with_names_unread_and_live_updates(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    ws = await hass_ws_client(hass)
    await subscribed(ws)
    await receive(hass, simulator, "Hello from Alice", number="0049 176 12345678")
    await receive(hass, simulator, "Your code is 1234", number="BANK", port=2)
    first, second = await updates(ws, 2)
    assert first["unread"] == 1
    assert first["message"] == {
        "id": 1,
        "entry_id": live.entry_id,
        "thread": NUMBER,
        "kind": "received",
        "port": 1,
        "at": first["message"]["at"],
        "number": "0049 176 12345678",
        "text": "Hello from Alice",
    }
    assert (second["message"]["thread"], second["unread"]) == ("BANK", 2)
    threads = await result(ws, "threads")
    assert [
        (t["thread"], t["name"], t["unread"], t["last"]["text"]) for t in threads["threads"]
    ] == [
        ("BANK", None, 1, "Your code is 1234"),
        (NUMBER, "Alice", 1, "Hello from Alice"),
    ]
    assert threads["unread"] == 2
    assert threads["gateways"] == [
        {
            "entry_id": live.entry_id,
            "title": live.title,
            "loaded": True,
            "ports": [0, 1, 2, 4, 5, 6],
            "private": False,
        }
    ]
    assert threads["contacts"] == [{"name": "Alice", "number": NUMBER}]
    # Filtered by port, and searched by text, number or contact name.
    by_port = await result(ws, "threads", entry_id=live.entry_id, port=2)
    assert [t["thread"] for t in by_port["threads"]] == ["BANK"]
    assert by_port["unread"] == 2  # the badge counts every thread
    for search, found in (("code", ["BANK"]), ("alice", [NUMBER]), ("176", [NUMBER]), ("x", [])):
        searched = await result(ws, "threads", search=search)
        assert [t["thread"] for t in searched["threads"]] == found, search


async def test_a_thread_pages_back_by_cursor(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    for n in range(5):
        await receive(hass, simulator, f"message {n}")
    await receive(hass, simulator, "elsewhere", number="+4930123456")
    ws = await hass_ws_client(hass)
    page = await result(ws, "thread", thread=NUMBER, limit=2)
    assert [m["text"] for m in page["messages"]] == ["message 3", "message 4"]
    assert page["before"] == page["messages"][0]["id"]
    assert (page["read_up_to"], page["name"]) == (0, None)
    page = await result(ws, "thread", thread=NUMBER, limit=2, before=page["before"])
    assert [m["text"] for m in page["messages"]] == ["message 1", "message 2"]
    page = await result(ws, "thread", thread=NUMBER, limit=2, before=page["before"])
    assert ([m["text"] for m in page["messages"]], page["before"]) == (["message 0"], None)
    assert (await result(ws, "thread", thread=NUMBER, port=3))["messages"] == []


async def test_read_marks_are_shared_and_stored(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
    hass_storage: dict[str, Any],
) -> None:
    await receive(hass, simulator, "one")
    await receive(hass, simulator, "two")
    reader, watcher = await hass_ws_client(hass), await hass_ws_client(hass)
    await subscribed(watcher)
    assert await result(reader, "mark_read", thread=NUMBER, up_to=1) == {"read_up_to": 1}
    assert await updates(watcher, 1) == [{"read": {"thread": NUMBER, "up_to": 1}, "unread": 1}]
    assert (await result(reader, "threads"))["threads"][0]["unread"] == 1
    # Without up_to: the newest; never past it, and never back.
    assert await result(reader, "mark_read", thread=NUMBER, up_to=99) == {"read_up_to": 2}
    assert await result(reader, "mark_read", thread=NUMBER, up_to=1) == {"read_up_to": 2}
    assert await result(reader, "mark_read", thread="nobody") == {"read_up_to": 0}
    assert await updates(watcher, 1) == [{"read": {"thread": NUMBER, "up_to": 2}, "unread": 0}]
    assert (await result(reader, "thread", thread=NUMBER))["read_up_to"] == 2
    await hass.async_stop()
    assert hass_storage["dinstar.messages"]["data"]["read"] == {NUMBER: 2}


async def test_reply_and_watch_its_outcome(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    ws, watcher = await hass_ws_client(hass), await hass_ws_client(hass)
    await subscribed(watcher)
    sent = await result(
        ws, "send", entry_id=live.entry_id, port=2, number="+49 176 1234 5678", text="Čau?"
    )
    assert sent == {"thread": NUMBER, "user_id": 1, "parts": 1, "encoding": "unicode"}
    await worked_off(hass, simulator)
    statuses = [update["message"].get("status") for update in await updates(watcher, 3)]
    assert statuses == ["queued", "sent", "delivered"]
    assert simulator.state.sent_messages[0].port == 2


async def test_bad_input_is_refused_and_nothing_is_sent(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    ws = await hass_ws_client(hass)
    good = {"entry_id": live.entry_id, "port": 1, "number": NUMBER, "text": "hi"}
    for wrong, code, key in (
        ({"number": "call me"}, "home_assistant_error", "invalid_number"),
        ({"port": 9}, "home_assistant_error", "invalid_port"),  # not a port of this gateway
        ({"port": 32}, "invalid_format", None),
        ({"text": ""}, "invalid_format", None),
        ({"text": "x" * 1501}, "invalid_format", None),
        ({"entry_id": "another"}, "home_assistant_error", "unknown_gateway"),
    ):
        failure = await error(ws, "send", **(good | wrong))
        assert (failure["code"], failure.get("translation_key")) == (code, key), wrong
    for command, data in (
        ("thread", {"thread": ""}),
        ("thread", {"thread": NUMBER, "before": 0}),
        ("thread", {"thread": NUMBER, "limit": 201}),
        ("threads", {"port": -1}),
        ("threads", {"search": "x" * 101}),
        ("mark_read", {"thread": NUMBER, "up_to": "newest"}),
    ):
        assert (await error(ws, command, **data))["code"] == "invalid_format", command
    assert simulator.state.sent_messages == []
    await hass.config_entries.async_unload(live.entry_id)
    failure = await error(ws, "send", **good)
    assert failure["translation_key"] == "gateway_not_loaded"
    assert failure["translation_placeholders"] == {"gateway": live.title}


async def test_other_users_are_refused_unless_a_gateway_is_opened_to_them(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    await receive(hass, simulator, "for admins")
    user = await hass_ws_client(hass, hass_read_only_access_token)
    send = {"entry_id": live.entry_id, "port": 1, "number": NUMBER, "text": "hi"}
    for command, data in (
        ("threads", {}),
        ("thread", {"thread": NUMBER}),
        ("mark_read", {"thread": NUMBER}),
        ("send", send),
        ("subscribe", {}),
    ):
        assert (await error(user, command, **data))["code"] == "unauthorized", command
    assert simulator.state.sent_messages == []
    hass.config_entries.async_update_entry(live, options={CONF_MESSAGES_ALL_USERS: True})
    await hass.async_block_till_done()
    threads = await result(user, "threads")
    assert [t["last"]["text"] for t in threads["threads"]] == ["for admins"]
    await result(user, "send", **send)


async def test_live_updates_follow_what_the_user_may_see(
    hass: HomeAssistant,
    live: MockConfigEntry,
    hass_ws_client: WebSocketGenerator,
    hass_read_only_access_token: str,
) -> None:
    """Another gateway's messages, or all once the option is closed again, are not sent."""
    closed = MockConfigEntry(domain=DOMAIN, title="Closed gateway")
    closed.add_to_hass(hass)
    hass.config_entries.async_update_entry(live, options={CONF_MESSAGES_ALL_USERS: True})
    await hass.async_block_till_done()
    user = await hass_ws_client(hass, hass_read_only_access_token)
    await subscribed(user)

    def sms(entry: MockConfigEntry, text: str) -> None:
        data = {"config_entry_id": entry.entry_id, "port": 1, "sender": NUMBER, "text": text}
        hass.bus.async_fire(EVENT_SMS_RECEIVED, data)

    sms(closed, "not for users")
    sms(live, "for everyone")
    await hass.async_block_till_done()
    [update] = await updates(user, 1)
    assert update["message"]["text"] == "for everyone"
    assert update["unread"] == 1  # the other gateway's message is not counted either
    hass.config_entries.async_update_entry(live, options={CONF_MESSAGES_ALL_USERS: False})
    sms(live, "for admins again")
    await hass.async_block_till_done()
    # The next thing the user hears is the answer to this, not the message.
    assert (await error(user, "threads"))["code"] == "unauthorized"


async def test_a_private_gateway_shows_senders_and_times_only(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    hass.config_entries.async_update_entry(live, options={CONF_PRIVATE_SMS: True})
    assert await hass.config_entries.async_reload(live.entry_id)
    await receive(hass, simulator, "secret")
    ws = await hass_ws_client(hass)
    threads = await result(ws, "threads")
    assert threads["gateways"][0]["private"]
    assert "text" not in threads["threads"][0]["last"]
    assert threads["threads"][0]["last"]["number"] == NUMBER


async def test_long_texts_are_cut_in_the_thread_list_only(
    hass: HomeAssistant,
    live: MockConfigEntry,
    simulator: Simulator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    await send(hass, live, "A" * 300)
    ws = await hass_ws_client(hass)
    last = (await result(ws, "threads"))["threads"][0]["last"]
    assert last["text"] == "A" * 120 + "…"
    assert (await result(ws, "thread", thread=NUMBER))["messages"][0]["text"] == "A" * 300
