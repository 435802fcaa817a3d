"""The push parser on every kind the spec pushes, its malformed variants, and junk."""

from __future__ import annotations

import contextlib
from datetime import datetime
import json
from typing import Any

from hypothesis import given, strategies as st
import pytest

from aiodinstar import (
    CallRecordEvent,
    DeliveryReportEvent,
    DeviceEvent,
    DevicePowerStatus,
    DinstarPushError,
    PortExceptionEvent,
    RegisterEvent,
    RegisterStatus,
    SmsReceivedEvent,
    SmsResultEvent,
    SmsStatus,
    UssdEvent,
    parse_push,
)

SN = "xxxx-xxxx-xxxx-xxxx"
# The spec's own push examples, verbatim but for the serial (malformations included).
SMS = '{"sn":"da00-0030-1901-2817","sms":[{"incoming_sms_id":1,"port":1,"number":"6717","smsc":"+8613800757511","timestamp":"2016-07-12 15:46:18","text":"test"}]}'
SMS_RESULT = '{"sn": "xxxx-xxxx-xxxx-xxxx", "sms_result": [{"port": 1, "number": "10086", "time": "2016-07-12 01:46:02", "status": "DELIVERED", "count": 1, "succ_count": 1, "ref_id": 215, "imsi": "460004642148063"}]}'
DELIVERY = '{"sn": "xxxx-xxxx-xxxx-xxxx", "sms_deliver_status": [{"port": 1, "number": "10086", "time": "2016-07-12 15:46:53", "ref_id": 215, "status_code": 0, "imsi": "460004642148063"}]}'
USSD = '{"sn": "xxxx-xxxx-xxxx-xxxx", "ussd": [{"port": 1, "text": "Thank you!"}]}]'
REGISTER_UP = '{"sn": "xxxx-xxxx-xxxx-xxxx", "register": [{"port": 8, "iccid": "89860040191844710023", "imsi": "460004642148063", "number": "13714637674", "status": "up", "sequence": 2, "slot": 2}]}]'
REGISTER_DOWN = '{"sn": "xxxx-xxxx-xxxx-xxxx", "register": [{"port": 8, "iccid": "<NULL>", "imsi": "<NULL>", "number": "13714637674", "status": "down", "sequence": 1, "slot": 2}]}]'
CDR = '{"sn": "xxxx-xxxx-xxxx-xxxx", "cdr": [{"port": 2, "start_date": "2015-07-21 16:35:20", "answer_date": "2015-07-21 16:35:31", "duration": 3, "source_number": "1010", "destination_number": "6717", "direction": "ip->gsm", "ip": "172.16.100.136", "codec": "G.711U", "hangup": "called", "gsm_code": 16, "bcch": ""}]}]'
DEVICE_OFF = '{"sn": "xxxx-xxxx-xxxx-xxxx", "device": {"port_number": 32, "IP": "172.18.55.142", "MAC": "F8-A0-3D-48-E5-19", "status": "power_off"}}'
EXCEPTION = '{"sn": "xxxx-xxxx-xxxx-xxxx", "exception_info": {"port": 0, "type": "call_fail", "action": "reset"}}'


def test_sms() -> None:
    batch = parse_push(SMS)
    assert batch.sn == "da00-0030-1901-2817"
    (event,) = batch.events
    assert isinstance(event, SmsReceivedEvent)
    assert event.sms.incoming_sms_id == 1
    assert event.sms.port == 1
    assert event.sms.number == "6717"
    assert event.sms.smsc == "+8613800757511"
    assert event.sms.timestamp == datetime(2016, 7, 12, 15, 46, 18)  # noqa: DTZ001
    assert event.sms.text == "test"


def test_sms_result() -> None:
    (event,) = parse_push(SMS_RESULT).events
    assert isinstance(event, SmsResultEvent)
    result = event.result
    assert (result.port, result.number, result.status) == (1, "10086", SmsStatus.DELIVERED)
    assert (result.count, result.succ_count, result.ref_id) == (1, 1, 215)
    assert result.user_id is None
    assert result.imsi == "460004642148063"


def test_delivery_report() -> None:
    (event,) = parse_push(DELIVERY).events
    assert isinstance(event, DeliveryReportEvent)
    report = event.report
    assert (report.port, report.ref_id, report.status_code) == (1, 215, 0)
    assert report.delivered
    assert not report.temporary_error
    assert not report.permanent_error


