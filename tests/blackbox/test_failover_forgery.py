"""Issue 22 against an attacker on the network: make an alarm SMS go twice, or look delivered.

Pushes carry no signature. Whatever a forger pushes about a failover's attempt, the gateway's
own records decide: a forged "sent" must not end the retries of a message that failed (the
alarm would be lost), a forged "failed" must not start another attempt of one that is still
going (it would go twice), a forged "delivered" must not answer ``wait: delivered``.
"""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant

from .conftest import record_events, result_push, wait_for
from .failover import (
    NUMBER,
    carried,
    entry_of,
    message_for,
    send,
    send_requests,
    settle,
    two_gateways,
)
from .gateway import FakeGateway


async def test_forged_sent_does_not_end_the_retries_of_a_failing_sms(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A forged "SENT_OK" or "DELIVERED" for an attempt still sending ends nothing.

    The gateway's FAILED that follows still makes the next port send it, once.
    """
    a, _ = await two_gateways(hass, http, gateway, second_gateway, air_delay=None)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}
    answer = await send(hass, entry_of(a), number=[NUMBER], pool="all", port=1)
    record = gateway.record_of(message_for(answer)["attempts"][0]["user_id"])

    for status in ("SENT_OK", "DELIVERED"):
        await gateway.push(
            http, a.webhook_path, result_push(gateway, record, status=status, succ_count=1)
        )
    await settle(hass)
    assert finals == [], f"a forged push was believed: {finals}"
    assert len(send_requests(gateway, second_gateway)) == 1

    for _ in range(3):
        await gateway.air()
        await second_gateway.air()
        await settle(hass)

    assert await wait_for(hass, lambda: bool(finals), timeout=3), "no final outcome"
    assert finals[-1]["outcome"] == "sent"
    assert finals[-1]["attempts"][0]["outcome"] == "failed"
    assert (finals[-1]["final_port"]["config_entry_id"], finals[-1]["final_port"]["port"]) != (
        entry_of(a),
        1,
    )
    assert len(carried(NUMBER, gateway, second_gateway)) == 1


async def test_forged_failed_does_not_make_the_sms_go_twice(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A "FAILED" pushed for an attempt still in the gateway's queue: no other attempt is made."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway, air_delay=None)
    finals = record_events(hass, "dinstar_sms_final")
    answer = await send(hass, entry_of(a), number=[NUMBER], pool="all", port=1)
    record = gateway.record_of(message_for(answer)["attempts"][0]["user_id"])

    await gateway.push(http, a.webhook_path, result_push(gateway, record, status="FAILED"))
    await settle(hass)
    assert len(send_requests(gateway, second_gateway)) == 1, "a forged FAILED made a retry"

    await gateway.air()
    await settle(hass)
    assert await wait_for(hass, lambda: bool(finals), timeout=3), "no final outcome"
    assert finals[-1]["outcome"] == "sent"
    assert [x["outcome"] for x in finals[-1]["attempts"]] == ["sent"]
    assert carried(NUMBER, gateway, second_gateway) == [(gateway.serial, 1)]
    assert len(send_requests(gateway, second_gateway)) == 1


async def test_a_failed_event_on_the_bus_makes_no_retry(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Anyone with an API token can fire ``dinstar_sms_sent``: outcomes never come from the bus."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway, air_delay=None)
    answer = await send(hass, entry_of(a), number=[NUMBER], pool="all", port=1)
    attempt = message_for(answer)["attempts"][0]

    hass.bus.async_fire(
        "dinstar_sms_sent",
        {
            "config_entry_id": entry_of(a),
            "number": NUMBER,
            "user_id": attempt["user_id"],
            "port": 1,
            "parts": 1,
            "outcome": "failed",
            "sent_by_home_assistant": True,
        },
    )
    await settle(hass)

    assert len(send_requests(gateway, second_gateway)) == 1, "a bus event made a retry"


async def test_forged_delivery_report_does_not_answer_delivered(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """``wait: delivered``: a pushed report the gateway does not hold answers nothing."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway, air_delay=0.02)
    call = hass.async_create_task(
        send(hass, entry_of(a), number=[NUMBER], pool="all", port=1, wait="delivered", timeout=3)
    )
    assert await wait_for(hass, lambda: bool(gateway.on_air), timeout=3)
    sent = gateway.on_air[0]
    record = gateway.record_of(sent["user_id"])
    forged = {
        "port": record["port"],
        "number": NUMBER,
        "time": record["time"],
        "ref_id": record["ref_id"],
        "status_code": 0,
        "imsi": record["imsi"],
    }
    await gateway.push(http, a.webhook_path, {"sn": gateway.serial, "sms_deliver_status": [forged]})

    answer = await call

    message = message_for(answer)
    assert message["outcome"] == "sent", message
    assert message["delivered"] is not True, message


async def test_a_result_pushed_under_the_other_gateways_serial_is_refused(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """B's failed attempt, pushed to A's webhook with B's serial, ends nothing and retries nothing.

    B's attempt is still in B's queue: a push to A's webhook about it must be refused.
    """
    a, b = await two_gateways(hass, http, gateway, second_gateway, air_delay=None)
    finals = record_events(hass, "dinstar_sms_final")
    answer = await send(hass, entry_of(b), number=[NUMBER], pool="all", port=1)
    record = second_gateway.record_of(message_for(answer)["attempts"][0]["user_id"])

    await gateway.push(http, a.webhook_path, result_push(second_gateway, record, status="FAILED"))
    await gateway.push(
        http, a.webhook_path, result_push(gateway, record, status="SENT_OK", succ_count=1)
    )
    await settle(hass)

    assert finals == []
    assert len(send_requests(gateway, second_gateway)) == 1


async def test_forged_power_off_and_registration_down_do_not_steer_the_pool(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A forger says A is off and its port 1 lost its network: A's port 1 is still tried first."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    await gateway.push(
        http,
        a.webhook_path,
        {
            "sn": gateway.serial,
            "device": {
                "port_number": 4,
                "IP": gateway.host,
                "MAC": gateway.mac,
                "status": "power_off",
            },
        },
    )
    await gateway.push(
        http,
        a.webhook_path,
        {
            "sn": gateway.serial,
            "register": [
                {
                    "port": 1,
                    "iccid": "<NULL>",
                    "imsi": "<NULL>",
                    "number": "",
                    "status": "down",
                    "sequence": 9,
                    "slot": 255,
                }
            ],
        },
    )
    await settle(hass)

    answer = await send(
        hass, entry_of(a), number=[NUMBER], pool="all", port=1, wait="sent", timeout=20
    )

    message = message_for(answer)
    assert [(x["config_entry_id"], x["port"]) for x in message["attempts"]] == [(entry_of(a), 1)], (
        message
    )
    assert carried(NUMBER, gateway, second_gateway) == [(gateway.serial, 1)]
