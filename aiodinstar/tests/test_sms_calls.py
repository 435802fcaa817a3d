"""The SMS and USSD calls: the exact requests they send, how answers are read, their limits."""

from __future__ import annotations

from datetime import datetime
import json
from typing import Any

import pytest

from aiodinstar import (
    INCOMING_PAGE_BYTES,
    MESSAGE_OVERHEAD_BYTES,
    DinstarApiError,
    DinstarPartialSendError,
    DinstarResponseError,
    DinstarValidationError,
    IncomingFlag,
    IncomingSms,
    IncomingSmsPage,
    SendSmsResult,
    SmsEncoding,
    SmsRecipient,
    UssdSendStatus,
)

from .conftest import GatewayFactory

AFTER = datetime(2026, 11, 30, 5, 0, 0)  # noqa: DTZ001 - the gateway's clock is naive
BEFORE = datetime(2026, 11, 30, 6, 30, 15)  # noqa: DTZ001


def envelope(code: int = 200, **fields: Any) -> str:
    """An answer in the gateway's ``error_code``/``sn`` envelope."""
    return json.dumps({"error_code": code, "sn": "x", **fields})


def numbers(count: int) -> list[str]:
    """Distinct valid numbers, in order."""
    return [f"+49170{index:07d}" for index in range(count)]


async def test_send_sms_sends_every_option(gateway: GatewayFactory) -> None:
    client, received = await gateway(envelope(202, task_id=9, sms_in_queue=4))
    recipients: list[SmsRecipient | str] = [
        SmsRecipient("+4917612345678", user_id=7, text_param=("Ann",)),
        "10086",
    ]
    result = await client.send_sms(
        "Hi #param#",
        recipients,
        ports=[2, 1, 2],
        encoding=SmsEncoding.UNICODE,
        request_status_report=False,
    )
    assert result == SendSmsResult(task_ids=(9,), sms_in_queue=4)
    ((request),) = received
    assert (request.method, request.path, request.query) == ("POST", "/api/send_sms", "")
    assert request.body == {
        "text": "Hi #param#",
        "port": [2, 1],
        "encoding": "unicode",
        "request_status_report": False,
        "param": [
            {"number": "+4917612345678", "text_param": ["Ann"], "user_id": 7},
            {"number": "10086"},
        ],
    }


async def test_send_sms_leaves_unset_options_to_the_gateway(gateway: GatewayFactory) -> None:
    client, received = await gateway(envelope(200))
    result = await client.send_sms("x", ["10086"], request_status_report=True)
    assert result == SendSmsResult(task_ids=(), sms_in_queue=0)
    assert received[0].body == {
        "text": "x",
        "request_status_report": True,
        "param": [{"number": "10086"}],
    }


async def test_send_sms_128_numbers_per_request(gateway: GatewayFactory) -> None:
    wanted = numbers(129)
    client, received = await gateway(
        envelope(202, task_id=1, sms_in_queue=128), envelope(202, task_id=2)
    )
    result = await client.send_sms("x", wanted)
    assert result == SendSmsResult(task_ids=(1, 2), sms_in_queue=128)
    assert [[p["number"] for p in request.body["param"]] for request in received] == [
        wanted[:128],
        wanted[128:],
    ]


async def test_a_failure_after_an_accepted_request_is_a_partial_send(
    gateway: GatewayFactory,
) -> None:
    wanted = numbers(300)
    client, _ = await gateway(
        envelope(202, task_id=1, sms_in_queue=3),
        envelope(202, task_id=2),
        envelope(550),
    )
    with pytest.raises(DinstarPartialSendError) as err:
        await client.send_sms("x", wanted)
    assert err.value.accepted == 256
    assert err.value.result == SendSmsResult(task_ids=(1, 2), sms_in_queue=3)
    assert err.value.not_sent == tuple(wanted[256:])
    assert isinstance(err.value.__cause__, DinstarApiError)
    assert err.value.__cause__.error_code == 550


