"""Actions for the rest of the API: USSD, SIM Toolkit, port control, call forwarding, records."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
import probatio as vol

from .action_helpers import (
    ActionTable,
    as_json,
    async_register_actions,
    check_port,
    gateway_refused,
    invalid_input,
)
from .aiodinstar import CallForwardCondition, PortAction, StkAction
from .aiodinstar.limits import MAX_USSD_BYTES
from .coordinator import DinstarConfigEntry

ATTR_PORT = "port"
ATTR_CODE = "code"
ATTR_TIMEOUT = "timeout"
USSD_POLL_AFTER = 3.0
_PORT: dict[vol.Marker, Any] = {
    vol.Required(ATTR_PORT): vol.All(vol.Coerce(int), vol.Range(min=0, max=31))
}
_PORTS: dict[vol.Marker, Any] = {
    vol.Optional(ATTR_PORT): vol.All(
        cv.ensure_list, [vol.All(vol.Coerce(int), vol.Range(min=0, max=31))]
    )
}
_TIMES: dict[vol.Marker, Any] = {
    vol.Optional("start"): cv.datetime,
    vol.Optional("end"): cv.datetime,
}


async def _send_ussd(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    """Send a USSD code and wait for the network's reply (push, else polled)."""
    port = check_port(entry, call.data[ATTR_PORT])
    code: str = call.data[ATTR_CODE]
    if not code or len(code.encode()) > MAX_USSD_BYTES:
        raise invalid_input("invalid_ussd", limit=str(MAX_USSD_BYTES))
    runtime = entry.runtime_data
    client = runtime.client
    (before,) = await client.query_ussd_reply([port])
    reply: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    runtime.ussd_waiters[port] = reply
    try:
        (result,) = await client.send_ussd([port], code)
        if not result.sent:
            raise gateway_refused("ussd_refused", port=str(port), status=str(int(result.status)))
        async with asyncio.timeout(call.data[ATTR_TIMEOUT]):
            text = await _await_reply(entry, port, reply, before.text)
    except TimeoutError as err:
        raise gateway_refused("ussd_timeout", port=str(port)) from err
    finally:
        runtime.ussd_waiters.pop(port, None)
    return {"port": port, "code": code, "reply": text}


async def _await_reply(
    entry: DinstarConfigEntry, port: int, pushed: asyncio.Future[str], previous: str
) -> str:
    """The pushed reply, or one read with query_ussd_reply that differs from the last."""
    try:
        return await asyncio.wait_for(asyncio.shield(pushed), USSD_POLL_AFTER)
    except TimeoutError:
        pass
    while True:
        (reply,) = await entry.runtime_data.client.query_ussd_reply([port])
        if reply.text and reply.text != previous:
            return reply.text
        if pushed.done():
            return pushed.result()
        await asyncio.sleep(1)


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
    await entry.runtime_data.client.stk_go(
        port,
        item=call.data.get("item"),
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
        CallForwardCondition(call.data["condition"]),
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
    records = await entry.runtime_data.client.get_cdr(
        ports=ports, time_after=call.data.get("start"), time_before=call.data.get("end")
    )
    return {"records": as_json([asdict(record) for record in records])}


async def _get_sms_results(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    ports = [check_port(entry, port) for port in call.data.get(ATTR_PORT, [])]
    results = await entry.runtime_data.client.query_sms_result(
        numbers=call.data.get("number", []),
        ports=ports,
        user_ids=call.data.get("user_id", []),
        time_after=call.data.get("start"),
        time_before=call.data.get("end"),
    )
    return {"results": as_json([asdict(result) for result in results])}


async def _get_delivery_reports(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    ports = [check_port(entry, port) for port in call.data.get(ATTR_PORT, [])]
    reports = await entry.runtime_data.client.query_sms_deliver_status(
        numbers=call.data.get("number", []),
        ports=ports,
        time_after=call.data.get("start"),
        time_before=call.data.get("end"),
    )
    return {"reports": as_json([asdict(report) for report in reports])}


_ACTIONS: ActionTable = {
    "send_ussd": (
        _send_ussd,
        {
            **_PORT,
            vol.Required(ATTR_CODE): cv.string,
            vol.Optional(ATTR_TIMEOUT, default=30): vol.All(
                vol.Coerce(float), vol.Range(min=1, max=180)
            ),
        },
        SupportsResponse.OPTIONAL,
    ),
    "cancel_ussd": (_cancel_ussd, _PORT, SupportsResponse.NONE),
    "stk_get_view": (_stk_get_view, _PORT, SupportsResponse.ONLY),
    "stk_select": (
        _stk_select,
        {
            **_PORT,
            vol.Exclusive("item", "choice"): vol.Coerce(int),
            vol.Exclusive("param", "choice"): cv.string,
            vol.Exclusive("action", "choice"): vol.In([a.value for a in StkAction]),
        },
        SupportsResponse.OPTIONAL,
    ),
    "set_port": (
        _set_port,
        {
            **_PORT,
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
            **_PORT,
            vol.Required("condition"): vol.In([c.value for c in CallForwardCondition]),
            vol.Optional("number"): cv.string,
        },
        SupportsResponse.NONE,
    ),
    "get_call_forwarding": (_get_call_forwarding, _PORT, SupportsResponse.ONLY),
    "get_call_records": (_get_call_records, {**_PORTS, **_TIMES}, SupportsResponse.ONLY),
    "get_sms_results": (
        _get_sms_results,
        {
            **_PORTS,
            **_TIMES,
            vol.Optional("number"): vol.All(cv.ensure_list, [cv.string]),
            vol.Optional("user_id"): vol.All(cv.ensure_list, [vol.Coerce(int)]),
        },
        SupportsResponse.ONLY,
    ),
    "get_delivery_reports": (
        _get_delivery_reports,
        {**_PORTS, **_TIMES, vol.Optional("number"): vol.All(cv.ensure_list, [cv.string])},
        SupportsResponse.ONLY,
    ),
}


@callback
def async_setup_port_services(hass: HomeAssistant) -> None:
    """Register the actions once for every gateway."""
    async_register_actions(hass, _ACTIONS)
