"""No answer of an unexpected shape escapes as anything but ``DinstarResponseError``."""

from __future__ import annotations

from collections.abc import Callable
import contextlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

from aiodinstar import (
    CallRecord,
    ConfigSetResult,
    DeliveryReport,
    DeviceStatus,
    DinstarApiError,
    DinstarResponseError,
    GatewayConfig,
    IncomingSms,
    PortInfo,
    SipProxy,
    SmsResult,
    StkView,
    UssdReply,
    UssdSendResult,
    parse_push,
)
from aiodinstar.lenient_json import decode_json

from .conftest import ReplayFactory

PROXY = SipProxy(domain="sip.example.net", port=5060, check_network_status=False)

# Field names the parsers look for, so generated objects reach past the first missing key.
KEYS = [
    "sn",
    "port",
    "number",
    "user_id",
    "time",
    "status",
    "count",
    "succ_count",
    "ref_id",
    "imsi",
    "status_code",
    "incoming_sms_id",
    "smsc",
    "timestamp",
    "text",
    "start_date",
    "answer_date",
    "duration",
    "source_number",
    "destination_number",
    "direction",
    "ip",
    "codec",
    "hangup",
    "gsm_code",
    "bcch",
    "type",
    "imei",
    "iccid",
    "reg",
    "slot",
    "callstate",
    "signal",
    "gprs",
    "remain_credit",
    "CallForwarding",
    "title",
    "input_type",
    "frame_id",
    "item",
    "item_id",
    "item_string",
    "performance",
    "cpu_used",
    "memory_total",
    "sip_proxy",
    "sip_trunk",
    "port_map",
    "index",
    "enable",
    "domain",
    "check_network_status",
    "port_group",
    "sms",
    "sms_result",
    "sms_deliver_status",
    "ussd",
    "register",
    "cdr",
    "device",
    "exception_info",
    "error_code",
    "result",
    "reply",
    "info",
    "in_queue",
    "task_id",
    "sms_in_queue",
    "mms_id",
    "socks_port",
]
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(["", "<NULL>", "1", "2.5", "255", "on", "[0,1]", "2026-01-02 03:04:05"])
)
JSON = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=4), inner, max_size=6)
    ),
    max_leaves=20,
)
PARSERS: dict[str, Callable[[Any], object]] = {
    "sms result": SmsResult.from_api,
    "delivery report": DeliveryReport.from_api,
    "incoming sms": IncomingSms.from_api,
    "ussd result": UssdSendResult.from_api,
    "ussd reply": UssdReply.from_api,
    "call record": CallRecord.from_api,
    "port info": PortInfo.from_api,
    "stk view": StkView.from_api,
    "device status": DeviceStatus.from_api,
    "configuration": GatewayConfig.from_api,
    "set_config result": ConfigSetResult.from_api,
    "push": parse_push,
}


@pytest.mark.parametrize("parser", PARSERS.values(), ids=PARSERS.keys())
@given(value=JSON)
def test_every_parser_reads_or_raises_its_error(
    parser: Callable[[Any], object], value: Any
) -> None:
    with contextlib.suppress(DinstarResponseError):
        parser(value)


@given(text=st.text(max_size=40) | JSON.map(json.dumps))
def test_decoding_reads_or_raises_its_error(text: str) -> None:
    with contextlib.suppress(DinstarResponseError):
        decode_json(text)


