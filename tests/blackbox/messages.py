"""Helpers for the Messages panel's outside tests: users, websocket commands, the store.

Everything goes through what a user or an attacker has: Home Assistant's websocket and HTTP
APIs, the gateway's webhook, the fake gateway, and the storage file as it lands on disk.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
import json
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from homeassistant.auth.models import User
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .conftest import Added, gateway_read, set_up_components, sms_push
from .restart import restarted

STORE_KEY = "dinstar.messages"
PANEL = "dinstar-messages"
COMMANDS = ("threads", "thread", "mark_read", "send", "subscribe")
ALICE = "+4915100000001"
BOB = "+4915100000002"
INBOX = "/api/query_incoming_sms"
RESULTS = "/api/query_sms_result"
REPORTS = "/api/query_sms_deliver_status"
USSD = "/api/query_ussd_reply"


async def make_user(hass: HomeAssistant, name: str, group: str) -> tuple[User, str]:
    """A user of a group (``system-admin``, ``system-users``, ``system-read-only``) and a token."""
    user = await hass.auth.async_create_user(name, group_ids=[group])
    refresh = await hass.auth.async_create_refresh_token(user, "https://example.com/app")
    return user, hass.auth.async_create_access_token(refresh)


async def call(ws: Any, command: str, **fields: Any) -> dict[str, Any]:
    """Send one of the panel's commands; return the whole answer (``success``, ``result``...)."""
    await ws.send_json_auto_id({"type": f"dinstar/messages/{command}", **fields})
    return await ws.receive_json()


async def ok(ws: Any, command: str, **fields: Any) -> Any:
    """A command that must succeed: its result."""
    answer = await call(ws, command, **fields)
    assert answer["success"], answer
    return answer["result"]


async def drain(ws: Any, timeout: float = 0.3) -> list[dict[str, Any]]:
    """Every message waiting on a websocket (a subscription's events), until it is quiet."""
    seen = []
    while True:
        try:
            seen.append(await ws.receive_json(timeout=timeout))
        except TimeoutError:
            return seen


async def receive_sms(
    hass: HomeAssistant,
    client: TestClient,
    added: Added,
    number: str,
    text: str,
    port: int = 1,
) -> int:
    """An SMS really reaches the gateway's inbox and is pushed; wait for its read-back."""
    gateway = added.gateway
    since = len(gateway.requests)
    sms_id = gateway.receive(port, number, text)
    sms = next(s for s in gateway.inbox if s["incoming_sms_id"] == sms_id)
    await gateway.push(client, added.webhook_path, sms_push(gateway.serial, sms))
    assert await gateway_read(hass, gateway, INBOX, since)
    return sms_id


def all_messages(threads_answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [thread["last"] for thread in threads_answer["threads"]]


async def thread_messages(ws: Any, thread: str, **fields: Any) -> list[dict[str, Any]]:
    """Every message of a thread, following the cursor to the first."""
    messages: list[dict[str, Any]] = []
    before = None
    while True:
        extra = dict(fields)
        if before is not None:
            extra["before"] = before
        page = await ok(ws, "thread", thread=thread, **extra)
        messages = page["messages"] + messages
        before = page["before"]
        if before is None:
            return messages


async def flush(hass: HomeAssistant) -> None:
    """Let the store's batched write happen (at most every 10 seconds)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=22))
    await hass.async_block_till_done(wait_background_tasks=True)


def store_text(hass_storage: dict[str, Any]) -> str:
    """The message store as it would be written to ``.storage/dinstar.messages``."""
    return json.dumps(hass_storage.get(STORE_KEY, {}), ensure_ascii=False)


@asynccontextmanager
async def restarted_with_ws(first: HomeAssistant) -> AsyncIterator[tuple[HomeAssistant, Any]]:
    """A restart: ``first`` stops without unloading, another starts on the same storage.

    The new Home Assistant has the integration, and an administrator's websocket to it.
    """
    async with restarted(first, "homeassistant") as second:
        await set_up_components(second)
        await second.async_block_till_done(wait_background_tasks=True)
        _, token = await make_user(second, "Admin after restart", "system-admin")
        client = TestClient(TestServer(second.http.app))
        await client.start_server()
        try:
            ws = await client.ws_connect("/api/websocket")
            assert (await ws.receive_json())["type"] == "auth_required"
            await ws.send_json({"type": "auth", "access_token": token})
            assert (await ws.receive_json())["type"] == "auth_ok"
            counter = iter(range(1, 1_000_000))

            async def send_json_auto_id(data: dict[str, Any]) -> None:
                await ws.send_json({"id": next(counter), **data})

            ws.send_json_auto_id = send_json_auto_id  # type: ignore[attr-defined]
            yield second, ws
            await ws.close()
        finally:
            await client.close()
