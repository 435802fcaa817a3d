"""The Messages panel: who may see it, its commands and its script (README, "Access").

"Access: administrators only, unless a gateway's option "Show its messages to every user" is on
(then every user sees that gateway's messages, and only those). The panel's websocket commands
check the same on every call and every live update. No address serves the panel's script: the
panel's registration carries only a small loader, inline (a `data:` address, in the panel list
that only a signed-in user receives), and the loader asks for the script over the websocket of
the user who opened the panel (`dinstar/messages/panel_script`, with the same check as the
messages). A user who logged out, or who may not see the panel, gets nothing."

The commands' table: "`dinstar/messages/panel_script` | none | `script`: the panel's code", and
each command answers "an error `unauthorized` for a user who may see none" of the gateways. The
panel "loads nothing from the internet".
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
import json
import re
from typing import Any
from urllib.parse import unquote

from aiohttp import ClientTimeout, WSMsgType, web_ws
from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.util.async_ import get_scheduled_timer_handles
import pytest

from .conftest import add_gateway, set_options
from .gateway import FakeGateway
from .messages import (
    ALICE,
    BOB,
    COMMANDS,
    PANEL,
    all_messages,
    call,
    drain,
    make_user,
    ok,
    receive_sms,
    thread_messages,
)


async def panels(ws: Any) -> dict[str, Any]:
    await ws.send_json_auto_id({"type": "get_panels"})
    answer = await ws.receive_json()
    assert answer["success"], answer
    return answer["result"]


def _fields_for(command: str, entry_id: str) -> dict[str, Any]:
    return {
        "threads": {},
        "thread": {"thread": ALICE},
        "mark_read": {"thread": ALICE},
        "send": {"entry_id": entry_id, "number": ALICE, "port": 1, "text": "from a user"},
        "subscribe": {},
    }[command]


@pytest.mark.parametrize("group", ["system-users", "system-read-only"])
async def test_non_admin_is_refused_by_every_command_by_default(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any, group: str
) -> None:
    """By default a user who is not an administrator gets no panel and no answer to any command.

    A message exists (so an empty answer would not hide a leak), and the refused ``send`` sends
    nothing and ``mark_read`` changes nothing.
    """
    added = await add_gateway(hass, gateway)
    await receive_sms(hass, web, added, ALICE, "secret of the house")
    admin = await hass_ws_client(hass)
    assert (await ok(admin, "threads"))["unread"] == 1
    _, token = await make_user(hass, "Guest", group)
    user = await hass_ws_client(hass, access_token=token)

    assert PANEL not in await panels(user)
    assert PANEL in await panels(admin)
    for command in COMMANDS:
        answer = await call(user, command, **_fields_for(command, added.entry.entry_id))
        assert answer["success"] is False, (command, answer)
        assert "secret of the house" not in str(answer)
    # Nothing changed: nothing sent, the thread still unread for the administrator.
    assert gateway.sent() == []
    assert (await ok(admin, "threads"))["unread"] == 1
    # The refused subscription delivers nothing either.
    await receive_sms(hass, web, added, ALICE, "second secret")
    assert "second secret" not in str(await drain(user))


async def test_option_opens_that_gateway_and_only_it(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    hass_ws_client: Any,
) -> None:
    """With the option on one gateway, a user sees, follows and sends from that gateway alone.

    Alice wrote to both gateways (one thread, per the README: one per remote number); Bob only to
    the closed one. The user sees Alice's message to the open gateway, never the closed one's,
    not in the list, not in the thread, not by naming the closed gateway, not live.
    """
    opened = await add_gateway(hass, gateway, options={"messages_all_users": True})
    closed = await add_gateway(hass, second_gateway)
    await receive_sms(hass, web, opened, ALICE, "open hello")
    await receive_sms(hass, web, closed, ALICE, "closed hello")
    await receive_sms(hass, web, closed, BOB, "closed bob")
    _, token = await make_user(hass, "Guest", "system-users")
    user = await hass_ws_client(hass, access_token=token)
    live = await hass_ws_client(hass, access_token=token)

    assert PANEL in await panels(user)
    listed = await ok(user, "threads")
    assert [m["text"] for m in all_messages(listed)] == ["open hello"]
    assert {g["entry_id"] for g in listed["gateways"]} == {opened.entry.entry_id}
    assert "closed" not in str(listed)
    assert [m["text"] for m in await thread_messages(user, ALICE)] == ["open hello"]
    assert await thread_messages(user, BOB) == []
    named = await call(user, "thread", thread=ALICE, entry_id=closed.entry.entry_id)
    assert "closed hello" not in str(named)
    named = await call(user, "threads", entry_id=closed.entry.entry_id)
    assert "closed" not in str(named)
    assert (await ok(user, "threads", search="closed"))["threads"] == []

    refused = await call(
        user, "send", entry_id=closed.entry.entry_id, number=ALICE, port=1, text="via closed"
    )
    assert refused["success"] is False
    assert second_gateway.sent() == []
    sent = await call(
        user, "send", entry_id=opened.entry.entry_id, number=ALICE, port=2, text="via open"
    )
    assert sent["success"] is True, sent
    assert gateway.sent() == [{"number": ALICE, "port": 2, "text": "via open"}]

    assert (await call(live, "subscribe"))["success"] is True
    await receive_sms(hass, web, closed, BOB, "closed live")
    await receive_sms(hass, web, opened, BOB, "open live")
    events = str(await drain(live))
    assert "open live" in events
    assert "closed live" not in events


async def test_turning_the_option_off_closes_live_updates(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """A user's subscription opened while the option was on gets nothing once it is off.

    The README: the commands "check the same on every call and every live update".
    """
    added = await add_gateway(hass, gateway, options={"messages_all_users": True})
    _, token = await make_user(hass, "Guest", "system-users")
    live = await hass_ws_client(hass, access_token=token)
    user = await hass_ws_client(hass, access_token=token)
    assert (await call(live, "subscribe"))["success"] is True
    await receive_sms(hass, web, added, ALICE, "while open")
    assert "while open" in str(await drain(live))

    await set_options(hass, added.entry, {"messages_all_users": False})
    await receive_sms(hass, web, added, ALICE, "after closing")

    assert "after closing" not in str(await drain(live))
    assert (await call(user, "threads"))["success"] is False
    assert PANEL not in await panels(user)


def _data_url(url: str) -> tuple[str, str]:
    """A ``data:`` address's media type and its decoded content."""
    assert url.startswith("data:"), f"the panel's registration is an address: {url[:120]}"
    header, comma, payload = url.removeprefix("data:").partition(",")
    assert comma, url[:120]
    media, *parameters = header.split(";")
    if "base64" in parameters:
        return media, base64.b64decode(payload, validate=True).decode()
    return media, unquote(payload)


