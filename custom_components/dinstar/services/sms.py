"""Actions on SMS: send to any number of recipients, stop a sending task."""

from __future__ import annotations

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
import probatio as vol

from custom_components.dinstar.aiodinstar import DinstarNotFoundError, SmsEncoding
from custom_components.dinstar.errors import invalid_input, unknown_port
from custom_components.dinstar.failover.pool import DEFAULT_ATTEMPTS, DEFAULT_CONFIRM_WITHIN
from custom_components.dinstar.failover.send import (
    CONF_CONFIG_ENTRY_ID,
    CONF_PORT,
    POOL_ALL,
    async_send_pooled,
    pool_members,
)
from custom_components.dinstar.runtime import DinstarConfigEntry
from custom_components.dinstar.sending import async_send_sms

from .common import ATTR_PORT, ActionTable, check_in_range

ATTR_NUMBER = "number"
ATTR_MESSAGE = "message"
ATTR_ENCODING = "encoding"
ATTR_STATUS_REPORT = "status_report"
ATTR_PARAMS = "params"
ATTR_TASK_ID = "task_id"
ATTR_POOL = "pool"
ATTR_WAIT = "wait"
ATTR_TIMEOUT = "timeout"
ATTR_ATTEMPTS = "attempts"
ATTR_CONFIRM_WITHIN = "confirm_within"
_FAILOVER_FIELDS = (ATTR_POOL, ATTR_WAIT, ATTR_TIMEOUT, ATTR_ATTEMPTS, ATTR_CONFIRM_WITHIN)
WAIT_NONE, WAIT_SENT, WAIT_DELIVERED = "none", "sent", "delivered"
_WAITS = (WAIT_NONE, WAIT_SENT, WAIT_DELIVERED)
DEFAULT_WAIT_TIMEOUT = 300
MAX_WAIT = 3600
MAX_ATTEMPTS = 10
# Below this a working port's outcome may not have come yet: its retry would likely go twice.
MIN_CONFIRM = 10
_POOL_MEMBER = vol.Any(
    cv.string,
    {
        vol.Required(CONF_CONFIG_ENTRY_ID): cv.string,
        vol.Optional(CONF_PORT): vol.All(cv.ensure_list, [vol.Coerce(int)]),
    },
)
ENCODING_AUTO = "auto"
_ENCODINGS = {ENCODING_AUTO: None, "gsm_7bit": SmsEncoding.GSM_7BIT, "unicode": SmsEncoding.UNICODE}


async def _send_sms(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    if any(name in call.data for name in _FAILOVER_FIELDS):
        return await _send_through_pool(call, entry)
    return await async_send_sms(
        call.hass,
        entry,
        call.data[ATTR_NUMBER],
        call.data[ATTR_MESSAGE],
        ports=call.data.get(ATTR_PORT, []),
        encoding=_ENCODINGS[call.data[ATTR_ENCODING]],
        status_report=call.data[ATTR_STATUS_REPORT],
        params=call.data.get(ATTR_PARAMS, {}),
    )


async def _send_through_pool(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    """A send that fails over: any failover field names a pool (at least ``entry``'s ports)."""
    ports: list[int] = call.data.get(ATTR_PORT, [])
    wait: str = call.data.get(ATTR_WAIT, WAIT_NONE)
    if wait not in _WAITS:
        raise invalid_input(
            "field_not_a_choice", field=ATTR_WAIT, value=wait, choices=", ".join(_WAITS)
        )
    status_report: bool = call.data[ATTR_STATUS_REPORT]
    if wait == WAIT_DELIVERED and not status_report:
        raise invalid_input("wait_needs_report")
    gateway_ports = entry.runtime_data.coordinator.data.ports
    if unknown := sorted(set(ports) - set(gateway_ports)):
        raise unknown_port(ATTR_PORT, ", ".join(map(str, unknown)), gateway_ports)
    return await async_send_pooled(
        call.hass,
        entry,
        call.data[ATTR_NUMBER],
        call.data[ATTR_MESSAGE],
        members=pool_members(call.hass, entry, call.data.get(ATTR_POOL)),
        preferred=(entry.entry_id, ports[0]) if ports else None,
        encoding=_ENCODINGS[call.data[ATTR_ENCODING]],
        status_report=status_report,
        params=call.data.get(ATTR_PARAMS, {}),
        wait=None if wait == WAIT_NONE else wait,
        wait_seconds=check_in_range(
            ATTR_TIMEOUT, call.data.get(ATTR_TIMEOUT, DEFAULT_WAIT_TIMEOUT), 1, MAX_WAIT
        ),
        attempts=check_in_range(
            ATTR_ATTEMPTS, call.data.get(ATTR_ATTEMPTS, DEFAULT_ATTEMPTS), 1, MAX_ATTEMPTS
        ),
        confirm_within=check_in_range(
            ATTR_CONFIRM_WITHIN,
            call.data.get(ATTR_CONFIRM_WITHIN, int(DEFAULT_CONFIRM_WITHIN)),
            MIN_CONFIRM,
            MAX_WAIT,
        ),
    )


async def _stop_sms_task(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    task_id: int = call.data[ATTR_TASK_ID]
    try:
        await entry.runtime_data.client.stop_sms(task_id)
    except DinstarNotFoundError as err:
        raise invalid_input("unknown_task", task_id=str(task_id)) from err
    return None


SMS_ACTIONS: ActionTable = {
    "send_sms": (
        _send_sms,
        {
            vol.Required(ATTR_NUMBER): vol.All(cv.ensure_list, [cv.string], vol.Length(min=1)),
            vol.Required(ATTR_MESSAGE): cv.string,
            vol.Optional(ATTR_PORT): vol.All(cv.ensure_list, [vol.Coerce(int)]),
            vol.Optional(ATTR_ENCODING, default=ENCODING_AUTO): vol.In(list(_ENCODINGS)),
            vol.Optional(ATTR_STATUS_REPORT, default=True): cv.boolean,
            vol.Optional(ATTR_PARAMS): {cv.string: vol.All(cv.ensure_list, [cv.string])},
            vol.Optional(ATTR_POOL): vol.Any(
                POOL_ALL, vol.All(cv.ensure_list, [_POOL_MEMBER], vol.Length(min=1))
            ),
            # Checked in the handler, so that a wrong word is named in the error.
            vol.Optional(ATTR_WAIT): cv.string,
            # Without defaults: a field given is what turns failover on.
            vol.Optional(ATTR_TIMEOUT): vol.Coerce(int),
            vol.Optional(ATTR_ATTEMPTS): vol.Coerce(int),
            vol.Optional(ATTR_CONFIRM_WITHIN): vol.Coerce(int),
        },
        SupportsResponse.OPTIONAL,
    ),
    "stop_sms_task": (
        _stop_sms_task,
        {vol.Required(ATTR_TASK_ID): vol.All(vol.Coerce(int), vol.Range(min=0))},
        SupportsResponse.NONE,
    ),
}
