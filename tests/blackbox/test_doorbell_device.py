"""Issue item 4 and the other push kinds: what a device, SIM or exception push may change.

A forged ``power_off`` push must not make the notify entities unavailable (so that
``notify.send_message`` silently sends nothing): the device's status is read from the gateway
first. A SIM registration push leads to a read of the port info; a port exception, which the API
cannot confirm, still fires, marked ``confirmed: false``.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant

from .conftest import Added, add_idle_gateway, advance, gateway_read, record_events, wait_for
from .gateway import FakeGateway

CONTACT = "notify.alice_sms"
ALICE = "+4915100000042"
REGISTRATION = "sensor.dinstar_0001_port_1_registration"
PORT_INFO = "/api/get_port_info"


def _power(gateway: FakeGateway, status: str) -> dict[str, Any]:
    return {
        "sn": gateway.serial,
        "device": {
            "port_number": gateway.ports,
            "IP": gateway.host,
            "MAC": gateway.mac,
            "status": status,
        },
    }


async def _add_contact(hass: HomeAssistant, added: Added) -> None:
    """Add the contact Alice the way a user does: the gateway's "Add contact"."""
    result = await hass.config_entries.subentries.async_init(
        (added.entry.entry_id, "contact"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"name": "Alice", "number": ALICE}
    )
    assert result["type"] == "create_entry", result
    await hass.async_block_till_done()
    assert hass.states.get(CONTACT) is not None


def _unavailable(hass: HomeAssistant) -> list[str]:
    return [
        entity_id
        for entity_id in (CONTACT, REGISTRATION)
        if (state := hass.states.get(entity_id)) is None or state.state == "unavailable"
    ]


async def _notify_alice(hass: HomeAssistant) -> None:
    await hass.services.async_call(
        "notify",
        "send_message",
        {"entity_id": CONTACT, "message": "Water in the basement"},
        blocking=True,
    )


def _sent_to_alice(gateway: FakeGateway) -> bool:
    return any(
        item["number"] == ALICE
        for seen in gateway.calls("/api/send_sms")
        for item in seen.body.get("param", [])
    )


async def test_forged_power_off_while_the_gateway_answers_changes_nothing(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """No power event, entities stay available, and a notification reaches the gateway."""
    added = await add_idle_gateway(hass, gateway)
    await _add_contact(hass, added)
    since = len(gateway.requests)

    push = await gateway.push(http, added.webhook_path, _power(gateway, "power_off"))
    await wait_for(hass, lambda: len(gateway.requests) > since, timeout=2)
    await hass.async_block_till_done()

    assert push.status == 200
    assert events["dinstar_device_power"] == []
    assert _unavailable(hass) == []
    await _notify_alice(hass)
    assert _sent_to_alice(gateway), "notify.send_message sent nothing"


async def test_after_a_forged_power_off_a_good_refresh_leaves_notify_working(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
) -> None:
    """A forged power-off followed by a refresh the gateway answers: notify sends."""
    added = await add_idle_gateway(hass, gateway)
    await _add_contact(hass, added)

    await gateway.push(http, added.webhook_path, _power(gateway, "power_off"))
    await hass.async_block_till_done()
    await advance(hass, 31)

    assert _unavailable(hass) == []
    await _notify_alice(hass)
    assert _sent_to_alice(gateway), "notify.send_message sent nothing"


async def test_real_power_off_fires(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """The gateway's own power-off push, after which it does not answer, still fires."""
    added = await add_idle_gateway(hass, gateway)
    body = _power(gateway, "power_off")
    await gateway.stop()

    await gateway.push(http, added.webhook_path, body)

    assert await wait_for(hass, lambda: bool(events["dinstar_device_power"]), timeout=3)
    assert [e["status"] for e in events["dinstar_device_power"]] == ["power_off"]
    await gateway.start()


async def test_register_push_reads_the_port_info(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
) -> None:
    """A SIM pulled: the push leads to a read of the port info, after its answer."""
    added = await add_idle_gateway(hass, gateway)
    gateway.sim_present[1] = False
    gateway.slow = 0.2
    since = len(gateway.requests)

    push = await gateway.push(
        http,
        added.webhook_path,
        {
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

    assert await gateway_read(hass, gateway, PORT_INFO, since, timeout=3), "no port info read"
    assert gateway.served_during(push) == []
    state = hass.states.get(REGISTRATION)
    assert state is not None
    assert state.state == "no_sim"


async def test_port_exception_fires_unconfirmed(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """The API cannot confirm an exception: it fires at once, marked ``confirmed: false``."""
    added = await add_idle_gateway(hass, gateway)
    fired = record_events(hass, "dinstar_port_exception")

    await gateway.push(
        http,
        added.webhook_path,
        {
            "sn": gateway.serial,
            "exception_info": {"port": 0, "type": "call_fail", "action": "reset"},
        },
    )

    assert await wait_for(hass, lambda: bool(fired))
    assert [(e["port"], e["type"], e["action"]) for e in fired] == [(0, "call_fail", "reset")]
    assert fired[0].get("confirmed") is False, fired[0]
