"""Actions on SMS: send to any number of recipients, stop a sending task."""

from __future__ import annotations

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
import probatio as vol

from custom_components.dinstar.aiodinstar import DinstarNotFoundError, SmsEncoding
from custom_components.dinstar.errors import invalid_input
from custom_components.dinstar.runtime import DinstarConfigEntry
from custom_components.dinstar.sending import async_send_sms

from .common import ATTR_PORT, ActionTable

ATTR_NUMBER = "number"
ATTR_MESSAGE = "message"
ATTR_ENCODING = "encoding"
ATTR_STATUS_REPORT = "status_report"
ATTR_PARAMS = "params"
ATTR_TASK_ID = "task_id"
ENCODING_AUTO = "auto"
_ENCODINGS = {ENCODING_AUTO: None, "gsm_7bit": SmsEncoding.GSM_7BIT, "unicode": SmsEncoding.UNICODE}


async def _send_sms(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
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
        },
        SupportsResponse.OPTIONAL,
    ),
    "stop_sms_task": (
        _stop_sms_task,
        {vol.Required(ATTR_TASK_ID): vol.All(vol.Coerce(int), vol.Range(min=0))},
        SupportsResponse.NONE,
    ),
}
