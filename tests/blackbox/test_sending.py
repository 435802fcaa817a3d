"""Sending through the actions: partial failures, caps, splitting, validation, USSD."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
import voluptuous as vol

from .conftest import DOMAIN, add_gateway, advance, wait_for
from .gateway import FakeGateway


def numbers(count: int) -> list[str]:
    return [f"+49151{index:07d}" for index in range(count)]


async def send_sms(hass: HomeAssistant, entry_id: str, **data: Any) -> Any:
    """``dinstar.send_sms`` exactly as given, its answer untouched.

    Unlike ``failover.send``, no message is filled in and no answer is required: these tests
    name every field themselves and look at the refusals.
    """
    return await hass.services.async_call(
        DOMAIN,
        "send_sms",
        {"config_entry_id": entry_id, **data},
        blocking=True,
        return_response=True,
    )


async def test_partial_send_tracks_and_reports_what_was_accepted(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    events: dict[str, list[dict[str, Any]]],
) -> None:
    """130 numbers, the second request fails: the first 128 are followed, the error says so."""
    added = await add_gateway(hass, gateway)
    recipients = numbers(130)
    original = gateway._send_sms
    calls = 0

    def second_fails(body: dict[str, Any]) -> Any:
        nonlocal calls
        calls += 1
        if calls == 2:
            return gateway._ok(500)
        return original(body)

    gateway._send_sms = second_fails  # type: ignore[method-assign]

    with pytest.raises(HomeAssistantError) as err:
        await send_sms(hass, added.entry.entry_id, number=recipients, message="hello")

    assert "128" in str(err.value)
    assert recipients[128] in str(err.value)
    assert recipients[129] in str(err.value)
    accepted = gateway.results[0]
    # The gateway sent it: its records say so (a pushed result is believed once they confirm it).
    accepted.update(status="SENT_OK", succ_count=1)
    response = await http.post(
        added.webhook_path, json={"sn": gateway.serial, "sms_result": [accepted]}
    )
    assert response.status == 200
    assert await wait_for(hass, lambda: len(events["dinstar_sms_sent"]) == 1)
    assert events["dinstar_sms_sent"][0]["number"] == recipients[0]
    assert events["dinstar_sms_sent"][0]["user_id"] == accepted["user_id"]


async def test_recipients_per_call_are_capped(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """A call with 10,000 numbers is refused before anything reaches the gateway."""
    added = await add_gateway(hass, gateway)

    with pytest.raises(ServiceValidationError):
        await send_sms(hass, added.entry.entry_id, number=numbers(10_000), message="hello")

    assert gateway.calls("/api/send_sms") == []


async def test_send_splits_into_requests_of_128(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """300 numbers: three requests, every number once, each user_id reported."""
    added = await add_gateway(hass, gateway)
    recipients = numbers(300)

    response = await send_sms(hass, added.entry.entry_id, number=recipients, message="hi")

    sent = [
        item["number"] for seen in gateway.calls("/api/send_sms") for item in seen.body["param"]
    ]
    assert [len(seen.body["param"]) for seen in gateway.calls("/api/send_sms")] == [128, 128, 44]
    assert sent == recipients
    assert [m["number"] for m in response["messages"]] == recipients
    assert len({m["user_id"] for m in response["messages"]}) == 300


@pytest.mark.parametrize("message", ["", "   "])
async def test_empty_message_is_refused(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, message: str
) -> None:
    """An empty text raises a validation error and sends nothing."""
    added = await add_gateway(hass, gateway)

    with pytest.raises((ServiceValidationError, vol.Invalid)):
        await send_sms(hass, added.entry.entry_id, number=["+4915100000001"], message=message)

    assert gateway.calls("/api/send_sms") == []


async def test_result_queries_carry_at_most_32_ids(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """Sending results are polled for 40 pending messages in requests of at most 32."""
    added = await add_gateway(hass, gateway)
    await send_sms(hass, added.entry.entry_id, number=numbers(40), message="hi")

    for _ in range(12):
        await advance(hass, 60)

    queries = gateway.calls("/api/query_sms_result")
    assert queries, "pending results were never queried"
    assert max(len(seen.body.get("user_id") or []) for seen in queries) <= 32
    asked = {uid for seen in queries for uid in seen.body.get("user_id") or []}
    assert asked == {item["user_id"] for item in gateway.results}


async def test_delivery_reports_are_asked_for_the_waiting_numbers_only(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """Once sent, a message's report is polled by its number, not the gateway's whole list."""
    added = await add_gateway(hass, gateway)
    waiting = numbers(2)
    await send_sms(hass, added.entry.entry_id, number=waiting, message="hi")
    for item in gateway.results:
        item.update(status="SENT_OK", succ_count=1)

    for _ in range(12):
        await advance(hass, 60)
        if gateway.calls("/api/query_sms_deliver_status"):
            break

    queries = gateway.calls("/api/query_sms_deliver_status")
    assert queries, "delivery reports were never asked for"
    assert {tuple(seen.body.get("number") or ()) for seen in queries} == {tuple(waiting)}


async def test_send_mms_to_a_bad_number_reaches_nothing(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, tmp_path: Path
) -> None:
    """A number with letters is refused before the file is uploaded."""
    added = await add_gateway(hass, gateway)
    picture = tmp_path / "picture.jpg"
    picture.write_bytes(b"\xff\xd8\xff" + b"0" * 64)
    hass.config.allowlist_external_dirs = {str(tmp_path)}

    with pytest.raises((ServiceValidationError, vol.Invalid)):
        await hass.services.async_call(
            DOMAIN,
            "send_mms",
            {
                "config_entry_id": added.entry.entry_id,
                "port": 0,
                "number": "call-me-maybe",
                "file": str(picture),
            },
            blocking=True,
            return_response=True,
        )

    assert [seen.path for seen in gateway.requests if "mms" in seen.path] == []


async def test_ussd_answer_without_result_is_a_translated_error(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """``{"error_code":202,"sn":...}`` with no result list gives a Home Assistant error."""
    added = await add_gateway(hass, gateway)
    gateway.ussd_answer = {"error_code": 202, "sn": gateway.serial}

    with pytest.raises(HomeAssistantError) as err:
        await hass.services.async_call(
            DOMAIN,
            "send_ussd",
            {"config_entry_id": added.entry.entry_id, "port": 0, "code": "*100#", "timeout": 1},
            blocking=True,
            return_response=True,
        )

    assert err.value.translation_key is not None


async def test_ussd_reply_is_returned(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """A normal USSD call returns the reply polled from the gateway."""
    added = await add_gateway(hass, gateway)

    response = await hass.services.async_call(
        DOMAIN,
        "send_ussd",
        {"config_entry_id": added.entry.entry_id, "port": 0, "code": "*100#", "timeout": 5},
        blocking=True,
        return_response=True,
    )

    assert response["reply"] == "Balance 5 EUR"