async def test_a_failure_of_the_first_request_is_the_failure_itself(
    gateway: GatewayFactory,
) -> None:
    client, _ = await gateway(envelope(550))
    with pytest.raises(DinstarApiError) as err:
        await client.send_sms("x", numbers(200))
    assert not isinstance(err.value, DinstarPartialSendError)
    assert (err.value.endpoint, err.value.error_code) == ("/api/send_sms", 550)
    assert err.value.meaning == "no port is available for sending SMS"


async def test_query_sms_result_filters(gateway: GatewayFactory) -> None:
    item = {"port": 1, "number": "10086", "status": "SENT_OK", "count": 1, "user_id": 3}
    client, received = await gateway(envelope(result=[item]), envelope(result=[item]))
    results = await client.query_sms_result(
        numbers=["10086"],
        ports=[1],
        user_ids=range(33),
        time_after=AFTER,
        time_before=BEFORE,
    )
    assert [result.user_id for result in results] == [3, 3]
    assert [(request.method, request.path) for request in received] == [
        ("POST", "/api/query_sms_result")
    ] * 2
    common = {
        "port": [1],
        "time_after": "2026-11-30 05:00:00",
        "time_before": "2026-11-30 06:30:15",
        "number": ["10086"],
    }
    assert [request.body for request in received] == [
        {**common, "user_id": list(range(32))},
        {**common, "user_id": [32]},
    ]


async def test_queries_without_filters_send_an_empty_object(gateway: GatewayFactory) -> None:
    client, received = await gateway(envelope(result=[]), envelope(result=[]))
    assert await client.query_sms_result() == []
    assert await client.query_sms_deliver_status() == []
    assert [request.body for request in received] == [{}, {}]


async def test_delivery_reports_33_numbers_take_two_queries(gateway: GatewayFactory) -> None:
    report = {"port": 0, "number": "1", "ref_id": 5, "status_code": 0}
    client, received = await gateway(envelope(result=[report]), envelope(result=[report]))
    wanted = numbers(33)
    reports = await client.query_sms_deliver_status(
        numbers=wanted, time_after=AFTER, time_before=BEFORE
    )
    assert [report.ref_id for report in reports] == [5, 5]
    assert [request.path for request in received] == ["/api/query_sms_deliver_status"] * 2
    assert [request.body for request in received] == [
        {
            "time_after": "2026-11-30 05:00:00",
            "time_before": "2026-11-30 06:30:15",
            "number": batch,
        }
        for batch in (wanted[:32], wanted[32:])
    ]


async def test_query_incoming_sms_query(gateway: GatewayFactory) -> None:
    client, received = await gateway(envelope(sms=[], read=3, unread=0), envelope(sms=[]))
    page = await client.query_incoming_sms(after_id=41, flag=IncomingFlag.UNREAD, ports=[3, 0])
    assert (page.messages, page.read, page.unread) == ((), 3, 0)
    page = await client.query_incoming_sms()
    assert (page.read, page.unread) == (None, None)
    assert [(r.method, r.path, r.query) for r in received] == [
        ("GET", "/api/query_incoming_sms", "incoming_sms_id=41&flag=unread&port=3%2C0"),
        ("GET", "/api/query_incoming_sms", "incoming_sms_id=0&flag=all"),
    ]


def incoming(sms_id: int, text: str = "") -> dict[str, Any]:
    """One received message as the gateway lists it."""
    return {"incoming_sms_id": sms_id, "port": 1, "number": "6717", "text": text or f"m{sms_id}"}


# A text long enough that three such messages may fill a page.
LONG = "x" * 300


