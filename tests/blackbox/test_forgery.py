"""Pushes nobody asked for: forged SMS, forged devices, results of others' messages."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo

from .conftest import DOMAIN, add_gateway, advance, push, received_ids, sms_push, wait_for
from .gateway import FakeGateway


async def _five_received(hass: HomeAssistant, http: TestClient, gateway: FakeGateway) -> Any:
    added = await add_gateway(hass, gateway)
    for index in range(5):
        gateway.receive(index % 2, "+4915100000001", f"real {index}")
    assert await push(http, added, 1, 2, 3, 4, 5) == 200
    return added


async def test_forged_future_timestamp_refires_nothing(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A pushed id already handled, dated far ahead, does not replay the gateway's inbox."""
    added = await _five_received(hass, http, gateway)
    assert await wait_for(hass, lambda: len(received_ids(events)) == 5)
    forged = {
        "incoming_sms_id": 2,
        "port": 0,
        "number": "+4915100000666",
        "smsc": "+4917000000",
        "timestamp": "2099-12-31 23:59:59",
        "text": "forged",
    }

    await http.post(added.webhook_path, json=sms_push(gateway.serial, forged))
    await advance(hass, 15)
    await advance(hass, 60)

    assert received_ids(events) == [1, 2, 3, 4, 5]


async def test_forged_run_of_ids_does_not_silence_real_sms(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """Ids far ahead of the gateway's inbox are checked; the next real SMS still fires."""
    added = await _five_received(hass, http, gateway)
    forged = [
        {
            "incoming_sms_id": sms_id,
            "port": 0,
            "number": "+4915100000666",
            "smsc": "+4917000000",
            "timestamp": "2026-11-01 11:00:00",
            "text": "forged",
        }
        for sms_id in range(1000, 1010)
    ]
    await http.post(added.webhook_path, json=sms_push(gateway.serial, *forged))
    await advance(hass, 15)

    real = gateway.receive(1, "+4915100000001", "real after forgery")
    assert await push(http, added, real) == 200
    await advance(hass, 15)

    assert real in received_ids(events)


async def test_forged_device_push_cannot_move_the_entry(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """A MAC learned from a push would let DHCP move the entry to the forger's address."""
    added = await add_gateway(hass, gateway)
    forged = {
        "sn": gateway.serial,
        "device": {
            "port_number": 4,
            "IP": "192.0.2.66",
            "MAC": "F8-A0-3D-66-66-66",
            "status": "power_on",
        },
    }
    await http.post(added.webhook_path, json=forged)
    await hass.async_block_till_done()

    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": "dhcp"},
        data=DhcpServiceInfo(ip="192.0.2.66", hostname="dinstar", macaddress="f8a03d666666"),
    )
    await hass.async_block_till_done()

    assert added.entry.data["host"] == gateway.host
    assert result["type"] is not FlowResultType.ABORT or result["reason"] != "already_configured"


async def test_results_of_foreign_messages_fire(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A sending result and a delivery report for a message HA did not send fire, marked so.

    The gateway's own records hold them (it sent the message for its web page): a push is
    only believed once those records confirm it.
    """
    added = await add_gateway(hass, gateway)
    common = {
        "port": 1,
        "number": "+4915100000077",
        "time": "2026-11-01 10:00:00",
        "ref_id": 215,
        "imsi": "262010000000001",
    }
    gateway.results.append(
        {**common, "user_id": 987654, "status": "SENT_OK", "count": 1, "succ_count": 1}
    )
    gateway.reports.append({**common, "status_code": 0})
    await http.post(
        added.webhook_path,
        json={
            "sn": gateway.serial,
            "sms_result": [
                {**common, "user_id": 987654, "status": "SENT_OK", "count": 1, "succ_count": 1}
            ],
        },
    )
    await http.post(
        added.webhook_path,
        json={"sn": gateway.serial, "sms_deliver_status": [{**common, "status_code": 0}]},
    )

    assert await wait_for(
        hass, lambda: events["dinstar_sms_sent"] and events["dinstar_sms_delivery"]
    )
    documented = {
        "config_entry_id",
        "device_id",
        "number",
        "user_id",
        "port",
        "parts",
        "outcome",
        "delivered",
        "status_code",
    }
    for event in (events["dinstar_sms_sent"][0], events["dinstar_sms_delivery"][0]):
        assert event["number"] == common["number"]
        assert set(event) - documented, f"nothing marks it as not sent by HA: {event}"
