"""The port and device calls: port information and actions, call records, SIM Toolkit, load."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from .enums import CallForwardCondition, PortAction, StkAction
from .errors import DinstarValidationError
from .limits import MAX_SLOT, MAX_STK_ITEM, check_number, check_port, check_ports, check_range
from .models import CallRecord, DeviceStatus, PortInfo, StkView
from .parsing import as_int, as_list, as_mapping
from .sms_calls import query_filters
from .transport import QueryValue, Transport

# Every info_type the spec's table lists (in its spellings), and the example's ``smsc``.
ALL_INFO_TYPES = (
    "type",
    "imei",
    "imsi",
    "iccid",
    "smsc",
    "number",
    "reg",
    "slot",
    "callstate",
    "signal",
    "gprs",
    "remain_credit",
    "remain_monthly_credit",
    "remain_daily_credit",
    "remain_daily_calltime",
    "remain_hourly_calltime",
    "remain_daily_connect",
)


class PortCalls:
    """Reading and acting on ports, call records, the SIM Toolkit and the gateway's load."""

    _transport: Transport

    async def get_port_info(
        self, ports: Iterable[int] = (), info_types: Iterable[str] = ALL_INFO_TYPES
    ) -> list[PortInfo]:
        """Port information: every port and every field in one request by default."""
        query: dict[str, QueryValue] = {"info_type": list(info_types)}
        if port_list := check_ports(ports):
            query["port"] = port_list
        answer = await self._transport.call("GET", "/api/get_port_info", query=query)
        return [PortInfo.from_api(item) for item in as_list(answer.get("info"), "info")]

    async def get_call_forwarding(self, port: int) -> Mapping[str, str]:
        """The call forwarding read after :meth:`check_call_forwarding`."""
        infos = await self.get_port_info([port], ["CallForward"])
        return next((info.call_forwarding or {} for info in infos if info.port == port), {})

    async def set_port_info(
        self, port: int, action: PortAction, param: str | None = None, number: str | None = None
    ) -> None:
        """Run a ``set_port_info`` action, its parameter checked first."""
        query: dict[str, QueryValue] = {"port": check_port(port), "action": str(action)}
        param = _check_port_param(action, param)
        if param is not None:
            query["param"] = param
        if number is not None:
            query["number"] = check_number(number)
        await self._transport.call("GET", "/api/set_port_info", query=query)

    async def set_slot(self, port: int, slot: int) -> None:
        """Switch a multi-SIM port to another slot (0-3)."""
        await self.set_port_info(port, PortAction.SLOT, str(check_range(slot, 0, MAX_SLOT, "slot")))

    async def reset_port(self, port: int) -> None:
        """Reset the port's module."""
        await self.set_port_info(port, PortAction.RESET)

    async def set_power(self, port: int, *, on: bool) -> None:
        """Power the port's module on or off."""
        await self.set_port_info(port, PortAction.POWER, "on" if on else "off")

    async def set_call_forwarding(
        self, port: int, condition: CallForwardCondition, number: str | None = None
    ) -> None:
        """Forward calls on a condition to ``number`` (none for ``CancelAll``)."""
        if condition is not CallForwardCondition.CANCEL_ALL and not number:
            raise DinstarValidationError(f"forwarding on {condition} needs a number")
        await self.set_port_info(port, PortAction.CALL_FORWARD, str(condition), number)

    async def check_call_forwarding(self, port: int) -> None:
        """Ask the network for the port's forwarding, to read afterwards."""
        await self.set_port_info(port, PortAction.CHECK_CALL_FORWARD)

    async def get_cdr(
        self,
        *,
        ports: Iterable[int] = (),
        time_after: datetime | None = None,
        time_before: datetime | None = None,
    ) -> list[CallRecord]:
        """Call records; some firmware lists them under ``info``."""
        answer = await self._transport.call(
            "POST", "/api/get_cdr", json_body=query_filters(ports, time_after, time_before)
        )
        records = answer.get("cdr", answer.get("info"))
        return [CallRecord.from_api(item) for item in as_list(records, "cdr")]

    async def get_stk_view(self, port: int) -> StkView:
        """The SIM Toolkit screen of a port."""
        answer = await self._transport.raw_call(
            "GET", "/GetSTKView", query={"port": check_port(port)}
        )
        return StkView.from_api(answer)

    async def stk_go(
        self,
        port: int,
        *,
        item: int | None = None,
        param: str | None = None,
        action: StkAction | None = None,
    ) -> None:
        """Choose an item, answer an input, or press ok/cancel/home."""
        body: dict[str, Any] = {"port": check_port(port)}
        if item is not None:
            body["item"] = check_range(item, 1, MAX_STK_ITEM, "STK item")
        if param is not None:
            body["param"] = param
        if action is not None:
            body["action"] = str(action)
        if len(body) == 1:
            raise DinstarValidationError("STKGo needs an item, a param or an action")
        await self._transport.raw_call("POST", "/STKGo", json_body=body)

    async def get_stk_frame_id(self, port: int) -> int:
        """The id of the screen the port shows now."""
        answer = await self._transport.raw_call(
            "GET", "/GetSTKCurrFrameIndex", query={"port": check_port(port)}
        )
        return as_int(as_mapping(answer, "frame").get("frame_id"), "frame_id")

    async def get_status(self) -> DeviceStatus:
        """CPU, memory and flash use: a bare array in, no envelope out."""
        answer = await self._transport.raw_call(
            "POST", "/api/get_status", json_body=["performance"]
        )
        return DeviceStatus.from_api(answer)


def _is_number(value: str) -> bool:
    try:
        check_number(value)
    except DinstarValidationError:
        return False
    return True


_IMEI_DIGITS = 15
_PIN_DIGITS = range(4, 9)
# What each action's parameter must be; actions absent here take none.
_PARAM_CHECKS: dict[PortAction, tuple[str, Callable[[str], bool]]] = {
    PortAction.SLOT: ("a slot from 0 to 3", lambda p: p.isdigit() and int(p) <= MAX_SLOT),
    PortAction.POWER: ('"on" or "off"', lambda p: p in ("on", "off")),
    PortAction.IMEI: ("a 15-digit IMEI", lambda p: p.isdigit() and len(p) == _IMEI_DIGITS),
    PortAction.NUMBER: ("the SIM's phone number", _is_number),
    PortAction.LOCK: (
        "the SIM's PIN (4-8 digits)",
        lambda p: p.isdigit() and len(p) in _PIN_DIGITS,
    ),
    PortAction.UNLOCK: (
        "the SIM's PIN (4-8 digits)",
        lambda p: p.isdigit() and len(p) in _PIN_DIGITS,
    ),
    PortAction.CALL_FORWARD: (
        "a forwarding condition",
        lambda p: p in {str(condition) for condition in CallForwardCondition},
    ),
}


def _check_port_param(action: PortAction, param: str | None) -> str | None:
    """Check the parameter an action needs, so a wrong one is never sent."""
    rule = _PARAM_CHECKS.get(action)
    if rule is None:
        if param:
            raise DinstarValidationError(f"action {action} takes no parameter")
        return None
    description, is_valid = rule
    if param is None or not is_valid(param):
        raise DinstarValidationError(f"action {action} needs {description}, not {param!r}")
    return param