@pytest.mark.parametrize(
    ("parser", "value"),
    [
        (SmsResult.from_api, None),
        (SmsResult.from_api, []),
        (SmsResult.from_api, {"port": "one"}),
        (DeliveryReport.from_api, {"port": 1, "ref_id": [1]}),
        (IncomingSms.from_api, {"incoming_sms_id": None}),
        (UssdSendResult.from_api, {"Port": 1, "Status": {"code": 200}}),
        (PortInfo.from_api, {"port": 1, "CallForwarding": ["Busy"]}),
        (PortInfo.from_api, {"port": 1, "reg": {}}),
        (StkView.from_api, {"frame_id": 1, "item": [[]]}),
        (DeviceStatus.from_api, {"performance": []}),
        (GatewayConfig.from_api, {"sip_trunk": {"index": 1}}),
        (GatewayConfig.from_api, {"port_group": [{"port_map": "[0,x]"}]}),
        (ConfigSetResult.from_api, {"sip_proxy": "success"}),
        (ConfigSetResult.from_api, [{"sip_proxy": {"a": 1}}]),
        (decode_json, "[" * 100_000),
    ],
    ids=lambda value: getattr(value, "__qualname__", None) or repr(value)[:30],
)
def test_seen_and_likely_shapes(parser: Callable[[Any], object], value: Any) -> None:
    with pytest.raises(DinstarResponseError):
        parser(value)


def test_empty_and_null_sections_read_as_nothing() -> None:
    assert GatewayConfig.from_api({"sip_proxy": [], "sip_trunk": None}) == GatewayConfig()
    assert ConfigSetResult.from_api([]).sections == {}


CALLS: dict[str, Callable[[Any], Any]] = {
    "send_sms": lambda client: client.send_sms("x", ["10086"]),
    "query_sms_result": lambda client: client.query_sms_result(),
    "query_sms_deliver_status": lambda client: client.query_sms_deliver_status(),
    "query_sms_in_queue": lambda client: client.query_sms_in_queue(),
    "query_incoming_sms": lambda client: client.query_incoming_sms(),
    "send_ussd": lambda client: client.send_ussd([0], "*100#"),
    "query_ussd_reply": lambda client: client.query_ussd_reply([0]),
    "get_port_info": lambda client: client.get_port_info(),
    "get_call_forwarding": lambda client: client.get_call_forwarding(0),
    "get_cdr": lambda client: client.get_cdr(),
    "get_stk_view": lambda client: client.get_stk_view(0),
    "get_stk_frame_id": lambda client: client.get_stk_frame_id(0),
    "get_status": lambda client: client.get_status(),
    "get_config": lambda client: client.get_config(),
    "set_config": lambda client: client.set_config(GatewayConfig(sip_proxy=PROXY)),
    "send_mms": lambda client: client.send_mms(0, "t", "10086", 1),
    "query_mms_sending_status": lambda client: client.query_mms_sending_status(1),
    "set_socks5_proxy": lambda client: client.set_socks5_proxy(0, enabled=True),
}
# Envelopes with an accepted code and arbitrary fields, besides arbitrary JSON of any kind.
ANSWERS = JSON | st.builds(
    lambda code, fields: {**fields, "error_code": code, "sn": "x"},
    st.sampled_from([200, 202]),
    st.dictionaries(st.sampled_from(KEYS), JSON, max_size=6),
)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
# Each example is a real HTTP exchange: its time is the machine's load, not the code's.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answer=ANSWERS)
async def test_every_call_returns_or_raises_a_typed_error(
    replay: ReplayFactory, call: Callable[[Any], Any], answer: Any
) -> None:
    """Whatever JSON the gateway answers, a call returns or raises the client's own errors."""
    body = json.dumps(answer)
    client, _ = await replay(
        exchanges=[
            {"method": method, "path": path, "status": 200, "body": body}
            for method in ("GET", "POST")
            for path in ANSWERED_PATHS
        ]
    )
    # A refusal (the gateway's own error code) is typed too; anything else fails the test.
    with contextlib.suppress(DinstarResponseError, DinstarApiError):
        await call(client)


ANSWERED_PATHS = (
    "/api/send_sms",
    "/api/query_sms_result",
    "/api/query_sms_deliver_status",
    "/api/query_sms_in_queue",
    "/api/query_incoming_sms",
    "/api/send_ussd",
    "/api/query_ussd_reply",
    "/api/get_port_info",
    "/api/get_cdr",
    "/GetSTKView",
    "/GetSTKCurrFrameIndex",
    "/api/get_status",
    "/api/get_config",
    "/api/set_config",
    "/api/send_mms",
    "/api/query_mms_sending_status",
    "/api/socks5_proxy",
)
