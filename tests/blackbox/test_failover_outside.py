"""Issue 22: sending that fails over across SIMs and gateways, from the outside.

Two fake gateways (different serials) with real faults on their radio side: a SIM out of credit
(its sends end ``FAILED``), a port that loses its network as an SMS goes, a gateway that accepts
SMS and never reports them, a gateway that is stopped. Each test counts what each gateway's
network actually carried (``on_air``): a message that failed over got out exactly once, by
another path, or its final outcome is failed with every attempt listed.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
import voluptuous as vol

from .conftest import add_gateway, advance, record_events, wait_for
from .failover import (
    NUMBER,
    carried,
    entry_of,
    message_for,
    pushing,
    send,
    send_requests,
    settle,
    two_gateways,
)
from .gateway import FakeGateway

OTHER = "+4915100000008"


def path(attempts: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    """The attempts as (config_entry_id, port, outcome)."""
    return [(a["config_entry_id"], a["port"], a["outcome"]) for a in attempts]


# -- a SIM out of credit --------------------------------------------------------------------


async def test_sim_without_credit_fails_over_and_the_sms_goes_once(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Port 1 of A cannot pay: the SMS goes from another port, once, and the answer says how."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    sent_events = record_events(hass, "dinstar_sms_sent")
    gateway.no_credit = {1}

    answer = await send(
        hass, entry_of(a), number=[NUMBER], pool="all", port=1, wait="sent", timeout=20
    )

    message = message_for(answer)
    assert message["outcome"] == "sent", message
    attempts = message["attempts"]
    assert len(attempts) == 2, attempts
    assert (attempts[0]["config_entry_id"], attempts[0]["port"], attempts[0]["outcome"]) == (
        entry_of(a),
        1,
        "failed",
    )
    assert attempts[1]["outcome"] == "sent"
    assert (attempts[1]["config_entry_id"], attempts[1]["port"]) != (entry_of(a), 1)
    went = carried(NUMBER, gateway, second_gateway)
    assert len(went) == 1, went
    final = message["final_port"]
    serial = {entry_of(a): gateway.serial, entry_of(b): second_gateway.serial}
    assert (serial[final["config_entry_id"]], final["port"]) == went[0]
    assert (final["config_entry_id"], final["port"]) == (
        attempts[1]["config_entry_id"],
        attempts[1]["port"],
    )
    assert message["user_id"] == attempts[0]["user_id"]
    for attempt in attempts:
        assert attempt["gateway"], attempt
        assert attempt["at"] is not None, attempt
    # The per-attempt events stay as they are: one per attempt, with its own user_id.
    await settle(hass)
    assert sorted((e["user_id"], e["outcome"]) for e in sent_events) == sorted(
        (a_["user_id"], a_["outcome"]) for a_ in attempts
    )


async def test_next_port_of_the_same_gateway_once_then_the_next_gateway(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Every SIM of A is out of credit: A's preferred port, one more of A, then B, where it goes."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    gateway.no_credit = {0, 1, 2, 3}

    answer = await send(
        hass,
        entry_of(a),
        number=[NUMBER],
        pool="all",
        port=2,
        attempts=4,
        wait="sent",
        timeout=20,
    )

    message = message_for(answer)
    attempts = message["attempts"]
    assert [(x["config_entry_id"], x["outcome"]) for x in attempts] == [
        (entry_of(a), "failed"),
        (entry_of(a), "failed"),
        (entry_of(b), "sent"),
    ], attempts
    assert attempts[0]["port"] == 2
    assert attempts[1]["port"] != 2
    assert message["outcome"] == "sent"
    assert carried(NUMBER, gateway, second_gateway) == [
        (second_gateway.serial, attempts[2]["port"])
    ]
    assert len(send_requests(gateway, second_gateway)) == 3


async def test_every_attempt_failing_fires_one_final_failed_with_each_attempt(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """No SIM can pay: three attempts (the default), on three ports, and one final "failed"."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {0, 1, 2, 3}
    second_gateway.no_credit = {0, 1, 2, 3}

    answer = await send(hass, entry_of(a), number=[NUMBER], pool="all")

    first = message_for(answer)
    assert first["outcome"] == "pending", first
    assert await wait_for(hass, lambda: bool(finals), timeout=5)
    await settle(hass)
    (final,) = finals
    assert final["number"] == NUMBER
    assert final["outcome"] == "failed"
    assert final["final_port"] is None
    assert final["user_id"] == first["user_id"]
    attempts = final["attempts"]
    assert [x["outcome"] for x in attempts] == ["failed", "failed", "failed"], attempts
    assert len({(x["config_entry_id"], x["port"]) for x in attempts}) == 3
    # user_ids are unique per gateway (entry), not across gateways.
    assert len({(x["config_entry_id"], x["user_id"]) for x in attempts}) == 3
    assert carried(NUMBER, gateway, second_gateway) == []
    assert len(send_requests(gateway, second_gateway)) == 3


