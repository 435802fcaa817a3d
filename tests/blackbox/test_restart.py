"""Home Assistant stopped without unloading (a crash, ``systemctl stop``) and started again.

The second instance shares the first one's storage, as a restart on the same disk does, and
loads the config entries from it as Home Assistant does at start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.setup import async_setup_component

from .conftest import EVENTS, add_gateway, advance, sms_push, wait_for
from .gateway import FakeGateway
from .restart import restarted


def record(hass: HomeAssistant) -> list[tuple[str, dict[str, Any]]]:
    """Every dinstar_* event fired on ``hass``, in order.

    Unlike the ``events`` fixture, which keeps them by type, this keeps the order between types
    too, and can start on the second instance.
    """
    seen: list[tuple[str, dict[str, Any]]] = []
    for name in EVENTS:

        @callback
        def listener(event: Event, name: str = name) -> None:
            seen.append((name, dict(event.data)))

        hass.bus.async_listen(name, listener)
    return seen


def of_type(seen: list[tuple[str, dict[str, Any]]], name: str) -> list[dict[str, Any]]:
    return [data for kind, data in seen if kind == name]


async def settle(hass: HomeAssistant, done: Callable[[], bool]) -> None:
    """Refreshes run until ``done`` holds; then two more, to show nothing else comes.

    Unlike ``failover.settle``, which only lets what is under way finish, this moves time on by
    whole refresh intervals.
    """
    for _ in range(20):
        if done():
            break
        await advance(hass, 31)
    for _ in range(2):
        await advance(hass, 31)


async def test_restart_without_unloading_loses_and_doubles_nothing(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """What fired before does not again; what came meanwhile fires once, in order."""
    first = record(hass)
    added = await add_gateway(hass, gateway)
    entry_id = added.entry.entry_id
    before = [gateway.receive(1, "+4915100000001", f"before {index}") for index in range(2)]
    messages = [sms for sms in gateway.inbox if sms["incoming_sms_id"] in before]
    response = await http.post(added.webhook_path, json=sms_push(gateway.serial, *messages))
    assert response.status == 200
    assert await wait_for(hass, lambda: len(of_type(first, "dinstar_sms_received")) == len(before))
    answer = await hass.services.async_call(
        "dinstar",
        "send_sms",
        {"config_entry_id": entry_id, "number": ["+4915100000009"], "message": "Alarm"},
        blocking=True,
        return_response=True,
    )
    assert answer is not None
    (sent,) = answer["messages"]
    # Let the first instance ask for the result once: the gateway is still sending.
    await advance(hass, 31)
    assert of_type(first, "dinstar_sms_sent") == []

    # While Home Assistant is down: two SMS come in, and the message goes out.
    async with restarted(hass, "homeassistant") as second:
        during = [gateway.receive(2, "+4915100000002", f"during {index}") for index in range(2)]
        (result,) = [item for item in gateway.results if item["user_id"] == sent["user_id"]]
        result["status"] = "SENT_OK"
        result["succ_count"] = 1
        then = record(second)
        assert await async_setup_component(second, "dinstar", {})
        await second.async_block_till_done()
        entry = second.config_entries.async_get_entry(entry_id)
        assert entry is not None
        assert entry.state is ConfigEntryState.LOADED

        # Read in the background at start; advancing time now would time its request out.
        assert await wait_for(
            second, lambda: len(of_type(then, "dinstar_sms_received")) >= len(during)
        )
        await settle(second, lambda: bool(of_type(then, "dinstar_sms_sent")))
        received = of_type(then, "dinstar_sms_received")
        assert [data["incoming_sms_id"] for data in received] == during
        assert [data["text"] for data in received] == ["during 0", "during 1"]
        outcomes = of_type(then, "dinstar_sms_sent")
        assert [(data["user_id"], data["outcome"]) for data in outcomes] == [
            (sent["user_id"], "sent")
        ]
        assert outcomes[0]["sent_by_home_assistant"] is True
