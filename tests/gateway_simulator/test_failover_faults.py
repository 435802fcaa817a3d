"""Failover's faults: no credit, a network lost mid-send, a hung queue, a broken call, a lost answer.

Each through the control API and the client, as the integration meets them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import json
from typing import Any

import pytest

from custom_components.dinstar.aiodinstar import (
    DinstarClient,
    DinstarConnectionError,
    SmsRecipient,
    SmsStatus,
)
from dinstar_dev.gateway_simulator import Simulator

type Control = Callable[..., Awaitable[Any]]


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def outcome(client: DinstarClient, user_id: int) -> SmsStatus:
    """The message's status once it left SENDING."""
    async with asyncio.timeout(5):
        while True:
            (result,) = await client.query_sms_result(user_ids=[user_id])
            if result.status is not SmsStatus.SENDING:
                return result.status
            await asyncio.sleep(0.01)


async def test_a_sim_out_of_credit_fails_its_sends_only(
    simulator: Simulator, client: DinstarClient, control: Control, pushes: list[bytes]
) -> None:
    """Its SMS end FAILED with no part sent, as the spec's result tells a refused message."""
    await control("POST", "faults", {"no_credit_ports": [1]})
    await client.send_sms("Alarm", [SmsRecipient("+4917612345678", 1)], ports=[1])
    await client.send_sms("Alarm", [SmsRecipient("+4917612345678", 2)], ports=[2])
    assert await outcome(client, 1) is SmsStatus.FAILED
    assert await outcome(client, 2) in (SmsStatus.SENT_OK, SmsStatus.DELIVERED)
    (failed,) = await client.query_sms_result(user_ids=[1])
    assert (failed.port, failed.succ_count) == (1, 0)
    await simulator.drain_pushes()
    results = [json.loads(body)["sms_result"][0] for body in pushes if b"sms_result" in body]
    assert {(r["user_id"], r["status"]) for r in results} >= {(1, "FAILED"), (2, "SENT_OK")}
    # The port itself stays registered: only its SIM's money is gone.
    assert simulator.state.ports[1].registered


async def test_a_port_losing_its_network_mid_send(
    simulator: Simulator, client: DinstarClient, control: Control, pushes: list[bytes]
) -> None:
    """The SMS on the air fails, the drop is pushed, and the port no longer takes SMS."""
    await control("POST", "faults", {"unregister_on_send": [4]})
    await client.send_sms("Alarm", [SmsRecipient("+4917612345678", 7)], ports=[4])
    assert await outcome(client, 7) is SmsStatus.FAILED
    assert not simulator.state.ports[4].registered
    (info,) = await client.get_port_info(ports=[4])
    assert info.registration is not None
    assert info.registration.value == "unregister"
    await simulator.drain_pushes()
    registers = [json.loads(body)["register"][0] for body in pushes if b"register" in body]
    assert [(r["port"], r["status"]) for r in registers] == [(4, "down")]


async def test_a_hung_queue_accepts_and_never_reports_until_released(
    simulator: Simulator, client: DinstarClient, control: Control, pushes: list[bytes]
) -> None:
    await control("POST", "faults", {"hold_queue": True})
    await client.send_sms("Alarm", [SmsRecipient("+4917612345678", 9)], ports=[0])
    await asyncio.sleep(0.2)
    (held,) = await client.query_sms_result(user_ids=[9])
    assert held.status is SmsStatus.SENDING
    await simulator.drain_pushes()
    assert not [body for body in pushes if b"sms_result" in body]
    await control("POST", "faults", {"hold_queue": False})
    assert await outcome(client, 9) in (SmsStatus.SENT_OK, SmsStatus.DELIVERED)


async def test_one_broken_call_answers_500_while_the_others_work(
    client: DinstarClient, control: Control
) -> None:
    """A firmware whose query_sms_result is broken: it answers 500, sending still works."""
    await control("POST", "faults", {"error_500_paths": ["/api/query_sms_result"]})
    await client.send_sms("Alarm", [SmsRecipient("+4917612345678", 3)], ports=[0])
    with pytest.raises(DinstarConnectionError, match="500"):
        await client.query_sms_result(user_ids=[3])
    await control("POST", "faults", {"error_500_paths": []})
    assert await outcome(client, 3) in (SmsStatus.SENT_OK, SmsStatus.DELIVERED)


async def test_a_dropped_answer_leaves_the_request_carried_out(
    client: DinstarClient, control: Control
) -> None:
    """The connection closes before the answer: the client sees a cut, the gateway sends."""
    await control("POST", "faults", {"drop_answers": ["/api/send_sms"]})
    with pytest.raises(DinstarConnectionError):
        await client.send_sms("Alarm", [SmsRecipient("+4917612345678", 4)], ports=[0])
    assert await outcome(client, 4) in (SmsStatus.SENT_OK, SmsStatus.DELIVERED)
    # Once per listing: the next request is answered.
    await client.send_sms("Alarm", [SmsRecipient("+4917612345678", 5)], ports=[0])


@pytest.mark.parametrize(
    "body",
    [
        {"drop_answers": ["send_sms"]},
        {"error_500_paths": "/api/query_sms_result"},
        {"error_500_paths": ["query_sms_result"]},
        {"no_credit_ports": 1},
        {"no_credit_ports": [-1]},
        {"unregister_on_send": [True]},
        {"hold_queue": "yes"},
    ],
)
async def test_the_faults_refuse_bad_values(control: Control, body: dict[str, Any]) -> None:
    with pytest.raises(Exception, match="400"):
        await control("POST", "faults", body)