async def _registration(ws: Any) -> dict[str, Any]:
    """What the panel list hands a signed-in user for the Messages panel."""
    registration: dict[str, Any] = (await panels(ws))[PANEL]["config"]["_panel_custom"]
    return registration


async def _script(ws: Any) -> str:
    """The panel's code, asked for over the websocket as the loader asks for it."""
    result = await ok(ws, "panel_script")
    assert isinstance(result["script"], str), result
    return result["script"]


def _defined(code: str) -> set[str]:
    """The custom elements a script defines."""
    return set(re.findall(r"""customElements\.define\(\s*["'`]([a-z][\w.-]*-[\w.-]*)""", code))


def _marks(script: str) -> set[str]:
    """What only the panel's own code holds: the commands it calls and the elements it defines.

    Not the loader's command (``panel_script``), which the inline loader holds too.
    """
    commands = set(re.findall(r"dinstar/messages/\w+", script)) - {"dinstar/messages/panel_script"}
    return commands | _defined(script)


def _shows_code(text: str, marks: set[str]) -> set[str]:
    return {mark for mark in marks if mark in text}


def _assert_refused(answer: dict[str, Any], marks: set[str]) -> None:
    assert answer["success"] is False, answer
    assert answer["error"]["code"] == "unauthorized", answer
    assert "script" not in str(answer.get("result")), answer
    assert _shows_code(json.dumps(answer), marks) == set(), answer


