"""Actions on SIM ports: USSD, SIM Toolkit, port control, call forwarding, records."""

from __future__ import annotations

from dataclasses import asdict
import unicodedata

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
import probatio as vol

from custom_components.dinstar.aiodinstar import (
    MAX_STK_ITEM,
    MAX_USER_ID,
    MAX_USSD_BYTES,
    CallForwardCondition,
    PortAction,
    StkAction,
)
from custom_components.dinstar.errors import invalid_input
from custom_components.dinstar.runtime import DinstarConfigEntry

from .common import (
    ATTR_PORT,
    PORT_FIELD,
    PORTS_FIELD,
    TIME_FIELDS,
    ActionTable,
    as_json,
    check_in_range,
    check_numbers,
    check_port,
    time_range,
)

ATTR_CODE = "code"
ATTR_TIMEOUT = "timeout"

# The action's words for the conditions (lower case, as Home Assistant's selectors want them).
FORWARD_CONDITIONS = {
    "unconditional": CallForwardCondition.UNCONDITIONAL,
    "no_reply": CallForwardCondition.NO_REPLY,
    "busy": CallForwardCondition.BUSY,
    "not_reachable": CallForwardCondition.NOT_REACHABLE,
    "cancel_all": CallForwardCondition.CANCEL_ALL,
}
_OLD_CONDITIONS = {condition.value: word for word, condition in FORWARD_CONDITIONS.items()}


