"""Actions: send SMS to any number of recipients, and stop a sending task."""

from __future__ import annotations

import time

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
from .api import (
    DinstarApiError,
    DinstarError,
    DinstarValidationError,
    SmsEncoding,
    SmsRecipient,
    fits_gsm_7bit,
    plan_sms,
)
from .api.limits import MAX_TEXT_BYTES, check_number
from .const import DOMAIN
from .tracking import TrackedSms

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
_HTTP_NOT_FOUND = 404

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


def _check_recipients(numbers: list[str]) -> None:
    for number in numbers:
        try:
            check_number(number)
        except DinstarValidationError:
            raise invalid_input("invalid_number", number=number) from None


async def _async_send_sms(call: ServiceCall) -> ServiceResponse:
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    runtime = entry.runtime_data
    numbers: list[str] = call.data[ATTR_NUMBER]
    message: str = call.data[ATTR_MESSAGE]
    ports: list[int] = call.data.get(ATTR_PORT, [])
    params: dict[str, list[str]] = call.data.get(ATTR_PARAMS, {})
    _check_recipients(numbers)
    if len(message.encode()) > MAX_TEXT_BYTES:
        raise invalid_input("message_too_long", limit=str(MAX_TEXT_BYTES))
    if unknown := sorted(set(ports) - set(runtime.coordinator.data.ports)):
        raise invalid_input("invalid_port", port=", ".join(map(str, unknown)))
    if stray := sorted(set(params) - set(numbers)):
        raise invalid_input("params_without_number", number=", ".join(stray))
    user_ids = await runtime.user_ids.async_allocate(len(numbers))
    recipients = [
        SmsRecipient(number, user_id, tuple(params.get(number, ())))
        for number, user_id in zip(numbers, user_ids, strict=True)
    ]
    texts = [_filled(message, recipient.text_param) for recipient in recipients]
    # One request carries one encoding: "auto" is GSM 7-bit only if every text fits it (the
    # gateway's own default would be unicode, at less than half the characters a part).
    encoding = _ENCODINGS[call.data[ATTR_ENCODING]] or (
        SmsEncoding.GSM_7BIT if all(fits_gsm_7bit(text) for text in texts) else SmsEncoding.UNICODE
    )
    try:
        result = await runtime.client.send_sms(
            message,
            recipients,
            ports=ports,
            encoding=encoding,
            request_status_report=call.data[ATTR_STATUS_REPORT],
        )
    except DinstarError as err:
        raise gateway_failed(err, SERVICE_SEND_SMS) from err
    runtime.coordinator.queue_may_have_messages = True
    parts = [plan_sms(text, encoding).parts for text in texts]
    sent_at = time.time()
    runtime.outbox.async_track(
        [
            TrackedSms(
                user_id=user_id,
                number=recipient.number,
                created=sent_at,
                parts=count,
                wants_report=call.data[ATTR_STATUS_REPORT],
            )
            for recipient, user_id, count in zip(recipients, user_ids, parts, strict=True)
        ]
    )
    return {
        "task_ids": list(result.task_ids),
        "sms_in_queue": result.sms_in_queue,
        "encoding": encoding.value,
        "messages": [
            {
                "number": recipient.number,
                "user_id": recipient.user_id,
                "parts": count,
            }
            for recipient, count in zip(recipients, parts, strict=True)
        ],
    }


def _filled(text: str, values: tuple[str, ...]) -> str:
    for value in values:
        text = text.replace("#param#", value, 1)
    return text


async def _async_stop_sms_task(call: ServiceCall) -> None:
    entry = loaded_entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    task_id: int = call.data[ATTR_TASK_ID]
    try:
        await entry.runtime_data.client.stop_sms(task_id)
    except DinstarApiError as err:
        if err.error_code == _HTTP_NOT_FOUND:
            raise invalid_input("unknown_task", task_id=str(task_id)) from err
        raise gateway_failed(err, SERVICE_STOP_SMS_TASK) from err
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