async def test_the_panel_list_carries_only_a_small_inline_loader(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """The registration is a ``data:`` address: a loader, not the panel, that asks for it.

    The loader defines the element the panel list names (what Home Assistant's frontend creates)
    and asks for ``dinstar/messages/panel_script``; it holds none of the panel's code, which the
    administrator's websocket does answer (the control: the panel's code is real and large).
    """
    await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    registration = await _registration(admin)
    script = await _script(admin)
    marks = _marks(script)

    assert "customElements.define" in script
    assert {"dinstar/messages/threads", "dinstar/messages/send"} <= marks, marks
    assert _defined(script), "the panel's code defines no element"

    assert {"js_url", "html_url"} & registration.keys() == set(), registration
    media, loader = _data_url(registration["module_url"])
    assert media in ("text/javascript", "application/javascript"), media  # a module must be JS
    assert len(loader.encode()) <= 4_096, len(loader)
    assert len(loader) * 10 < len(script), (len(loader), len(script))
    assert "dinstar/messages/panel_script" in loader
    assert registration["name"] in _defined(loader), (registration["name"], loader)
    commands = {mark for mark in marks if mark.startswith("dinstar/messages/")}
    assert _shows_code(loader, commands) == set(), loader
    assert script not in loader
    assert script[len(script) // 2 : len(script) // 2 + 200] not in loader


_PREFIXES = (
    "",
    "/api",
    "/api/dinstar",
    "/api/dinstar/messages",
    "/api/dinstar_messages",
    "/api/panel_custom",
    "/dinstar",
    "/dinstar/messages",
    "/dinstar/frontend",
    "/dinstar/static",
    "/dinstar_messages",
    "/dinstar-messages",
    "/dinstar_static",
    "/dinstar_panel",
    "/custom_components/dinstar",
    "/custom_components/dinstar/frontend",
    "/local/dinstar",
    "/local/community/dinstar",
    "/hacsfiles/dinstar",
    "/static/dinstar",
    "/frontend_latest/dinstar",
)
_NAMES = (
    "panel.js",
    "messages-panel.js",
    "messages-panel.js.map",
    "messages-panel.js.gz",
    "dinstar-messages-panel.js",
    "panel-loader.js",
    "loader.js",
    "messages.js",
    "index.js",
    "main.js",
    "panel_script",
    "panel_script.js",
)
_SKIPPED_ROUTES = ("/api/stream", "/api/websocket", "/api/map_tiles")  # endless, or outside
_FILLINGS = ("dinstar", "dinstar-messages", "messages-panel.js", "panel_script")


def _guesses() -> list[str]:
    guesses = [f"{prefix}/{name}" for prefix in _PREFIXES for name in _NAMES]
    guesses += [prefix for prefix in _PREFIXES if prefix]
    guesses += [
        "/api/dinstar/messages/panel_script",
        "/dinstar/messages/panel_script",
        f"/{PANEL}/panel.js",
        f"/{PANEL}/messages-panel.js",
        "/dinstar/messages-panel.js?authSig=x",
        "/dinstar/messages-panel.js?v=1",
        "/custom_components/dinstar/frontend/messages-panel.js?authSig=",
        "/custom_components/dinstar/../dinstar/frontend/messages-panel.js",
        "/custom_components/dinstar/frontend/MESSAGES-PANEL.JS",
    ]
    return guesses


def _every_route(hass: HomeAssistant) -> list[str]:
    """Every address Home Assistant's server has, its parameters filled with our names.

    An attacker who knew every route could try each of them: so does this.
    """
    paths: set[str] = set()
    for resource in hass.http.app.router.resources():
        canonical = resource.canonical
        if canonical.startswith(_SKIPPED_ROUTES):
            continue
        if "{" in canonical:
            paths.update(re.sub(r"\{[^}]*\}", value, canonical) for value in _FILLINGS)
        elif "directory" in resource.get_info():
            paths.update(f"{canonical.rstrip('/')}/{name}" for name in _NAMES)
        else:
            paths.add(canonical)
    return sorted(paths)


async def test_no_address_serves_the_panel_script(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_access_token: str,
) -> None:
    """No HTTP address, guessed or registered, serves the panel's code, with a token or without.

    Not even an administrator's token opens one. The control: the administrator's websocket
    has the code, and the token does open Home Assistant's API over the same client. The
    panel's own page is Home Assistant's app shell, open to all, with nothing of ours in it.
    """
    await add_gateway(hass, gateway, options={"messages_all_users": True})
    admin = await hass_ws_client(hass)
    script = await _script(admin)
    marks = _marks(script)
    assert marks, "the panel's code holds none of its commands or elements"
    assert _shows_code(f"<pre>{script}</pre>", marks) == marks  # the search finds the code
    bearer = {"Authorization": f"Bearer {hass_access_token}"}
    assert (await web.get("/api/", headers=bearer)).status == 200  # the token works
    assert (await web.get("/api/")).status == 401  # and is needed there

    timeout = ClientTimeout(total=10)
    paths = _guesses() + _every_route(hass)
    assert len(paths) > 300, len(paths)
    served: list[tuple[str, str, int, set[str]]] = []
    for path in paths:
        for who, headers in (("nobody", {}), ("administrator", bearer)):
            response = await web.get(path, headers=headers, timeout=timeout)
            body = await response.text(errors="replace")
            # The panel's code, or the loader (inline only, it is no address's either).
            if found := _shows_code(body, marks | {"dinstar/messages/panel_script"}):
                served.append((who, path, response.status, found))
    assert served == []

    shell = await web.get(f"/{PANEL}")
    page = await shell.text()
    assert shell.status == 200
    assert "<html" in page.lower()
    assert "dinstar" not in page.lower()
    assert "data:text/javascript" not in page


@pytest.mark.parametrize("group", ["system-users", "system-read-only"])
async def test_a_user_gets_the_script_only_while_a_gateway_is_open_to_every_user(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any, group: str
) -> None:
    """``panel_script`` has "the same check as the messages", on every call of one connection.

    Refused (``unauthorized``, no code) while no gateway shows its messages to every user; the
    same code as the administrator's once a gateway's option is on, with the panel and its
    loader in the user's panel list; refused again, on the same and on a new connection, once
    the option is off. The administrator gets it throughout (the control).
    """
    added = await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    script = await _script(admin)
    marks = _marks(script)
    _, token = await make_user(hass, "Guest", group)
    user = await hass_ws_client(hass, access_token=token)

    assert PANEL not in await panels(user)
    _assert_refused(await call(user, "panel_script"), marks)

    await set_options(hass, added.entry, {"messages_all_users": True})
    assert await _script(user) == script
    assert "customElements.define" in await _script(user)
    registration = await _registration(user)
    assert registration["module_url"] == (await _registration(admin))["module_url"]
    assert "dinstar/messages/panel_script" in _data_url(registration["module_url"])[1]

    await set_options(hass, added.entry, {"messages_all_users": False})
    _assert_refused(await call(user, "panel_script"), marks)
    fresh = await hass_ws_client(hass, access_token=token)
    _assert_refused(await call(fresh, "panel_script"), marks)
    assert PANEL not in await panels(fresh)
    assert await _script(admin) == script


@pytest.fixture
async def closed_by_the_server() -> AsyncIterator[None]:
    """Let websockets Home Assistant closed itself go without their heartbeat timer.

    The client's answer to the server's close reschedules the server's heartbeat (aiohttp): a
    55-second timer of a connection that is gone, which the harness would call lingering. Only
    those, of closed connections, are cancelled; every other timer is still checked.
    """
    yield
    for handle in get_scheduled_timer_handles(asyncio.get_running_loop()):
        owner = getattr(handle._callback, "__self__", None)
        if isinstance(owner, web_ws.WebSocketResponse) and owner.closed:
            handle.cancel()


async def _connect(client: TestClient, token: str) -> tuple[str, Any]:
    """Open Home Assistant's websocket as a browser does; the answer to its token, and it."""
    ws = await client.ws_connect("/api/websocket")
    assert (await ws.receive_json())["type"] == "auth_required"
    await ws.send_json({"type": "auth", "access_token": token})
    return (await ws.receive_json())["type"], ws


async def _is_closed(ws: Any, wait: float = 3) -> bool:
    """Whether the server closed a connection: it answers nothing more, the panel's code least.

    Waits for the server's close; a message that comes instead counts as open.
    """
    try:
        message = await ws.receive(timeout=wait)
    except TimeoutError:
        return False
    if message.type not in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
        return False
    try:
        await ws.send_json({"id": 1_000, "type": "dinstar/messages/panel_script"})
        answer = await ws.receive(timeout=1)
    except ConnectionError, RuntimeError, TimeoutError:
        return True
    return answer.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED)


@pytest.mark.parametrize("group", ["system-admin", "system-users"])
async def test_a_logged_out_user_gets_the_script_no_more(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    hass_ws_client: Any,
    hass_access_token: str,
    closed_by_the_server: None,
    group: str,
) -> None:
    """A user who logged out gets nothing: the session's websockets close, its token fails.

    The README: "A user who logged out ... gets nothing". Logging out removes the session's
    refresh token (what the frontend's logout asks Home Assistant to do). The user's open
    connection is closed; a new one with the old access token is refused. The control: before,
    the same user got the script the same way, over a connection still open; after, another
    user's session still gets it.
    """
    await add_gateway(hass, gateway, options={"messages_all_users": True})
    user, token = await make_user(hass, "Leaving", group)
    refresh = hass.auth.async_validate_access_token(token)
    assert refresh is not None
    assert refresh.user.id == user.id
    other = await hass_ws_client(hass)

    answer, tab = await _connect(web, token)
    assert answer == "auth_ok"
    await tab.send_json({"id": 1, "type": "dinstar/messages/panel_script"})
    script = (await tab.receive_json())["result"]["script"]
    assert "customElements.define" in script
    assert not await _is_closed(tab, wait=0.3)  # open until then

    hass.auth.async_remove_refresh_token(refresh)  # the user logs out
    await hass.async_block_till_done()

    assert await _is_closed(tab), "the logged-out session's websocket is still open"
    answer, again = await _connect(web, token)
    assert answer == "auth_invalid"
    assert await _is_closed(again)
    assert await _script(other) == script
    answer, control = await _connect(web, hass_access_token)
    assert answer == "auth_ok"
    await control.send_json({"id": 1, "type": "dinstar/messages/panel_script"})
    assert (await control.receive_json())["result"]["script"] == script
    for ws in (tab, again, control):
        await ws.close()


# Where a script or a style would load something: import, export ... from, dynamic import,
# CSS @import and url(), src and href, fetch and the other ways a page reaches an address.
_LOADS = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|@import\s+(?:url\()?\s*|url\(\s*|"""
    r"""\bsrc\s*=\s*|\bhref\s*=\s*|\bfetch\(\s*|\bWorker\(\s*|\bimportScripts\(\s*|"""
    r"""\bsendBeacon\(\s*|\bWebSocket\(\s*|\bEventSource\(\s*)"""
    r"""["'`]?((?:(?:https?|wss?):)?//[^"'`)\s]+)""",
    re.IGNORECASE,
)


async def test_the_panel_loads_nothing_from_the_internet(
    hass: HomeAssistant, web: TestClient, gateway: FakeGateway, hass_ws_client: Any
) -> None:
    """Neither the inline loader nor the script it asks for loads an outside address.

    The control: the same search finds outside addresses where they are.
    """
    await add_gateway(hass, gateway)
    admin = await hass_ws_client(hass)
    _, loader = _data_url((await _registration(admin))["module_url"])
    script = await _script(admin)
    assert "customElements.define" in script
    assert "customElements.define" in loader

    assert _LOADS.findall(script) == []
    assert _LOADS.findall(loader) == []
    control = (
        'import{x}from"https://cdn.example/lit.js";import("//cdn.example/a.js");'
        "a{background:url(https://fonts.example/f.woff)}<img src='http://x.example/i.png'>"
        'fetch("https://api.example/")'
    )
    assert len(_LOADS.findall(control)) == 5


async def _two_gateways_one_open(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    hass_ws_client: Any,
) -> tuple[Any, Any, Any, Any]:
    """Gateway ``opened`` shows its messages to every user, ``closed`` does not.

    Alice wrote to the open one, then to the closed one; Bob only to the closed one.
    Answers the two gateways, an administrator's websocket and a user's token.
    """
    opened = await add_gateway(hass, gateway, options={"messages_all_users": True})
    closed = await add_gateway(hass, second_gateway)
    await receive_sms(hass, web, opened, ALICE, "open hello")
    await receive_sms(hass, web, closed, ALICE, "closed hello")
    await receive_sms(hass, web, closed, BOB, "closed bob")
    _, token = await make_user(hass, "Guest", "system-users")
    return opened, closed, await hass_ws_client(hass), token


def _unread(listed: dict[str, Any]) -> dict[str, int]:
    return {thread["thread"]: thread["unread"] for thread in listed["threads"]}


async def test_a_user_cannot_mark_read_what_they_cannot_see(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    hass_ws_client: Any,
) -> None:
    """A user's read marks never reach messages of a gateway the user may not see.

    Read marks are shared: a user marking Bob's thread (closed gateway only) read, or Alice's
    (whose newest message came through the closed gateway), must not make the administrator's
    unread messages of the closed gateway read. "Every user sees that gateway's messages, and
    only those", and the commands "check the same on every call".
    """
    _, _, admin, token = await _two_gateways_one_open(
        hass, web, gateway, second_gateway, hass_ws_client
    )
    user = await hass_ws_client(hass, access_token=token)
    assert _unread(await ok(admin, "threads")) == {ALICE: 2, BOB: 1}

    await call(user, "mark_read", thread=BOB)
    await call(user, "mark_read", thread=BOB, up_to=1_000)
    await call(user, "mark_read", thread=ALICE)

    assert _unread(await ok(admin, "threads")) == {ALICE: 1, BOB: 1}


async def test_a_users_counts_and_live_updates_tell_nothing_of_a_closed_gateway(
    hass: HomeAssistant,
    web: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    hass_ws_client: Any,
) -> None:
    """The unread totals a user is given, and every live update, are of the open gateway only.

    Neither the closed gateway's numbers (Bob's) nor its messages' count reach the user, not in
    the list's total, not when an administrator reads Bob's thread, not when the closed gateway
    receives or sends.
    """
    opened, closed, admin, token = await _two_gateways_one_open(
        hass, web, gateway, second_gateway, hass_ws_client
    )
    user = await hass_ws_client(hass, access_token=token)
    live = await hass_ws_client(hass, access_token=token)
    listed = await ok(user, "threads")
    assert (listed["unread"], _unread(listed)) == (1, {ALICE: 1})
    assert (await ok(live, "subscribe")) is None

    await ok(admin, "mark_read", thread=BOB)
    await receive_sms(hass, web, closed, BOB, "closed again")
    await ok(admin, "send", entry_id=closed.entry.entry_id, number=BOB, port=1, text="admin's")
    await receive_sms(hass, web, opened, ALICE, "open again")

    events = await drain(live)
    shown = str(events)
    assert "open again" in shown
    assert "closed" not in shown
    assert "admin's" not in shown
    totals = [e["event"]["unread"] for e in events if "unread" in e.get("event", {})]
    assert totals, events
    assert max(totals) <= 2, events  # Alice's two messages through the open gateway
    assert (await ok(user, "threads"))["unread"] == 2
    assert BOB not in shown, [e for e in events if BOB in str(e)]