async def test_never_two_attempts_on_one_port(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A pool of two ports and ten attempts allowed: two attempts, one per port, nothing else."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {0, 1, 2, 3}

    await send(
        hass,
        entry_of(a),
        number=[NUMBER],
        pool=[{"config_entry_id": entry_of(a), "port": [1, 3]}],
        attempts=10,
    )

    assert await wait_for(hass, lambda: bool(finals), timeout=5)
    await advance(hass, 300)
    await settle(hass)
    (final,) = finals
    assert final["outcome"] == "failed"
    assert sorted(x["port"] for x in final["attempts"]) == [1, 3]
    assert {x["config_entry_id"] for x in final["attempts"]} == {entry_of(a)}
    assert sorted(tuple(ports or []) for _, ports, _ in send_requests(gateway)) == [(1,), (3,)]
    assert send_requests(second_gateway) == []


async def test_a_port_losing_its_network_mid_send(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """The preferred port drops its registration as the SMS goes: another port sends it, once."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    gateway.unregister_on_send = {1}

    answer = await send(
        hass, entry_of(a), number=[NUMBER], pool="all", port=1, wait="sent", timeout=20
    )

    message = message_for(answer)
    assert message["outcome"] == "sent", message
    assert path(message["attempts"])[0] == (entry_of(a), 1, "failed")
    went = carried(NUMBER, gateway, second_gateway)
    assert len(went) == 1, went
    assert went != [(gateway.serial, 1)]


# -- a gateway stopped, a gateway unavailable ----------------------------------------------


async def test_a_stopped_gateway_is_skipped_at_once(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """B, tried first, refuses connections: A sends at once, long before confirm_within."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await second_gateway.stop()
    loop = asyncio.get_running_loop()
    started = loop.time()

    answer = await send(
        hass, entry_of(b), number=[NUMBER], pool="all", port=1, wait="sent", timeout=30
    )

    took = loop.time() - started
    message = message_for(answer)
    assert message["outcome"] == "sent", message
    assert took < 10, f"the answer took {took:.1f} s: the stopped gateway was waited for"
    attempts = message["attempts"]
    assert [x["config_entry_id"] for x in attempts] == [entry_of(b), entry_of(a)], attempts
    assert attempts[0]["outcome"] == "timed_out"
    assert attempts[0]["reason"] == "gateway unreachable"
    assert carried(NUMBER, gateway, second_gateway) == [(gateway.serial, attempts[1]["port"])]


async def test_an_unavailable_gateway_is_not_tried(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """B's last refresh failed: the pool never tries it, even as the named gateway."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    await second_gateway.stop()
    for _ in range(3):
        await advance(hass, 31)
    state = hass.states.get("sensor.dinstar_0002_port_1_registration")
    assert state is not None
    assert state.state == "unavailable", state

    answer = await send(
        hass, entry_of(b), number=[NUMBER], pool="all", port=1, wait="sent", timeout=30
    )

    message = message_for(answer)
    assert message["outcome"] == "sent", message
    assert [x["config_entry_id"] for x in message["attempts"]] == [entry_of(a)], message
    assert len(carried(NUMBER, gateway, second_gateway)) == 1


# -- a gateway that accepts and never reports ----------------------------------------------


async def test_a_silent_gateway_times_out_and_the_next_one_sends(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A accepts and never reports: after confirm_within, the next ports take over; B sends."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.hold = True

    answer = await send(hass, entry_of(a), number=[NUMBER], pool="all", port=1, confirm_within=10)
    assert len(message_for(answer)["attempts"]) == 1
    await settle(hass)
    assert len(send_requests(gateway, second_gateway)) == 1, "a retry before confirm_within"

    for _ in range(3):
        await advance(hass, 11)
        await settle(hass)
        if finals:
            break

    assert await wait_for(hass, lambda: bool(finals), timeout=3)
    (final,) = finals
    attempts = final["attempts"]
    assert final["outcome"] == "sent", final
    assert [(x["config_entry_id"], x["outcome"]) for x in attempts][-1] == (entry_of(b), "sent")
    for attempt in attempts[:-1]:
        assert attempt["outcome"] == "timed_out", attempt
        assert attempt["reason"] == "no outcome within 10 s", attempt
    assert carried(NUMBER, gateway, second_gateway) == [
        (second_gateway.serial, attempts[-1]["port"])
    ]
    assert final["both_went"] is False


async def test_a_late_sent_ends_the_retries(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """The first attempt times out, the second is made; then the first goes: no third attempt."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.hold = True
    answer = await send(
        hass, entry_of(a), number=[NUMBER], pool="all", port=1, confirm_within=10, attempts=5
    )
    first = message_for(answer)["attempts"][0]
    await advance(hass, 11)
    await settle(hass)
    assert len(send_requests(gateway, second_gateway)) == 2, send_requests(gateway)

    # The first attempt goes after all, late.
    for body in gateway.go_on_air(gateway.record_of(first["user_id"])):
        await gateway.push_result(body)
    await settle(hass)
    for _ in range(4):
        await advance(hass, 11)
    await settle(hass)

    assert len(send_requests(gateway, second_gateway)) == 2, "retried after a late sent"
    assert carried(NUMBER, gateway, second_gateway) == [(gateway.serial, 1)]
    assert finals, "no final outcome"
    assert finals[-1]["outcome"] == "sent"
    assert finals[-1]["final_port"]["port"] == 1
    assert finals[-1]["final_port"]["config_entry_id"] == entry_of(a)


async def test_both_went_is_reported_not_hidden(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A times out and B sends; then A's held SMS goes too: a revised final says both went."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.hold = True
    await send(hass, entry_of(a), number=[NUMBER], pool="all", port=1, confirm_within=10)
    for _ in range(3):
        await advance(hass, 11)
        await settle(hass)
        if finals:
            break
    assert finals, "no final outcome"
    assert finals[0]["outcome"] == "sent", finals
    assert finals[0]["both_went"] is False
    made = len(send_requests(gateway, second_gateway))

    gateway.hold = False
    await gateway.air()
    await settle(hass)
    await advance(hass, 31)
    await settle(hass)

    assert len(carried(NUMBER, gateway, second_gateway)) >= 2
    assert len(finals) == 2, finals
    revised = finals[1]
    assert revised["revised"] is True
    assert revised["both_went"] is True
    assert revised["outcome"] == "sent"
    assert sum(x["outcome"] == "sent" for x in revised["attempts"]) >= 2, revised
    assert len(send_requests(gateway, second_gateway)) == made, "sent again after both went"
    assert any(
        r.levelname == "WARNING" and NUMBER in r.getMessage()
        for r in caplog.records
        if r.name.startswith("custom_components.dinstar")
    ), "no warning in the log"


# -- the answer: wait ----------------------------------------------------------------------


async def test_wait_sent_answers_per_number(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Two numbers, one SIM out of credit: each number answered with its own outcome and path."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    gateway.no_credit = {1}

    answer = await send(
        hass,
        entry_of(a),
        number=[NUMBER, OTHER],
        pool="all",
        port=1,
        wait="sent",
        timeout=20,
    )

    assert sorted(m["number"] for m in answer["messages"]) == sorted([NUMBER, OTHER])
    for number in (NUMBER, OTHER):
        message = message_for(answer, number)
        assert message["outcome"] == "sent", message
        assert message["attempts"][0]["outcome"] == "failed"
        assert message["attempts"][-1]["outcome"] == "sent"
        assert len(carried(number, gateway, second_gateway)) == 1
    user_ids = [
        (x["config_entry_id"], x["user_id"]) for m in answer["messages"] for x in m["attempts"]
    ]
    assert len(user_ids) == len(set(user_ids)), user_ids


async def test_wait_delivered_answers_once_the_report_came(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """With ``wait: delivered`` the answer carries ``delivered`` from the gateway's report."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    gateway.deliver = True
    second_gateway.deliver = True
    gateway.no_credit = {1}

    answer = await send(
        hass, entry_of(a), number=[NUMBER], pool="all", port=1, wait="delivered", timeout=20
    )

    message = message_for(answer)
    assert message["outcome"] == "sent", message
    assert message["delivered"] is True, message
    assert len(carried(NUMBER, gateway, second_gateway)) == 1


async def test_wait_timeout_answers_pending_and_goes_on(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Nothing confirms within ``timeout``: the answer says pending; the failover goes on."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.hold = True
    loop = asyncio.get_running_loop()
    started = loop.time()

    answer = await send(
        hass,
        entry_of(a),
        number=[NUMBER],
        pool="all",
        port=1,
        wait="sent",
        timeout=1,
        confirm_within=10,
    )

    took = loop.time() - started
    assert 0.8 < took < 5, took
    message = message_for(answer)
    assert message["outcome"] == "pending", message
    assert path(message["attempts"]) == [(entry_of(a), 1, "pending")]
    for _ in range(3):
        await advance(hass, 11)
        await settle(hass)
        if finals:
            break
    assert finals, "no final outcome"
    assert finals[0]["outcome"] == "sent", finals
    assert len(carried(NUMBER, gateway, second_gateway)) == 1


async def test_wait_delivered_without_a_report_is_not_delivered(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """Sent but never reported delivered: the answer at the timeout does not say delivered."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)

    answer = await send(hass, entry_of(a), number=[NUMBER], pool="all", wait="delivered", timeout=2)

    message = message_for(answer)
    assert message["outcome"] in ("sent", "pending"), message
    assert message["delivered"] is not True, message
    assert len(carried(NUMBER, gateway, second_gateway)) == 1


# -- two gateways' user_ids -----------------------------------------------------------------


async def test_the_same_user_id_on_two_gateways_is_two_messages(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """B's own SMS with the user_id of A's pending attempt goes: A's message is not "sent"."""
    a, b = await two_gateways(hass, http, gateway, second_gateway, air_delay=None)
    finals = record_events(hass, "dinstar_sms_final")
    gateway.no_credit = {1}
    answer = await send(hass, entry_of(a), number=[NUMBER], pool="all", port=1)
    pending = message_for(answer)["attempts"][0]

    # B sends a message of its own, without failover, and it goes.
    own = await send(hass, entry_of(b), number=[OTHER])
    (record,) = [r for r in second_gateway.results if r["number"] == OTHER]
    record["user_id"] = pending["user_id"]  # the same id, on the other gateway
    await second_gateway.air()
    await settle(hass)
    assert own["messages"][0]["number"] == OTHER
    assert finals == [], f"A's message was ended by B's own SMS: {finals}"

    # A's attempt fails: the message must still get out.
    await gateway.air()
    await settle(hass)
    for _ in range(3):
        await gateway.air()
        await second_gateway.air()
        await settle(hass)
    assert await wait_for(hass, lambda: bool(finals), timeout=3)
    assert finals[0]["outcome"] == "sent", finals
    assert len(carried(NUMBER, gateway, second_gateway)) == 1


# -- bad input --------------------------------------------------------------------------------


BAD: list[Any] = [
    ("attempts", 0, "0"),
    ("attempts", 11, "11"),
    ("confirm_within", 9, "9"),
    ("confirm_within", 3601, "3601"),
    ("timeout", 0, "0"),
    ("timeout", 3601, "3601"),
    ("wait", "soon", "soon"),
    ("pool", "everything", "everything"),
    ("pool", ["01NOSUCHENTRY0000000000000"], "01NOSUCHENTRY0000000000000"),
    ("pool", [{"config_entry_id": "{a}", "port": [32]}], "32"),
    ("pool", [{"config_entry_id": "{a}", "port": [7]}], "7"),
]


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    BAD,
    ids=[
        f"{case.values[0] if hasattr(case, 'values') else case[0]}-{index}"
        for index, case in enumerate(BAD)
    ],
)
async def test_bad_failover_input_is_refused_and_nothing_is_sent(
    hass: HomeAssistant,
    http: TestClient,
    gateway: FakeGateway,
    second_gateway: FakeGateway,
    field: str,
    value: Any,
    shown: str,
) -> None:
    """Each bad field raises a validation error naming the field and the value; nothing goes."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    if field == "pool" and isinstance(value, list) and isinstance(value[0], dict):
        value = [{**value[0], "config_entry_id": entry_of(a)}]

    with pytest.raises((ServiceValidationError, vol.Invalid)) as err:
        await send(hass, entry_of(a), number=[NUMBER], **{field: value})

    text = str(err.value)
    if isinstance(err.value, ServiceValidationError):
        text += " " + " ".join(map(str, (err.value.translation_placeholders or {}).values()))
    assert field in text, text
    assert shown in text, text
    await settle(hass)
    assert send_requests(gateway, second_gateway) == []


async def test_a_pool_naming_another_integrations_entry_is_refused(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """A config entry of another integration is no gateway: refused, nothing sent."""
    added = pushing(await add_gateway(hass, gateway), http)
    from pytest_homeassistant_custom_component.common import MockConfigEntry  # noqa: PLC0415

    foreign = MockConfigEntry(domain="demo", title="not a gateway")
    foreign.add_to_hass(hass)

    with pytest.raises((ServiceValidationError, vol.Invalid)) as err:
        await send(hass, entry_of(added), number=[NUMBER], pool=[foreign.entry_id])

    assert foreign.entry_id in str(err.value) or foreign.entry_id in str(
        getattr(err.value, "translation_placeholders", None)
    )
    assert send_requests(gateway) == []


# -- the pool's members and order -----------------------------------------------------------


async def test_the_named_gateway_is_in_the_pool_and_first(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A pool naming only B, sent with A's config_entry_id and port: A's port first, then B."""
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    gateway.no_credit = {0, 1, 2, 3}

    answer = await send(
        hass,
        entry_of(a),
        number=[NUMBER],
        pool=[entry_of(b)],
        port=1,
        wait="sent",
        timeout=20,
    )

    message = message_for(answer)
    assert path(message["attempts"])[0] == (entry_of(a), 1, "failed")
    assert message["outcome"] == "sent"
    assert message["attempts"][-1]["config_entry_id"] == entry_of(b)
    assert len(carried(NUMBER, gateway, second_gateway)) == 1


async def test_ports_without_network_are_never_tried(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """A's other ports are not registered: after its port 1 fails, B sends, not A's dead ports."""
    gateway.unregistered = {0, 2, 3}
    a, b = await two_gateways(hass, http, gateway, second_gateway)
    gateway.no_credit = {1}

    answer = await send(
        hass, entry_of(a), number=[NUMBER], pool="all", port=1, wait="sent", timeout=20
    )

    message = message_for(answer)
    assert [(x["config_entry_id"], x["outcome"]) for x in message["attempts"]] == [
        (entry_of(a), "failed"),
        (entry_of(b), "sent"),
    ], message
    assert sorted(tuple(ports or []) for _, ports, _ in send_requests(gateway)) == [(1,)]


async def test_one_attempt_allowed_is_no_failover(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway, second_gateway: FakeGateway
) -> None:
    """``attempts: 1``: the failed attempt is the final outcome, nothing else is sent."""
    a, _ = await two_gateways(hass, http, gateway, second_gateway)
    gateway.no_credit = {1}

    answer = await send(
        hass,
        entry_of(a),
        number=[NUMBER],
        pool="all",
        port=1,
        attempts=1,
        wait="sent",
        timeout=20,
    )

    message = message_for(answer)
    assert message["outcome"] == "failed", message
    assert path(message["attempts"]) == [(entry_of(a), 1, "failed")]
    assert message["final_port"] is None
    assert len(send_requests(gateway, second_gateway)) == 1
    assert carried(NUMBER, gateway, second_gateway) == []
