"""Incoming SMS: history, failed first reads, reloads, renumbering, order, forged pushes."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from .conftest import DOMAIN, add_gateway, advance, push, received_ids, set_options, wait_for
from .gateway import FakeGateway, Fault


def _history(gateway: FakeGateway, count: int = 5) -> None:
    for index in range(count):
        gateway.receive(index % 2, f"+49151000000{index:02d}", f"old {index}")


@pytest.mark.parametrize("fault", [Fault(status=500), Fault(drop=True)], ids=["500", "dropped"])
async def test_history_not_fired_after_a_failed_first_read(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
    fault: Fault,
) -> None:
    """The inbox a new gateway holds never fires, even when the first read of it fails."""
    _history(gateway)
    gateway.fail("/api/query_incoming_sms", fault)
    added = await add_gateway(hass, gateway)
    new_id = gateway.receive(1, "+4915199999999", "new")

    assert await push(http, added, new_id) == 200
    await advance(hass, 15)
    await set_options(hass, added.entry, {"scan_interval": 60})
    await advance(hass, 120)

    assert received_ids(events) == [new_id]


async def test_history_not_fired_when_reloaded_before_the_first_read_ends(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """An options change right after adding, while the first inbox read is slow.

    What the inbox holds at the first complete read is its history (without pushes nothing
    tells a message that came meanwhile from an old one): the new SMS comes after that read.
    """
    _history(gateway)
    gateway.fail("/api/query_incoming_sms", Fault(delay=0.5, status=500, times=2))
    added = await add_gateway(hass, gateway, options={"incoming_mode": "polling"})
    await set_options(hass, added.entry, {"scan_interval": 10})
    await advance(hass, 15)
    new_id = gateway.receive(0, "+4915199999999", "new")
    await advance(hass, 15)

    assert await wait_for(hass, lambda: new_id in received_ids(events))
    assert received_ids(events) == [new_id]


async def test_polling_follows_ids_that_started_again(
    hass: HomeAssistant,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """After a factory reset the new SMS fire, with a warning and a repair issue."""
    await add_gateway(hass, gateway, options={"incoming_mode": "polling"})
    for index in range(3):
        gateway.receive(0, "+4915100000001", f"before {index}")
    await advance(hass, 31)
    assert received_ids(events) == [1, 2, 3]

    gateway.factory_reset_inbox()
    gateway.receive(0, "+4915100000002", "after reset", when="2026-11-02 09:00:00")
    caplog.set_level(logging.WARNING)
    await advance(hass, 31)
    await advance(hass, 31)

    assert [e["text"] for e in events["dinstar_sms_received"]][3:] == ["after reset"]
    assert any(
        r.levelno == logging.WARNING and r.name.startswith("custom_components.dinstar")
        for r in caplog.records
    )
    assert any(domain == DOMAIN for domain, _ in ir.async_get(hass).issues), (
        "no repair issue raised"
    )


async def test_missed_push_fires_in_id_order(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A lost push read back by the gap check fires before the later ones on its port."""
    added = await add_gateway(hass, gateway)
    first, second, third = (gateway.receive(1, "+4915100000001", f"m{i}") for i in range(3))
    gateway.fail("/api/query_incoming_sms", Fault(delay=0.3, times=3))

    assert await push(http, added, second) == 200
    assert await push(http, added, third) == 200
    await advance(hass, 11)
    assert await wait_for(hass, lambda: len(events["dinstar_sms_received"]) == 3)

    assert received_ids(events) == [first, second, third]


async def test_messages_missed_while_away_are_read_after_a_failed_start_up_read(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """Push mode: the read at start fails once; the next good refresh reads what came meanwhile.

    Home Assistant restarts the entry (options apply in place: a reload is what restarts it).
    """
    added = await add_gateway(hass, gateway, options={"scan_interval": 30})
    gateway.fail("/api/query_incoming_sms", Fault(status=500))
    missed = [
        gateway.receive(1, "+4915100000001", "while away"),
        gateway.receive(0, "+4915100000002", "also while away"),
    ]
    assert await hass.config_entries.async_reload(added.entry.entry_id)
    await hass.async_block_till_done()
    assert received_ids(events) == []

    await advance(hass, 31)

    assert await wait_for(hass, lambda: received_ids(events) == missed)
