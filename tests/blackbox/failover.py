"""Helpers of the failover tests (issue 22): gateways that push, the send, what went on the air.

Gateway A and gateway B are fake gateways whose radio side is simulated: what each network
carried is in its ``on_air``, so a test counts what really went out, and where.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component

from .conftest import DOMAIN, Added, add_gateway, record_events, wait_for
from .gateway import FakeGateway
from .restart import restarted

NUMBER = "+4915100000009"


async def settle(hass: HomeAssistant) -> None:
    """Let pushes, their read-backs and what they lead to happen, without moving the clock."""
    for _ in range(5):
        await hass.async_block_till_done(wait_background_tasks=True)
        await asyncio.sleep(0.05)


def pushing(added: Added, http: TestClient, air_delay: float | None = 0.02) -> Added:
    """The gateway pushes its results to the entry's webhook; SMS go on the air by themselves."""
    added.gateway.push_to = (http, added.webhook_path)
    added.gateway.air_delay = air_delay
    return added


async def joined(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, air_delay: float | None = 0.02
) -> Added:
    """One more gateway in Home Assistant, pushing, idle."""
    added = pushing(await add_gateway(hass, gateway), http, air_delay)
    await hass.async_block_till_done(wait_background_tasks=True)
    return added


async def two_gateways(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    air_delay: float | None = 0.02,
) -> tuple[Added, Added]:
    """Gateway A and gateway B in one Home Assistant, both pushing, both idle."""
    first = await joined(hass, http, gateway, air_delay)
    return first, await joined(hass, http, second_gateway, air_delay)


async def send(hass: HomeAssistant, entry_id: str, **data: Any) -> dict[str, Any]:
    """``dinstar.send_sms`` with its answer."""
    answer = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry_id, "message": "Alarm at home", **data},
        blocking=True,
        return_response=True,
    )
    assert answer is not None
    return dict(answer)


def carried(number: str, *gateways: FakeGateway) -> list[tuple[str, int]]:
    """Every SMS to ``number`` the networks carried: (gateway serial, port)."""
    return [
        (gw.serial, sms["port"]) for gw in gateways for sms in gw.on_air if sms["number"] == number
    ]


def send_requests(*gateways: FakeGateway) -> list[tuple[str, list[int] | None, list[str]]]:
    """Every send request the gateways accepted or refused: (serial, ports, numbers)."""
    return [
        (gw.serial, seen.body.get("port"), [p["number"] for p in seen.body.get("param") or []])
        for gw in gateways
        for seen in gw.calls("/api/send_sms")
    ]


def message_for(answer: dict[str, Any], number: str = NUMBER) -> dict[str, Any]:
    (message,) = [m for m in answer["messages"] if m["number"] == number]
    return dict(message)


def entry_of(added: Added) -> str:
    return added.entry.entry_id


async def until_final(hass: HomeAssistant, finals: list[dict[str, Any]]) -> None:
    assert await wait_for(hass, lambda: bool(finals), timeout=5), "no final outcome"
    await settle(hass)


@asynccontextmanager
async def restarted_with_gateways(
    first: HomeAssistant, *gateways: Added, air_delay: float | None = None
) -> AsyncIterator[tuple[HomeAssistant, list[dict[str, Any]], list[dict[str, Any]]]]:
    """Stop ``first`` without unloading; start another on the same storage, its webhooks served.

    Yields the new instance and the ``dinstar_sms_final`` and ``dinstar_sms_sent`` events it
    fires from its very start (recorded before the integration is set up). The gateways push
    to the new instance's webhooks; nothing goes on the air by itself until the test says so,
    unless ``air_delay`` is given.
    """
    for added in gateways:
        added.gateway.push_to = None
        added.gateway.air_delay = None
    async with restarted(first, "homeassistant", "webhook", "repairs", "notify") as second:
        client = TestClient(TestServer(second.http.app))
        await client.start_server()
        for added in gateways:
            pushing(added, client, air_delay)
        finals = record_events(second, "dinstar_sms_final")
        outcomes = record_events(second, "dinstar_sms_sent")
        try:
            yield second, finals, outcomes
        finally:
            for added in gateways:
                added.gateway.push_to = None
            await client.close()


async def start_integration(hass: HomeAssistant, *gateways: Added) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()
    for added in gateways:
        entry = hass.config_entries.async_get_entry(added.entry.entry_id)
        assert entry is not None
        assert entry.state is ConfigEntryState.LOADED
