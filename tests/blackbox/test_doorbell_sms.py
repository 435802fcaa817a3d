"""Issue item 2: a pushed SMS is a doorbell; the gateway's inbox says what arrived.

The API gives pushes no signature, and the serial is in every push sniffed on the LAN: anyone
on the network can post one to the webhook. An SMS push must only make the integration look at
the gateway's inbox (``query_incoming_sms``, ``flag=all``, above the last handled id), right after
answering the push, and fire what the inbox holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import logging
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
import pytest

from .conftest import add_idle_gateway, gateway_read, received_ids, sms_push, wait_for
from .gateway import FakeGateway

INBOX = "/api/query_incoming_sms"


def _sms(sms_id: int, text: str, when: str = "2026-11-01 10:00:00") -> dict[str, Any]:
    return {
        "incoming_sms_id": sms_id,
        "port": 1,
        "number": "+4915100000666",
        "smsc": "+4917000000",
        "timestamp": when,
        "text": text,
    }


def _texts(events: dict[str, list[dict[str, Any]]]) -> list[str]:
    return [event["text"] for event in events["dinstar_sms_received"]]


STRANGER = "127.0.0.3"


@pytest.fixture
async def stranger(http: TestClient) -> AsyncIterator[aiohttp.ClientSession]:
    """A client on the local network at 127.0.0.3: neither the gateway nor Home Assistant."""
    connector = aiohttp.TCPConnector(local_addr=(STRANGER, 0))
    async with aiohttp.ClientSession(connector=connector) as session:
        yield session


async def test_pushed_sms_fires_what_the_inbox_holds(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """The event carries the inbox's text, not the push's, and comes after an inbox read."""
    added = await add_idle_gateway(hass, gateway)
    sms_id = gateway.receive(1, "+4915100000001", "ALARM zone 3")
    since = len(gateway.requests)

    tampered = {**gateway.inbox[-1], "text": "all clear", "number": "+4915100000666"}
    await gateway.push(http, added.webhook_path, sms_push(gateway.serial, tampered))

    checked = await gateway_read(hass, gateway, INBOX, since)
    assert await wait_for(hass, lambda: len(events["dinstar_sms_received"]) == 1)
    (event,) = events["dinstar_sms_received"]
    assert (event["incoming_sms_id"], event["text"], event["sender"]) == (
        sms_id,
        "ALARM zone 3",
        "+4915100000001",
    )
    assert checked, "the push was not checked"


async def test_forged_next_id_fires_nothing_and_the_real_sms_still_fires(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A forged push with the next id fires nothing; the real SMS that gets that id fires."""
    added = await add_idle_gateway(hass, gateway)
    since = len(gateway.requests)

    await gateway.push(http, added.webhook_path, sms_push(gateway.serial, _sms(1, "forged")))
    checked = await gateway_read(hass, gateway, INBOX, since)
    assert events["dinstar_sms_received"] == []
    assert checked, "the push was not checked"

    real = gateway.receive(1, "+4915100000001", "ALARM zone 3")
    assert real == 1
    since = len(gateway.requests)
    await gateway.push(http, added.webhook_path, sms_push(gateway.serial, gateway.inbox[-1]))
    await gateway_read(hass, gateway, INBOX, since)

    assert await wait_for(hass, lambda: bool(events["dinstar_sms_received"]))
    assert _texts(events) == ["ALARM zone 3"]


