"""Pushed fields the parser keeps, and errors that name the field they could not read."""

from __future__ import annotations

import pytest

from aiodinstar import DeviceEvent, DinstarPushError, RegisterEvent, parse_push


def test_register_keeps_every_field() -> None:
    body = {
        "sn": "x",
        "register": {"port": 8, "status": "up", "imsi": "4600", "number": "137", "band": "B3"},
    }
    (event,) = parse_push(body).events
    assert isinstance(event, RegisterEvent)
    assert (event.imsi, event.number, event.iccid) == ("4600", "137", None)
    assert event.extra == {"band": "B3"}


def test_device_keeps_unknown_fields() -> None:
    (event,) = parse_push({"sn": "x", "device": {"status": "power_on", "fw": "1.2"}}).events
    assert isinstance(event, DeviceEvent)
    assert (event.port_number, event.ip, event.mac) == (None, None, None)
    assert event.extra == {"fw": "1.2"}


def test_several_kinds_count_as_known() -> None:
    batch = parse_push({"sn": "x", "sms": [], "ussd": [], "device": []})
    assert (batch.sn, batch.events, batch.unknown) == ("x", (), {})


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("[1]", "push body"),
        ({"sn": [], "sms": []}, "push sn"),
        ({"sn": "x", "register": {"port": "eight"}}, "register port"),
        ({"sn": "x", "register": {"port": 1, "status": 1.5j}}, "register status"),
        ({"sn": "x", "register": {"port": 1, "iccid": []}}, "register iccid"),
        ({"sn": "x", "register": {"port": 1, "imsi": {}}}, "register imsi"),
        ({"sn": "x", "register": {"port": 1, "number": [1]}}, "register number"),
        ({"sn": "x", "register": {"port": 1, "sequence": "a"}}, "register sequence"),
        ({"sn": "x", "register": {"port": 1, "slot": "b"}}, "register slot"),
        ({"sn": "x", "device": {"status": []}}, "device status"),
        ({"sn": "x", "device": {"port_number": "p"}}, "device port_number"),
        ({"sn": "x", "device": {"IP": []}}, "device IP"),
        ({"sn": "x", "device": {"MAC": []}}, "device MAC"),
        ({"sn": "x", "exception_info": {"port": "p"}}, "exception port"),
        ({"sn": "x", "exception_info": {"port": 1, "type": []}}, "exception type"),
        ({"sn": "x", "exception_info": {"port": 1, "action": []}}, "exception action"),
    ],
)
def test_push_errors_name_the_field(body: object, field: str) -> None:
    with pytest.raises(DinstarPushError, match=rf"^{field}: "):
        parse_push(body)  # type: ignore[arg-type]


def test_a_body_of_no_known_kind() -> None:
    with pytest.raises(DinstarPushError, match=r"^push body holds no known event kind$"):
        parse_push({"sn": "x", "news": 1})
