"""Issue 22: pending failovers survive a restart, and nothing is sent twice because of one.

Home Assistant is stopped without unloading (a crash, ``systemctl stop``) while an attempt is
out, and another instance is started on the same storage. What the gateway did meanwhile (sent
the SMS, failed it, still holds it, or never got the request) decides what happens next; in
every case the number gets the SMS exactly once, or the final outcome is failed.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from .conftest import Added, add_gateway, advance, record_events, wait_for
from .failover import (
    NUMBER,
    carried,
    message_for,
    pushing,
    restarted_with_gateways,
    send,
    send_requests,
    settle,
    start_integration,
    two_gateways,
)
from .gateway import FakeGateway, Fault


async def one_attempt_out(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> tuple[Added, dict[str, Any]]:
    """A gateway that holds what it accepts; a failover SMS whose first attempt is out."""
    added = pushing(await add_gateway(hass, gateway), http, air_delay=None)
    await hass.async_block_till_done(wait_background_tasks=True)
    answer = await send(
        hass, added.entry.entry_id, number=[NUMBER], port=1, attempts=3, confirm_within=60
    )
    (attempt,) = message_for(answer)["attempts"]
    assert (attempt["port"], attempt["outcome"]) == (1, "pending")
    await settle(hass)
    return added, attempt


async def run_for(hass: HomeAssistant, gateway: FakeGateway, rounds: int = 6) -> None:
    """Refreshes and timers run; what the gateway accepted goes on the air and is pushed."""
    for _ in range(rounds):
        await gateway.air()
        await settle(hass)
        await advance(hass, 31)
    await gateway.air()
    await settle(hass)


async def later(hass: HomeAssistant, gateway: FakeGateway, seconds: int, step: int = 30) -> None:
    """Time goes on for ``seconds`` (in steps, cumulatively), the gateway sending what it holds."""
    start = dt_util.utcnow()
    for elapsed in range(step, seconds + step, step):
        async_fire_time_changed(hass, start + timedelta(seconds=elapsed))
        await hass.async_block_till_done(wait_background_tasks=True)
        await gateway.air()
        await settle(hass)


async def test_sent_while_down_is_not_sent_again(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """The attempt went while Home Assistant was down: after the start it is read, not resent."""
    added, attempt = await one_attempt_out(hass, http, gateway)

    async with restarted_with_gateways(hass, added) as (second, finals, _):
        for body in gateway.go_on_air(gateway.record_of(attempt["user_id"])):
            del body  # the pushes were lost: Home Assistant was down
        since = len(gateway.requests)
        await start_integration(second, added)
        await run_for(second, gateway)

        assert gateway.calls("/api/send_sms", since) == [], "sent again after the restart"
        assert carried(NUMBER, gateway) == [(gateway.serial, 1)]
        assert await wait_for(second, lambda: bool(finals), timeout=3), "no final outcome"
        (final,) = finals
        assert final["outcome"] == "sent"
        assert [(x["port"], x["outcome"]) for x in final["attempts"]] == [(1, "sent")]


async def test_failed_while_down_fails_over_after_the_start(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """The attempt failed while Home Assistant was down: the next port sends it after the start."""
    added, attempt = await one_attempt_out(hass, http, gateway)

    async with restarted_with_gateways(hass, added) as (second, finals, _):
        gateway.no_credit = {1}
        gateway.go_on_air(gateway.record_of(attempt["user_id"]))
        since = len(gateway.requests)
        await start_integration(second, added)
        await run_for(second, gateway)

        resent = gateway.calls("/api/send_sms", since)
        assert len(resent) == 1, [seen.body for seen in resent]
        assert resent[0].body.get("port") != [1]
        assert len(carried(NUMBER, gateway)) == 1
        assert await wait_for(second, lambda: bool(finals), timeout=3), "no final outcome"
        (final,) = finals
        assert final["outcome"] == "sent"
        assert [x["outcome"] for x in final["attempts"]] == ["failed", "sent"]
        assert final["attempts"][0]["port"] == 1


async def test_still_queued_at_the_start_is_waited_for(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """The gateway still holds the attempt: it is not resent at once, and goes once."""
    added, attempt = await one_attempt_out(hass, http, gateway)

    async with restarted_with_gateways(hass, added) as (second, finals, _):
        gateway.hold = True
        since = len(gateway.requests)
        await start_integration(second, added)
        await settle(second)
        await advance(second, 20)
        assert gateway.calls("/api/send_sms", since) == [], "resent while still in the queue"

        gateway.hold = False
        await run_for(second, gateway, rounds=3)

        assert gateway.calls("/api/send_sms", since) == []
        assert carried(NUMBER, gateway) == [(gateway.serial, 1)]
        assert await wait_for(second, lambda: bool(finals), timeout=3), "no final outcome"
        assert finals[0]["outcome"] == "sent"
        assert [x["user_id"] for x in finals[0]["attempts"]] == [attempt["user_id"]]


@pytest.mark.parametrize("dropped", [False, True], ids=["gateway-took-it", "never-arrived"])
async def test_a_request_cut_by_the_stop_goes_once(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, dropped: bool
) -> None:
    """Home Assistant stops while the attempt's request is on its way: the SMS goes once.

    Either the gateway still took the request (it is in its records, and must not be sent
    again), or it never got it (no record: the message must still go).
    """
    added = pushing(await add_gateway(hass, gateway), http, air_delay=None)
    await hass.async_block_till_done(wait_background_tasks=True)
    gateway.fail("/api/send_sms", Fault(delay=3.0 if dropped else 0.5, drop=dropped))
    call = hass.async_create_task(
        send(hass, added.entry.entry_id, number=[NUMBER], port=1, attempts=3, confirm_within=60)
    )
    assert await wait_for(hass, lambda: bool(gateway.calls("/api/send_sms")), timeout=3)

    async with restarted_with_gateways(hass, added) as (second, finals, _):
        call.cancel()
        if dropped:
            await asyncio.sleep(3.2)  # the gateway drops it: no record of it anywhere
        await gateway.air()  # whatever the gateway accepted goes, before anyone looks
        await start_integration(second, added)
        await run_for(second, gateway)
        await later(second, gateway, 600)

        assert len(carried(NUMBER, gateway)) == 1, carried(NUMBER, gateway)
        assert await wait_for(second, lambda: bool(finals), timeout=3), "no final outcome"
        assert finals[-1]["outcome"] == "sent"
        if dropped:
            # The request never left: it is no attempt, and its port may be used again.
            assert [x["outcome"] for x in finals[-1]["attempts"]][-1] == "sent"


async def test_two_restarts_fire_one_final(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """A final outcome told before a restart is not told again after it."""
    added, attempt = await one_attempt_out(hass, http, gateway)
    finals = record_events(hass, "dinstar_sms_final")
    await gateway.air()
    assert await wait_for(hass, lambda: bool(finals), timeout=3)

    async with restarted_with_gateways(hass, added) as (second, again, _):
        await start_integration(second, added)
        await run_for(second, gateway, rounds=3)
        assert again == [], again
        assert carried(NUMBER, gateway) == [(gateway.serial, 1)]
        assert len(gateway.calls("/api/send_sms")) == 1
        del attempt


@pytest.mark.parametrize("late", [False, True], ids=["gateway-answers", "gateway-later"])
async def test_failover_to_a_second_gateway_resumes(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    late: bool,
) -> None:
    """Two gateways: A's attempt failed while down; after the start B (or A) sends it, once."""
    a, b = await two_gateways(hass, http, gateway, second_gateway, air_delay=None)
    gateway.no_credit = {0, 1, 2, 3}
    answer = await send(
        hass, a.entry.entry_id, number=[NUMBER], pool="all", port=1, confirm_within=60
    )
    (attempt,) = message_for(answer)["attempts"]

    async with restarted_with_gateways(hass, a, b) as (second, finals, _):
        gateway.go_on_air(gateway.record_of(attempt["user_id"]))
        await start_integration(second, a, b)
        if late:
            await advance(second, 31)
        for _ in range(6):
            await gateway.air()
            await second_gateway.air()
            await settle(second)
            await advance(second, 31)

        assert len(carried(NUMBER, gateway, second_gateway)) == 1
        assert await wait_for(second, lambda: bool(finals), timeout=3), "no final outcome"
        assert finals[0]["outcome"] == "sent"
        assert finals[0]["attempts"][0]["outcome"] == "failed"
        assert len(send_requests(gateway, second_gateway)) == len(finals[0]["attempts"])
