"""Two gateways in one Home Assistant, and a SIM pulled and put back."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant

from .conftest import add_gateway, advance, push, sms_push, wait_for
from .gateway import FakeGateway


async def test_two_gateways_do_not_mix_messages(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """Each gateway's SMS fire for its own entry; a push to the wrong webhook fires nothing."""
    first = await add_gateway(hass, gateway)
    second = await add_gateway(hass, second_gateway)
    one = gateway.receive(0, "+4915100000001", "to the first")
    two = second_gateway.receive(0, "+4915100000002", "to the second")

    assert await push(http, first, one) == 200
    assert await push(http, second, two) == 200
    misrouted = sms_push(second_gateway.serial, {**second_gateway.inbox[0], "text": "misrouted"})
    await http.post(first.webhook_path, json=misrouted)
    await advance(hass, 15)

    assert await wait_for(hass, lambda: len(events["dinstar_sms_received"]) >= 2)
    by_entry = [(e["config_entry_id"], e["text"]) for e in events["dinstar_sms_received"]]
    assert sorted(by_entry) == sorted(
        [(first.entry.entry_id, "to the first"), (second.entry.entry_id, "to the second")]
    )


async def test_sim_pulled_and_put_back(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """The port's device goes with the SIM and comes back with it; each push fires an event."""
    added = await add_gateway(hass, gateway)
    assert _registration(hass) == "register_ok"

    gateway.sim_present[1] = False
    await http.post(
        added.webhook_path,
        json={
            "sn": gateway.serial,
            "register": [
                {
                    "port": 1,
                    "iccid": "<NULL>",
                    "imsi": "<NULL>",
                    "number": "",
                    "status": "down",
                    "sequence": 1,
                    "slot": 255,
                }
            ],
        },
    )
    assert await wait_for(hass, lambda: _registration(hass) in (None, "no_sim"))

    gateway.sim_present[1] = True
    await http.post(
        added.webhook_path,
        json={
            "sn": gateway.serial,
            "register": [
                {
                    "port": 1,
                    "iccid": "89490000000000000001",
                    "imsi": "262010000000001",
                    "number": "",
                    "status": "up",
                    "sequence": 2,
                    "slot": 255,
                }
            ],
        },
    )
    await advance(hass, 31)
    assert await wait_for(hass, lambda: _registration(hass) == "register_ok")
    statuses = [(e["port"], e["status"]) for e in events["dinstar_sim_registration"]]
    assert statuses == [(1, "down"), (1, "up")]
    assert events["dinstar_sim_registration"][0]["iccid"] is None


def _registration(hass: HomeAssistant) -> str | None:
    state = hass.states.get("sensor.dinstar_0001_port_1_registration")
    return None if state is None else state.state
