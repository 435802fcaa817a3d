"""Actions: send SMS to any number of recipients, and stop a sending task."""

from __future__ import annotations

from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.helpers import config_validation as cv
import probatio as vol

from .action_helpers import gateway_failed, invalid_input, loaded_entry
from .aiodinstar import DinstarError, DinstarNotFoundError, SmsEncoding
from .const import DOMAIN
from .sending import async_send_sms

SERVICE_SEND_SMS = "send_sms"
SERVICE_STOP_SMS_TASK = "stop_sms_task"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_NUMBER = "number"
ATTR_MESSAGE = "message"
ATTR_PORT = "port"
ATTR_ENCODING = "encoding"
ATTR_STATUS_REPORT = "status_report"
ATTR_PARAMS = "params"
ATTR_TASK_ID = "task_id"
ENCODING_AUTO = "auto"
_ENCODINGS = {ENCODING_AUTO: None, "gsm_7bit": SmsEncoding.GSM_7BIT, "unicode": SmsEncoding.UNICODE}

SEND_SMS_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_NUMBER): vol.All(cv.ensure_list, [cv.string], vol.Length(min=1)),
        vol.Required(ATTR_MESSAGE): cv.string,
        vol.Optional(ATTR_PORT): vol.All(cv.ensure_list, [vol.Coerce(int)]),
        vol.Optional(ATTR_ENCODING, default=ENCODING_AUTO): vol.In(list(_ENCODINGS)),
        vol.Optional(ATTR_STATUS_REPORT, default=True): cv.boolean,
        vol.Optional(ATTR_PARAMS): {cv.string: vol.All(cv.ensure_list, [cv.string])},
    }
)
STOP_SMS_TASK_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_TASK_ID): vol.All(vol.Coerce(int), vol.Range(min=0)),
    }
)


async def _async_send_sms(call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    return await async_send_sms(
        entry,
        call.data[ATTR_NUMBER],
        call.data[ATTR_MESSAGE],
        ports=call.data.get(ATTR_PORT, []),
        encoding=_ENCODINGS[call.data[ATTR_ENCODING]],
        status_report=call.data[ATTR_STATUS_REPORT],
        params=call.data.get(ATTR_PARAMS, {}),
    )


async def _async_stop_sms_task(call: ServiceCall) -> None:
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    task_id: int = call.data[ATTR_TASK_ID]
    try:
        await entry.runtime_data.client.stop_sms(task_id)
    except DinstarNotFoundError as err:
        raise invalid_input("unknown_task", task_id=str(task_id)) from err
    except DinstarError as err:
        raise gateway_failed(err, SERVICE_STOP_SMS_TASK) from err


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions once for every gateway."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_SEND_SMS,
        _async_send_sms,
        schema=SEND_SMS_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_STOP_SMS_TASK, _async_stop_sms_task, schema=STOP_SMS_TASK_SCHEMA
    )