async def test_forged_run_dated_2099_does_not_move_the_ledger(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """Forged pushes of consecutive ids dated 2099 fire nothing; the real SMS after them fire.

    Each forged push carries the id that follows the previous one, as the gateway's own would:
    believed, each would move the ledger one further, and the real SMS that later get those
    ids would be taken as handled.
    """
    added = await add_idle_gateway(hass, gateway)
    first = gateway.receive(0, "+4915100000001", "before")
    await gateway.push(http, added.webhook_path, sms_push(gateway.serial, gateway.inbox[-1]))
    assert await wait_for(hass, lambda: received_ids(events) == [first])

    since = len(gateway.requests)
    for sms_id in range(2, 32):
        forged = _sms(sms_id, "forged", "2099-12-31 23:59:59")
        await gateway.push(http, added.webhook_path, sms_push(gateway.serial, forged))
    checked = await gateway_read(hass, gateway, INBOX, since)
    assert received_ids(events) == [first]

    real = [gateway.receive(1, "+4915100000002", f"real {index}") for index in range(3)]
    for sms_id in real:
        (message,) = [sms for sms in gateway.inbox if sms["incoming_sms_id"] == sms_id]
        await gateway.push(http, added.webhook_path, sms_push(gateway.serial, message))

    assert await wait_for(hass, lambda: len(received_ids(events)) >= 4), "real SMS were lost"
    assert received_ids(events) == [first, *real]
    assert _texts(events)[1:] == ["real 0", "real 1", "real 2"]
    assert checked, "the forged pushes were not checked"


async def test_push_is_answered_before_the_inbox_is_read(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """The gateway, which may serve one request at a time, is not called while its push waits.

    Every answer of the gateway takes 0.3 s: a read made inside the push's handling would be
    answered before the push's answer; a read made after it is answered well after.
    """
    added = await add_idle_gateway(hass, gateway)
    sms_id = gateway.receive(1, "+4915100000001", "ALARM zone 3")
    gateway.slow = 0.3
    gateway.one_at_a_time = True
    since = len(gateway.requests)

    push = await gateway.push(http, added.webhook_path, sms_push(gateway.serial, gateway.inbox[-1]))

    assert push.status == 200
    assert push.answered - push.sent < 0.25, "the push waited for the gateway"
    assert gateway.served_during(push) == []
    checked = await gateway_read(hass, gateway, INBOX, since)
    assert await wait_for(hass, lambda: received_ids(events) == [sms_id])
    assert checked, "no inbox read after the push"


async def test_a_burst_of_pushes_is_one_inbox_read(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """Five pushes arriving together lead to one read of the inbox (a follow-up page at most)."""
    added = await add_idle_gateway(hass, gateway)
    ids = [gateway.receive(index % 2, "+4915100000001", f"burst {index}") for index in range(5)]
    since = len(gateway.requests)

    await asyncio.gather(
        *(
            gateway.push(http, added.webhook_path, sms_push(gateway.serial, message))
            for message in list(gateway.inbox)
        )
    )
    assert await wait_for(hass, lambda: len(received_ids(events)) == 5)
    await gateway_read(hass, gateway, INBOX, since)

    reads = gateway.calls(INBOX, since)
    from_the_start = [seen for seen in reads if "incoming_sms_id=0&" in f"{seen.query}&"]
    assert len(from_the_start) == 1, f"{len(reads)} inbox reads: {[s.query for s in reads]}"
    assert len(reads) <= 2, [seen.query for seen in reads]
    assert sorted(received_ids(events)) == ids


async def test_unconfirmed_pushes_are_logged_once_with_their_source(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    stranger: aiohttp.ClientSession,
    events: dict[str, list[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Three forged pushes from one address: nothing fires, one log line names that address."""
    added = await add_idle_gateway(hass, gateway)
    caplog.set_level(logging.INFO, logger="custom_components.dinstar")
    caplog.clear()

    checks = []
    for sms_id in (1, 2, 3):
        since = len(gateway.requests)
        push = await gateway.push(
            stranger,
            http.make_url(added.webhook_path),
            sms_push(gateway.serial, _sms(sms_id, "forged")),
        )
        assert push.status == 200
        checks.append(await gateway_read(hass, gateway, INBOX, since))

    assert events["dinstar_sms_received"] == []
    assert all(checks), "the pushes were not checked"
    lines = [
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.dinstar")
        and record.levelno >= logging.INFO
        and STRANGER in record.getMessage()
    ]
    assert len(lines) == 1, lines
