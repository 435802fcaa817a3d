"""How a push reaches Home Assistant: split TCP writes, chunked bodies, a slow gateway."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest

from .conftest import POWER_ON, REGISTER, add_gateway, sms_push, wait_for
from .gateway import FakeGateway, Fault


async def _raw_post(client: TestClient, path: str, parts: list[bytes]) -> int:
    """Write a request in separate TCP writes, 1 ms apart, and return the status code."""
    url = client.make_url("/")
    reader, writer = await asyncio.open_connection(url.host, url.port)
    try:
        for part in parts:
            writer.write(part)
            await writer.drain()
            await asyncio.sleep(0.001)  # the gap between the gateway's writes, not a wait
        status_line = await asyncio.wait_for(reader.readline(), 5)
        return int(status_line.split()[1])
    finally:
        writer.close()


def _split(path: str, body: bytes, scheme: str) -> list[bytes]:
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    if scheme == "chunked":
        head += "Transfer-Encoding: chunked\r\n\r\n"
        half = len(body) // 2
        return [
            head.encode(),
            f"{half:x}\r\n".encode() + body[:half] + b"\r\n",
            f"{len(body) - half:x}\r\n".encode() + body[half:] + b"\r\n",
            b"0\r\n\r\n",
        ]
    head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    if scheme == "headers_then_body":
        return [head.encode(), body]
    third = len(body) // 3
    return [head.encode() + body[:third], body[third : 2 * third], body[2 * third :]]


@pytest.mark.parametrize("scheme", ["headers_then_body", "body_in_parts", "chunked"])
async def test_push_in_split_writes_fires_at_once(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
    scheme: str,
) -> None:
    """A pushed SMS whose body arrives in pieces is read whole, answered 200 and fired."""
    added = await add_gateway(hass, gateway)
    sms_id = gateway.receive(1, "+4915100000001", "split write")
    body = json.dumps(sms_push(gateway.serial, gateway.inbox[-1])).encode()

    status = await _raw_post(http, added.webhook_path, _split(added.webhook_path, body, scheme))

    assert status == 200
    assert await wait_for(hass, lambda: len(events["dinstar_sms_received"]) == 1, timeout=1)
    assert events["dinstar_sms_received"][0]["incoming_sms_id"] == sms_id


async def test_push_in_one_write_fires(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """The same push in one write is accepted: the raw-socket helper itself is sound."""
    added = await add_gateway(hass, gateway)
    gateway.receive(1, "+4915100000001", "one write")
    body = json.dumps(sms_push(gateway.serial, gateway.inbox[-1])).encode()
    parts = _split(added.webhook_path, body, "headers_then_body")

    assert await _raw_post(http, added.webhook_path, [b"".join(parts)]) == 200
    assert await wait_for(hass, lambda: len(events["dinstar_sms_received"]) == 1, timeout=1)


@pytest.mark.parametrize("body", [REGISTER, POWER_ON], ids=["register", "device"])
async def test_push_answered_without_waiting_for_the_gateway(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, body: dict[str, Any]
) -> None:
    """Register and device pushes are answered before any slow call to the gateway ends."""
    added = await add_gateway(hass, gateway)
    for path in (
        "/api/get_port_info",
        "/api/get_status",
        "/api/query_incoming_sms",
        "/api/query_sms_in_queue",
    ):
        gateway.fail(path, Fault(delay=1.5, times=5))

    loop = asyncio.get_running_loop()
    started = loop.time()
    response = await http.post(added.webhook_path, json={"sn": gateway.serial, **body})
    elapsed = loop.time() - started

    assert response.status == 200
    assert elapsed < 0.5, f"the push waited {elapsed:.1f} s for the gateway"
    gateway.faults.clear()