def test_ussd_with_extra_bracket() -> None:
    (event,) = parse_push(USSD).events
    assert isinstance(event, UssdEvent)
    assert (event.reply.port, event.reply.text) == (1, "Thank you!")


def test_register_up_and_down() -> None:
    (up,) = parse_push(REGISTER_UP).events
    assert isinstance(up, RegisterEvent)
    assert up.status is RegisterStatus.UP
    assert (up.port, up.slot, up.sequence) == (8, 2, 2)
    assert up.iccid == "89860040191844710023"
    (down,) = parse_push(REGISTER_DOWN).events
    assert isinstance(down, RegisterEvent)
    assert down.status is RegisterStatus.DOWN
    assert down.iccid is None  # "<NULL>" means no value
    assert down.imsi is None


def test_cdr() -> None:
    (event,) = parse_push(CDR).events
    assert isinstance(event, CallRecordEvent)
    record = event.record
    assert (record.port, record.duration, record.gsm_code) == (2, 3, 16)
    assert record.direction == "ip->gsm"
    assert record.answer_date == datetime(2015, 7, 21, 16, 35, 31)  # noqa: DTZ001


def test_device() -> None:
    (event,) = parse_push(DEVICE_OFF).events
    assert isinstance(event, DeviceEvent)
    assert event.status is DevicePowerStatus.POWER_OFF
    assert (event.port_number, event.ip, event.mac) == (32, "172.18.55.142", "F8-A0-3D-48-E5-19")
    (on,) = parse_push(DEVICE_OFF.replace("power_off", "power_on")).events
    assert isinstance(on, DeviceEvent)
    assert on.status is DevicePowerStatus.POWER_ON


def test_exception_info() -> None:
    (event,) = parse_push(EXCEPTION).events
    assert isinstance(event, PortExceptionEvent)
    assert (event.port, event.type, event.action) == (0, "call_fail", "reset")


def test_several_kinds_and_items_in_one_body() -> None:
    body = {
        "sn": SN,
        "sms": [
            {"incoming_sms_id": 5, "port": 0, "number": "1", "text": "a"},
            {"incoming_sms_id": 6, "port": 1, "number": "2", "text": "b"},
        ],
        "ussd": {"port": 3, "text": "single object, not a list"},
        "future_kind": {"x": 1},
    }
    batch = parse_push(json.dumps(body).encode())
    assert [type(event) for event in batch.events] == [
        SmsReceivedEvent,
        SmsReceivedEvent,
        UssdEvent,
    ]
    assert batch.unknown == {"future_kind": {"x": 1}}


def test_unknown_fields_are_kept() -> None:
    body = {"sn": SN, "exception_info": {"port": 1, "type": "t", "action": "a", "level": 3}}
    (event,) = parse_push(body).events
    assert isinstance(event, PortExceptionEvent)
    assert event.extra == {"level": 3}


def test_dangling_comma_variant() -> None:
    body = SMS.replace('"text":"test"}]', '"text":"test"},]')
    assert len(parse_push(body).events) == 1


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not json",
        "[]",
        '"a string"',
        '{"sn": "x"}',  # no kind at all
        '{"sn": "x", "other": 1}',
        '{"sn": "x", "sms": [{"port": 1}]}',  # no incoming_sms_id
        '{"sn": "x", "sms": "text"}',
        '{"sn": "x", "register": [{"port": "eight"}]}',
        '{"sn": {"nested": 1}, "sms": []}',
        '{"sn": "x", "device": [1, 2]}',
        b"\xff\x00",
    ],
)
def test_junk_raises_push_error(body: str | bytes) -> None:
    with pytest.raises(DinstarPushError):
        parse_push(body)


def test_empty_list_of_a_known_kind_is_no_error() -> None:
    assert parse_push('{"sn": "x", "sms": []}').events == ()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["sn", "sms", "ussd", "register", "device", "port", "text", "x"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=10,
)


@given(JSON)
def test_any_json_parses_or_raises_only_push_error(value: Any) -> None:
    with contextlib.suppress(DinstarPushError):
        parse_push(json.dumps(value))


@given(st.binary(max_size=64))
def test_any_bytes_parse_or_raise_only_push_error(body: bytes) -> None:
    with contextlib.suppress(DinstarPushError):
        parse_push(body)
