"""Issue item 3: a pushed sending result or delivery report is confirmed by the gateway first.

A forged ``sms_result`` "delivered" with a guessable user_id must not fire sent and delivered for
an SMS the gateway failed: the outcome fired is the one ``query_sms_result`` gives. Results and
reports of messages Home Assistant did not send fire once the gateway's records (queried by
number, port and time) hold them.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant

from .conftest import (
    DOMAIN,
    Added,
    add_idle_gateway,
    delivery_report,
    gateway_read,
    result_push,
    wait_for,
)
from .gateway import FakeGateway, local_time

RESULTS = "/api/query_sms_result"
REPORTS = "/api/query_sms_deliver_status"
NUMBER = "+4915100000009"
STRANGER_NUMBER = "+4915100000077"


async def _send(hass: HomeAssistant, added: Added) -> dict[str, Any]:
    """Send one SMS through the action; return the gateway's record of it."""
    answer = await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": added.entry.entry_id, "number": [NUMBER], "message": "Alarm"},
        blocking=True,
        return_response=True,
    )
    assert answer is not None
    (sent,) = answer["messages"]
    (record,) = [r for r in added.gateway.results if r["user_id"] == sent["user_id"]]
    return record


async def test_forged_delivered_fires_nothing_and_the_real_failure_is_ours(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """While the gateway still sends, "DELIVERED" fires nothing; its later failure fires once."""
    added = await add_idle_gateway(hass, gateway)
    record = await _send(hass, added)
    since = len(gateway.requests)

    forged = result_push(gateway, record, status="DELIVERED", succ_count=1)
    await gateway.push(http, added.webhook_path, forged)
    checked = await gateway_read(hass, gateway, RESULTS, since)
    assert events["dinstar_sms_sent"] == []
    assert events["dinstar_sms_delivery"] == []
    assert checked, "the push was not checked"

    record.update(status="FAILED", succ_count=0)
    since = len(gateway.requests)
    await gateway.push(http, added.webhook_path, result_push(gateway, record))
    await gateway_read(hass, gateway, RESULTS, since)

    assert await wait_for(hass, lambda: bool(events["dinstar_sms_sent"]))
    assert [
        (e["user_id"], e["outcome"], e["sent_by_home_assistant"])
        for e in events["dinstar_sms_sent"]
    ] == [(record["user_id"], "failed", True)]
    assert not any(e["delivered"] for e in events["dinstar_sms_delivery"])


async def test_the_outcome_fired_is_the_gateways(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A push saying FAILED for a message the gateway sent fires "sent", as the gateway says."""
    added = await add_idle_gateway(hass, gateway)
    record = await _send(hass, added)
    record.update(status="SENT_OK", succ_count=1)
    since = len(gateway.requests)

    forged = result_push(gateway, record, status="FAILED", succ_count=0)
    await gateway.push(http, added.webhook_path, forged)

    checked = await gateway_read(hass, gateway, RESULTS, since)
    assert await wait_for(hass, lambda: bool(events["dinstar_sms_sent"]))
    assert [(e["user_id"], e["outcome"]) for e in events["dinstar_sms_sent"]] == [
        (record["user_id"], "sent")
    ]
    assert checked, "the push was not checked"


async def test_forged_delivery_report_fires_nothing_until_the_gateway_has_it(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A report "delivered" the gateway does not hold fires nothing; the real one fires once."""
    added = await add_idle_gateway(hass, gateway)
    record = await _send(hass, added)
    record.update(status="SENT_OK", succ_count=1)
    await gateway.push(http, added.webhook_path, result_push(gateway, record))
    assert await wait_for(hass, lambda: bool(events["dinstar_sms_sent"]))
    since = len(gateway.requests)

    forged = {"sn": gateway.serial, "sms_deliver_status": [delivery_report(record, 0)]}
    await gateway.push(http, added.webhook_path, forged)
    checked = await gateway_read(hass, gateway, REPORTS, since)
    assert events["dinstar_sms_delivery"] == []
    assert checked, "the push was not checked"

    gateway.reports.append(delivery_report(record, 0))
    since = len(gateway.requests)
    real = {"sn": gateway.serial, "sms_deliver_status": [delivery_report(record, 0)]}
    await gateway.push(http, added.webhook_path, real)
    await gateway_read(hass, gateway, REPORTS, since)

    assert await wait_for(hass, lambda: bool(events["dinstar_sms_delivery"]))
    assert [(e["user_id"], e["delivered"]) for e in events["dinstar_sms_delivery"]] == [
        (record["user_id"], True)
    ]


async def test_foreign_result_and_report_fire_once_the_records_hold_them(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A message sent from the gateway's web page: its records are asked by number and fire."""
    added = await add_idle_gateway(hass, gateway)
    result = {
        "port": 1,
        "number": STRANGER_NUMBER,
        "time": local_time(),
        "status": "SENT_OK",
        "count": 1,
        "succ_count": 1,
        "ref_id": 215,
        "imsi": "262010000000001",
    }
    gateway.results.append({**result, "user_id": 0, "task_id": 99})
    gateway.reports.append(delivery_report(result, 0))
    since = len(gateway.requests)

    await gateway.push(http, added.webhook_path, {"sn": gateway.serial, "sms_result": [result]})
    await gateway.push(
        http,
        added.webhook_path,
        {"sn": gateway.serial, "sms_deliver_status": [delivery_report(result, 0)]},
    )

    assert await wait_for(
        hass, lambda: bool(events["dinstar_sms_sent"] and events["dinstar_sms_delivery"])
    )
    asked = [
        seen.body.get("number") or []
        for seen in gateway.calls(RESULTS, since) + gateway.calls(REPORTS, since)
    ]
    assert len(asked) >= 2, "the result and the report were not both read from the gateway"
    assert all(STRANGER_NUMBER in numbers for numbers in asked), asked
    for event in (events["dinstar_sms_sent"][0], events["dinstar_sms_delivery"][0]):
        assert event["number"] == STRANGER_NUMBER
        assert event["sent_by_home_assistant"] is False


async def test_foreign_result_and_report_the_gateway_does_not_hold_fire_nothing(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """A forged result and report for a number the gateway never sent to fire nothing."""
    added = await add_idle_gateway(hass, gateway)
    forged = {
        "port": 1,
        "number": STRANGER_NUMBER,
        "time": local_time(),
        "status": "DELIVERED",
        "count": 1,
        "succ_count": 1,
        "ref_id": 215,
        "imsi": "262010000000001",
    }
    since = len(gateway.requests)

    await gateway.push(http, added.webhook_path, {"sn": gateway.serial, "sms_result": [forged]})
    result_read = await gateway_read(hass, gateway, RESULTS, since)
    since = len(gateway.requests)
    await gateway.push(
        http,
        added.webhook_path,
        {"sn": gateway.serial, "sms_deliver_status": [delivery_report(forged, 0)]},
    )
    report_read = await gateway_read(hass, gateway, REPORTS, since)

    assert events["dinstar_sms_sent"] == []
    assert events["dinstar_sms_delivery"] == []
    assert result_read, "the result was not checked"
    assert report_read, "the report was not checked"


async def test_the_read_back_asks_for_what_was_announced_only(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """Another's result and report are asked by their number, port and a window round their time.

    The gateway's whole history is not read for one push (an embedded server, pages of 8 KB).
    """
    added = await add_idle_gateway(hass, gateway)
    sent_at = "2026-11-01 10:00:00"
    result = {
        "port": 1,
        "number": STRANGER_NUMBER,
        "time": sent_at,
        "status": "SENT_OK",
        "count": 1,
        "succ_count": 1,
        "ref_id": 215,
        "imsi": "262010000000001",
    }
    gateway.results.append({**result, "user_id": 0, "task_id": 99})
    gateway.reports.append(delivery_report(result, 0))
    since = len(gateway.requests)
    await gateway.push(http, added.webhook_path, {"sn": gateway.serial, "sms_result": [result]})
    await gateway.push(
        http,
        added.webhook_path,
        {"sn": gateway.serial, "sms_deliver_status": [delivery_report(result, 0)]},
    )
    assert await wait_for(
        hass, lambda: bool(events["dinstar_sms_sent"] and events["dinstar_sms_delivery"])
    )
    (results,) = [seen.body for seen in gateway.calls(RESULTS, since)]
    assert results == {
        "number": [STRANGER_NUMBER],
        "port": [1],
        "time_after": "2026-11-01 09:59:00",
        "time_before": "2026-11-01 10:01:00",
    }
    (reports,) = [seen.body for seen in gateway.calls(REPORTS, since)]
    # A report may come hours after its message: the window opens twelve hours before.
    assert reports == {
        "number": [STRANGER_NUMBER],
        "port": [1],
        "time_after": "2026-10-31 22:00:00",
    }