async def _send_ussd(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    """Send a USSD code and wait for the network's reply (push, else polled)."""
    port = check_port(entry, call.data[ATTR_PORT])
    code = _ussd_code(call.data[ATTR_CODE])
    text = await entry.runtime_data.ussd.async_send(port, code, call.data[ATTR_TIMEOUT])
    return {"port": port, "code": code, "reply": text}


def _ussd_code(code: str) -> str:
    """A code the network can take: something to send, on one line, within the byte limit."""
    if not code.strip():
        raise invalid_input("ussd_code_blank")
    if any(unicodedata.category(char) == "Cc" for char in code):
        raise invalid_input("ussd_code_control", code=code)
    if len(code.encode()) > MAX_USSD_BYTES:
        raise invalid_input("invalid_ussd", limit=str(MAX_USSD_BYTES))
    return code


async def _cancel_ussd(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    await entry.runtime_data.client.cancel_ussd([check_port(entry, call.data[ATTR_PORT])])
    return None


async def _stk_get_view(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    view = await entry.runtime_data.client.get_stk_view(check_port(entry, call.data[ATTR_PORT]))
    return {
        "title": view.title,
        "text": view.text,
        "input_type": int(view.input_type),
        "frame_id": view.frame_id,
        "items": [{"id": item.item_id, "text": item.item_string} for item in view.items],
    }


async def _stk_select(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    port = check_port(entry, call.data[ATTR_PORT])
    action = call.data.get("action")
    item: int | None = call.data.get("item")
    await entry.runtime_data.client.stk_go(
        port,
        item=None if item is None else check_in_range("item", item, 1, MAX_STK_ITEM),
        param=call.data.get("param"),
        action=StkAction(action) if action else None,
    )
    return await _stk_get_view(call, entry)


async def _set_port(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    await entry.runtime_data.client.set_port_info(
        check_port(entry, call.data[ATTR_PORT]),
        PortAction(call.data["action"]),
        call.data.get("param"),
    )
    await entry.runtime_data.coordinator.async_request_refresh()
    return None


async def _set_call_forwarding(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    await entry.runtime_data.client.set_call_forwarding(
        check_port(entry, call.data[ATTR_PORT]),
        FORWARD_CONDITIONS[call.data["condition"]],
        call.data.get("number"),
    )
    return None


async def _get_call_forwarding(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    port = check_port(entry, call.data[ATTR_PORT])
    client = entry.runtime_data.client
    await client.check_call_forwarding(port)
    return {"port": port, "forwarding": dict(await client.get_call_forwarding(port))}


async def _get_call_records(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    ports = [check_port(entry, port) for port in call.data.get(ATTR_PORT, [])]
    start, end = time_range(call)
    records = await entry.runtime_data.client.get_cdr(
        ports=ports, time_after=start, time_before=end
    )
    return {"records": as_json([asdict(record) for record in records])}


async def _get_sms_results(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    ports = [check_port(entry, port) for port in call.data.get(ATTR_PORT, [])]
    numbers = check_numbers("number", call.data.get("number", []))
    user_ids = [
        check_in_range("user_id", user_id, 0, MAX_USER_ID)
        for user_id in call.data.get("user_id", [])
    ]
    start, end = time_range(call)
    results = await entry.runtime_data.client.query_sms_result(
        numbers=numbers, ports=ports, user_ids=user_ids, time_after=start, time_before=end
    )
    return {"results": as_json([asdict(result) for result in results])}


async def _get_delivery_reports(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    ports = [check_port(entry, port) for port in call.data.get(ATTR_PORT, [])]
    numbers = check_numbers("number", call.data.get("number", []))
    start, end = time_range(call)
    reports = await entry.runtime_data.client.query_sms_deliver_status(
        numbers=numbers, ports=ports, time_after=start, time_before=end
    )
    return {"reports": as_json([asdict(report) for report in reports])}


PORT_ACTIONS: ActionTable = {
    "send_ussd": (
        _send_ussd,
        {
            **PORT_FIELD,
            vol.Required(ATTR_CODE): cv.string,
            vol.Optional(ATTR_TIMEOUT, default=30): vol.All(
                vol.Coerce(float), vol.Range(min=1, max=180)
            ),
        },
        SupportsResponse.OPTIONAL,
    ),
    "cancel_ussd": (_cancel_ussd, PORT_FIELD, SupportsResponse.NONE),
    "stk_get_view": (_stk_get_view, PORT_FIELD, SupportsResponse.ONLY),
    "stk_select": (
        _stk_select,
        {
            **PORT_FIELD,
            vol.Exclusive("item", "choice"): vol.Coerce(int),
            vol.Exclusive("param", "choice"): cv.string,
            vol.Exclusive("action", "choice"): vol.In([a.value for a in StkAction]),
        },
        SupportsResponse.OPTIONAL,
    ),
    "set_port": (
        _set_port,
        {
            **PORT_FIELD,
            vol.Required("action"): vol.In(
                [
                    a.value
                    for a in PortAction
                    if a not in (PortAction.CALL_FORWARD, PortAction.CHECK_CALL_FORWARD)
                ]
            ),
            vol.Optional("param"): cv.string,
        },
        SupportsResponse.NONE,
    ),
    "set_call_forwarding": (
        _set_call_forwarding,
        {
            **PORT_FIELD,
            vol.Required("condition"): vol.All(
                # The API's own spellings, as the first versions took them, still work.
                lambda value: _OLD_CONDITIONS.get(value, value),
                vol.In(list(FORWARD_CONDITIONS)),
            ),
            vol.Optional("number"): cv.string,
        },
        SupportsResponse.NONE,
    ),
    "get_call_forwarding": (_get_call_forwarding, PORT_FIELD, SupportsResponse.ONLY),
    "get_call_records": (_get_call_records, {**PORTS_FIELD, **TIME_FIELDS}, SupportsResponse.ONLY),
    "get_sms_results": (
        _get_sms_results,
        {
            **PORTS_FIELD,
            **TIME_FIELDS,
            vol.Optional("number"): vol.All(cv.ensure_list, [cv.string]),
            vol.Optional("user_id"): vol.All(cv.ensure_list, [vol.Coerce(int)]),
        },
        SupportsResponse.ONLY,
    ),
    "get_delivery_reports": (
        _get_delivery_reports,
        {
            **PORTS_FIELD,
            **TIME_FIELDS,
            vol.Optional("number"): vol.All(cv.ensure_list, [cv.string]),
        },
        SupportsResponse.ONLY,
    ),
}
