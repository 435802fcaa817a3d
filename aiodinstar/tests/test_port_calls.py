"""Port actions, the SIM Toolkit and the configuration calls: what goes on the wire, what never does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aiodinstar import (
    CallForwardCondition,
    DinstarClient,
    DinstarValidationError,
    GatewayConfig,
    MmsConfiguration,
    PortAction,
    StkAction,
)

from .conftest import GatewayFactory

OK = '{"error_code":200,"sn":"da00-0030-1901-2817"}'

type Call = Callable[[DinstarClient], Awaitable[Any]]


@pytest.mark.parametrize(
    ("call", "query"),
    [
        (lambda client: client.set_slot(1, 2), "port=1&action=slot&param=2"),
        (lambda client: client.reset_port(3), "port=3&action=reset"),
        (lambda client: client.set_power(0, on=False), "port=0&action=power&param=off"),
        (lambda client: client.set_power(0, on=True), "port=0&action=power&param=on"),
        (
            lambda client: client.set_call_forwarding(
                2, CallForwardCondition.NO_REPLY, "+4917612345678"
            ),
            "port=2&action=CallForward&param=NoReply&number=%2B4917612345678",
        ),
        (
            lambda client: client.set_call_forwarding(2, CallForwardCondition.CANCEL_ALL),
            "port=2&action=CallForward&param=CancelAll",
        ),
        (lambda client: client.check_call_forwarding(4), "port=4&action=CheckCallForward"),
        (
            lambda client: client.set_port_info(5, PortAction.IMEI, "356938035643809"),
            "port=5&action=imei&param=356938035643809",
        ),
        (
            lambda client: client.set_port_info(5, PortAction.NUMBER, "+4917612345678"),
            "port=5&action=number&param=%2B4917612345678",
        ),
        (
            lambda client: client.set_port_info(6, PortAction.UNLOCK, "12345678"),
            "port=6&action=unlock&param=12345678",
        ),
        (lambda client: client.set_port_info(7, PortAction.BLOCK), "port=7&action=block"),
    ],
)
async def test_port_actions_on_the_wire(gateway: GatewayFactory, call: Call, query: str) -> None:
    client, received = await gateway(OK)
    await call(client)
    assert [(r.method, r.path, r.query) for r in received] == [("GET", "/api/set_port_info", query)]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda client: client.set_slot(1, 4), r"^slot 4 is not between 0 and 3$"),
        (
            lambda client: client.set_call_forwarding(2, CallForwardCondition.BUSY),
            r"^forwarding on Busy needs a number$",
        ),
        (
            lambda client: client.set_port_info(1, PortAction.RESET, "now"),
            r"^action reset takes no parameter$",
        ),
        (
            lambda client: client.set_port_info(1, PortAction.LOCK, "123"),
            r"^action lock needs the SIM's PIN \(4-8 digits\), not '123'$",
        ),
        (
            lambda client: client.set_port_info(1, PortAction.IMEI, "35693803564380"),
            r"^action imei needs a 15-digit IMEI, not '35693803564380'$",
        ),
        (
            lambda client: client.set_port_info(1, PortAction.NUMBER, "call me"),
            r"^action number needs the SIM's phone number, not 'call me'$",
        ),
        (
            lambda client: client.set_port_info(1, PortAction.POWER),
            r"^action power needs \"on\" or \"off\", not None$",
        ),
        (
            lambda client: client.set_port_info(1, PortAction.CALL_FORWARD, "Always"),
            r"^action CallForward needs a forwarding condition, not 'Always'$",
        ),
        (lambda client: client.stk_go(1), r"^STKGo needs an item, a param or an action$"),
        (lambda client: client.stk_go(1, item=256), r"^STK item 256 is not between 1 and 255$"),
        (
            lambda client: client.get_config(["sip_proxy", "dial_plan"]),
            r"^unknown configuration sections: \['dial_plan'\]$",
        ),
        (
            lambda client: client.set_config(GatewayConfig()),
            r"^set_config needs at least one section$",
        ),
    ],
)
async def test_refused_before_sending(gateway: GatewayFactory, call: Call, message: str) -> None:
    client, received = await gateway()
    with pytest.raises(DinstarValidationError, match=message):
        await call(client)
    assert received == []


@pytest.mark.parametrize(
    ("settings", "body"),
    [
        ({"item": 3}, {"port": 1, "item": 3}),
        ({"param": "1234"}, {"port": 1, "param": "1234"}),
        ({"action": StkAction.HOME}, {"port": 1, "action": "home"}),
    ],
)
async def test_stk_go_sends_one_choice(
    gateway: GatewayFactory, settings: dict[str, Any], body: dict[str, Any]
) -> None:
    client, received = await gateway("")
    await client.stk_go(1, **settings)
    assert [(r.method, r.path, r.body) for r in received] == [("POST", "/STKGo", body)]


async def test_configure_mms(gateway: GatewayFactory) -> None:
    client, received = await gateway(OK)
    await client.configure_mms(
        2, MmsConfiguration(apn="internet", mmsc="http://mms.example/"), enabled=False
    )
    ((request),) = received
    assert (request.method, request.path) == ("POST", "/api/mms_configuration")
    assert request.body == {
        "port": 2,
        "configuration": {
            "APN": "internet",
            "username": "",
            "password": "",
            "MMSC": "http://mms.example/",
            "MMS_proxy": "",
            "MMS_port": "",
        },
        "status": "off",
    }