async def test_fetch_incoming_since_pages_until_nothing_new(gateway: GatewayFactory) -> None:
    client, received = await gateway(
        envelope(sms=[incoming(12, LONG), incoming(11, LONG), incoming(10, LONG)]),
        envelope(sms=[incoming(12, LONG), incoming(14, LONG), incoming(15, LONG)]),
        envelope(sms=[incoming(15, LONG)]),
    )
    messages = await client.fetch_incoming_since(10, ports=[1])
    assert [sms.incoming_sms_id for sms in messages] == [11, 12, 14, 15]
    assert all(isinstance(sms, IncomingSms) for sms in messages)
    assert messages[0].text == LONG
    assert [request.query for request in received] == [
        f"incoming_sms_id={cursor}&flag=all&port=1" for cursor in (10, 12, 15)
    ]


async def test_a_page_far_from_full_is_the_last(gateway: GatewayFactory) -> None:
    """No request for the empty page that would only say so."""
    client, received = await gateway(
        envelope(sms=[incoming(11), incoming(12)]), envelope(sms=[incoming(13)])
    )
    messages = await client.fetch_incoming_since(10)
    assert [sms.incoming_sms_id for sms in messages] == [11, 12]
    assert len(received) == 1


def test_a_page_is_the_last_below_half_the_page_size_at_six_bytes_a_character() -> None:
    def page(*texts: str) -> IncomingSmsPage:
        messages = tuple(
            IncomingSms.from_api(incoming(n, text) | {"smsc": ""})
            for n, text in enumerate(texts, 1)
        )
        return IncomingSmsPage(messages=messages, read=None, unread=None)

    room = INCOMING_PAGE_BYTES // 2 - MESSAGE_OVERHEAD_BYTES - len("6717")
    assert page("x" * (room // 6)).is_last
    assert not page("x" * (room // 6 + 1)).is_last
    assert page().is_last


async def test_stop_sms(gateway: GatewayFactory) -> None:
    client, received = await gateway(envelope(), envelope(404))
    await client.stop_sms(17)
    with pytest.raises(DinstarApiError) as err:
        await client.stop_sms(18)
    assert err.value.meaning == "the SMS sending task cannot be found"
    assert [(r.method, r.path, r.query) for r in received] == [
        ("GET", "/api/stop_sms", "task_id=17"),
        ("GET", "/api/stop_sms", "task_id=18"),
    ]


async def test_queue_falls_back_only_on_not_found(gateway: GatewayFactory) -> None:
    client, received = await gateway(envelope(503))
    with pytest.raises(DinstarApiError) as err:
        await client.query_sms_in_queue()
    assert err.value.error_code == 503
    assert [(r.method, r.path) for r in received] == [("GET", "/api/query_sms_in_queue")]


async def test_ussd_send_and_cancel_requests(gateway: GatewayFactory) -> None:
    result = [{"port": 1, "status": 200}, {"port": 0, "status": 486}]
    client, received = await gateway(envelope(202, result=result), envelope(200, result=result))
    outcomes = await client.send_ussd([0, 1], "*100#")
    assert [(o.port, o.status) for o in outcomes] == [(0, 486), (1, UssdSendStatus.SENT)]
    assert [o.port for o in await client.cancel_ussd([1, 0])] == [1, 0]
    assert [(r.method, r.path, r.body) for r in received] == [
        ("POST", "/api/send_ussd", {"port": [0, 1], "command": "send", "text": "*100#"}),
        ("POST", "/api/send_ussd", {"port": [1, 0], "command": "cancel", "text": ""}),
    ]


async def test_query_ussd_reply_request(gateway: GatewayFactory) -> None:
    reply = [{"port": 2, "text": "b"}, {"port": 1, "text": "a"}, {"port": 2, "text": "late"}]
    client, received = await gateway(envelope(reply=reply))
    replies = await client.query_ussd_reply([1, 2])
    assert [(r.port, r.text) for r in replies] == [(1, "a"), (2, "b")]
    assert [(r.method, r.path, r.query) for r in received] == [
        ("GET", "/api/query_ussd_reply", "port=1%2C2")
    ]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.send_sms("x", []), "send_sms needs at least one recipient"),
        (lambda c: c.send_ussd([0], ""), "a USSD code cannot be empty"),
        (lambda c: c.send_ussd([0], "*" * 61), "USSD text is 61 bytes, over the limit of 60"),
        (lambda c: c.send_ussd([], "*100#"), "USSD needs at least one port"),
        (lambda c: c.cancel_ussd([]), "USSD needs at least one port"),
        (lambda c: c.query_ussd_reply([]), "query_ussd_reply needs at least one port"),
        (lambda c: c.send_sms("é" * 751, ["1"]), "text is 1502 bytes, over the limit of 1500"),
        (lambda c: c.send_sms("x", ["1"], ports=[32]), "port 32 is not between 0 and 31"),
        (lambda c: c.query_incoming_sms(ports=[-1]), "port -1 is not between 0 and 31"),
        (lambda c: c.fetch_incoming_since(0, ports=[True]), "port True is not between 0 and 31"),
        (
            lambda c: c.query_sms_result(numbers=["12a"]),
            "'12a' is not a phone number (digits only)",
        ),
        (
            lambda c: c.send_sms("x", ["+" + "1" * 24]),
            "'+111111111111111111111111' is longer than 24 bytes",
        ),
    ],
)
async def test_invalid_requests_are_not_sent(
    gateway: GatewayFactory, call: Any, message: str
) -> None:
    """The error says what is wrong (it ends up in the log behind the service's error)."""
    client, received = await gateway()
    with pytest.raises(DinstarValidationError) as err:
        await call(client)
    assert str(err.value) == message
    assert received == []


async def test_requests_at_the_limits_are_sent(gateway: GatewayFactory) -> None:
    client, received = await gateway(
        envelope(202), envelope(202, result=[{"port": 31, "status": 200}])
    )
    await client.send_sms("é" * 750, ["+" + "1" * 23], ports=[0, 31])
    await client.send_ussd([31], "*" * 60)
    assert received[0].body["param"] == [{"number": "+" + "1" * 23}]
    assert received[1].body["text"] == "*" * 60


@pytest.mark.parametrize(
    ("call", "answer", "field"),
    [
        (lambda c: c.send_sms("x", ["1"]), envelope(202, task_id="a"), "task_id"),
        (lambda c: c.send_sms("x", ["1"]), envelope(202, sms_in_queue=[]), "sms_in_queue"),
        (lambda c: c.query_sms_result(), envelope(result={}), "result"),
        (lambda c: c.query_sms_in_queue(), envelope(in_queue="many"), "in_queue"),
        (lambda c: c.query_incoming_sms(), envelope(sms={}), "sms"),
        (lambda c: c.query_incoming_sms(), envelope(read="x"), "read"),
        (lambda c: c.query_incoming_sms(), envelope(unread="x"), "unread"),
        (lambda c: c.send_ussd([0], "*1#"), envelope(202, result={}), "result"),
        (lambda c: c.send_ussd([0], "*1#"), envelope(202, result=[]), "send_ussd result"),
        (lambda c: c.query_ussd_reply([0]), envelope(reply=1), "reply"),
        (lambda c: c.query_ussd_reply([0]), envelope(reply=[]), "query_ussd_reply reply"),
        (lambda c: c.query_sms_in_queue(), envelope(sn=[]), "sn"),
        (
            lambda c: c.query_sms_in_queue(),
            envelope(error_code="ok"),
            "/api/query_sms_in_queue error_code",
        ),
    ],
)
async def test_unreadable_answers_name_the_field(
    gateway: GatewayFactory, call: Any, answer: str, field: str
) -> None:
    client, _ = await gateway(answer)
    with pytest.raises(DinstarResponseError, match=rf"^{field}: "):
        await call(client)


def test_a_partial_send_says_how_much_went() -> None:
    error = DinstarPartialSendError(256, SendSmsResult((), 0), ("+491", "+492"))
    assert str(error) == "send_sms: 256 accepted, 2 not sent"
    assert (error.accepted, error.not_sent) == (256, ("+491", "+492"))
