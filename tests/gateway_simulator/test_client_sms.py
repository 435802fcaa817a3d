"""SMS calls of the client against the real simulator: send, results, reports, inbox, queue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from custom_components.dinstar.aiodinstar import (
    DinstarApiError,
    DinstarClient,
    DinstarValidationError,
    SmsEncoding,
    SmsRecipient,
    SmsStatus,
)
from dinstar_dev.gateway_simulator import Simulator

from .conftest import wait_for

type Control = Callable[..., Awaitable[Any]]


async def test_send_sms_then_follow_to_delivered(
    client: DinstarClient, simulator: Simulator
) -> None:
    result = await client.send_sms(
        "Hello #param#",
        [SmsRecipient("+4917612345678", user_id=7, text_param=("Ada",))],
        ports=[1],
        encoding=SmsEncoding.GSM_7BIT,
        request_status_report=True,
    )
    assert len(result.task_ids) == 1
    assert client.serial == simulator.state.serial

    async def delivered() -> Any:
        results = await client.query_sms_result(user_ids=[7])
        return results if results and results[0].status is SmsStatus.DELIVERED else None

    (sms,) = await wait_for(delivered)
    assert (sms.port, sms.number, sms.user_id, sms.count) == (1, "+4917612345678", 7, 1)
    assert sms.ref_id is not None
    assert sms.time is not None
    reports = await client.query_sms_deliver_status(numbers=["+4917612345678"], ports=[1])
    assert [report.ref_id for report in reports] == [sms.ref_id]
    assert reports[0].delivered
    sent = simulator.state.sent_messages[-1]
    assert sent.text == "Hello Ada"


async def test_thousand_recipients_split_into_eight_requests(
    client: DinstarClient, simulator: Simulator
) -> None:
    numbers = [f"+4915{index:08d}" for index in range(1000)]
    result = await client.send_sms("Storm warning", numbers)
    assert len(result.task_ids) == 8
    assert len(set(result.task_ids)) == 8
    assert len(simulator.state.sent_messages) == 1000
    assert [m.number for m in simulator.state.sent_messages] == numbers


async def test_query_with_many_numbers_is_split_and_merged(
    client: DinstarClient, simulator: Simulator
) -> None:
    numbers = [f"+4915{index:08d}" for index in range(40)]
    await client.send_sms("x", [SmsRecipient(n, user_id=i) for i, n in enumerate(numbers)])

    async def all_known() -> Any:
        results = await client.query_sms_result(numbers=numbers)
        return results if len(results) == 40 else None

    results = await wait_for(all_known)
    assert {r.number for r in results} == set(numbers)


async def test_unicode_message_counts_parts(client: DinstarClient, simulator: Simulator) -> None:
    await client.send_sms(
        "温" * 71, [SmsRecipient("10086", user_id=1)], encoding=SmsEncoding.UNICODE
    )

    async def done() -> Any:
        results = await client.query_sms_result(user_ids=[1])
        return results if results and results[0].status is not SmsStatus.SENDING else None

    (sms,) = await wait_for(done)
    assert sms.count == 2


@pytest.mark.parametrize(
    ("text", "recipients", "ports"),
    [
        ("x" * 1501, ["10086"], ()),
        ("€" * 501, ["10086"], ()),  # 1503 bytes in UTF-8
        ("ok", ["1" * 25], ()),
        ("ok", ["12ab"], ()),
        ("ok", [""], ()),
        ("ok", [], ()),
        ("ok", ["10086"], (32,)),
        ("ok", ["10086"], (-1,)),
    ],
)
async def test_limits_are_checked_before_sending(
    client: DinstarClient,
    simulator: Simulator,
    text: str,
    recipients: list[str],
    ports: tuple[int, ...],
) -> None:
    with pytest.raises(DinstarValidationError):
        await client.send_sms(text, recipients, ports=ports)
    assert simulator.state.sent_messages == []


async def test_port_outside_the_gateway_is_the_gateways_400(client: DinstarClient) -> None:
    with pytest.raises(DinstarApiError) as err:
        await client.send_sms("x", ["10086"], ports=[20])
    assert err.value.error_code == 400


async def test_no_port_available_is_550(
    client: DinstarClient, control: Control, simulator: Simulator
) -> None:
    for port in range(8):
        await control("POST", f"ports/{port}", {"sim": False})
    with pytest.raises(DinstarApiError) as err:
        await client.send_sms("x", ["10086"])
    assert err.value.error_code == 550
    assert "no port" in err.value.meaning


async def test_stop_sms(client: DinstarClient, control: Control) -> None:
    await control("POST", "config", {"send_delay": 5})
    result = await client.send_sms("x", [f"1{n:04d}" for n in range(5)])
    await client.stop_sms(result.task_ids[0])
    with pytest.raises(DinstarApiError) as err:
        await client.stop_sms(99999)
    assert err.value.error_code == 404
    assert "cannot be found" in str(err.value)


async def test_queue_count_and_the_alias_endpoint(client: DinstarClient, control: Control) -> None:
    await control("POST", "config", {"send_delay": 5})
    await client.send_sms("x", [f"1{n:04d}" for n in range(5)], ports=[0])
    assert await client.query_sms_in_queue() >= 4
    await control("POST", "faults", {"queue_alias_only": True})
    assert await client.query_sms_in_queue() >= 4


async def test_incoming_sms_pages_and_never_marks_read(
    client: DinstarClient, control: Control, simulator: Simulator
) -> None:
    for index in range(150):  # far more than one 8 KB page
        await control(
            "POST",
            "sms",
            {"port": index % 3, "number": "+4930123456", "text": f"message {index} " + "x" * 60},
        )
    page = await client.query_incoming_sms()
    assert 0 < len(page.messages) < 150
    everything = await client.fetch_incoming_since(0)
    assert [sms.incoming_sms_id for sms in everything] == sorted(
        {sms.incoming_sms_id for sms in everything}
    )
    assert len(everything) == 150
    assert everything[5].text.startswith("message 5 ")
    after = await client.fetch_incoming_since(everything[139].incoming_sms_id)
    assert len(after) == 10
    only_port_1 = await client.fetch_incoming_since(0, ports=[1])
    assert {sms.port for sms in only_port_1} == {1}
    page = await client.query_incoming_sms()
    assert page.unread == 150  # flag=all read nothing as a side effect


async def test_too_many_numbers_is_the_gateways_413(client: DinstarClient) -> None:
    """The client never sends this; a raw call shows the spec's meaning reaches the caller."""
    params = [{"number": f"1{n:04d}"} for n in range(129)]
    with pytest.raises(DinstarApiError) as err:
        await client._transport.call(
            "POST", "/api/send_sms", json_body={"text": "x", "param": params}, ok_codes=(202,)
        )
    assert err.value.error_code == 413
    assert "too many numbers" in err.value.meaning
