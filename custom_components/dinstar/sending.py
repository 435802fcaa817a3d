"""Sending one text to many numbers: checks, user_ids, encoding, tracking."""

from __future__ import annotations

import time
from typing import Any

from homeassistant.core import HomeAssistant

from .aiodinstar import DinstarValidationError, SmsEncoding, SmsRecipient, fits_gsm_7bit, plan_sms
from .aiodinstar.limits import MAX_TEXT_BYTES, check_number
from .errors import gateway_errors, invalid_input
from .runtime import DinstarConfigEntry
from .tracking import TrackedSms


def _check_recipients(numbers: list[str]) -> None:
    for number in numbers:
        try:
            check_number(number)
        except DinstarValidationError:
            raise invalid_input("invalid_number", number=number) from None


async def async_send_sms(  # noqa: PLR0913 - the action's fields
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    numbers: list[str],
    message: str,
    *,
    ports: list[int],
    encoding: SmsEncoding | None,
    status_report: bool,
    params: dict[str, list[str]],
) -> dict[str, Any]:
    """Check, number, send and follow one text to every recipient; the action's response.

    ``encoding`` ``None`` is automatic: one request carries one encoding, so GSM 7-bit only if
    every text fits it (the gateway's own default would be unicode, at less than half the
    characters a part).
    """
    runtime = entry.runtime_data
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
    encoding = encoding or (
        SmsEncoding.GSM_7BIT if all(fits_gsm_7bit(text) for text in texts) else SmsEncoding.UNICODE
    )
    with gateway_errors(hass, entry, "send_sms"):
        result = await runtime.client.send_sms(
            message,
            recipients,
            ports=ports,
            encoding=encoding,
            request_status_report=status_report,
        )
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
                wants_report=status_report,
            )
            for recipient, user_id, count in zip(recipients, user_ids, parts, strict=True)
        ]
    )
    return {
        "task_ids": list(result.task_ids),
        "sms_in_queue": result.sms_in_queue,
        # Spelled as the action's encoding field takes it, not as the gateway does.
        "encoding": encoding.name.lower(),
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
