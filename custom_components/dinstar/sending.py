"""Sending one text to many numbers: checks, user_ids, encoding, tracking.

One call takes at most :data:`MAX_RECIPIENTS_PER_CALL` numbers. The gateway takes 128 a
request; when a later request fails, the numbers of the earlier ones are on their way: they
are followed like any sent message, and the error names the numbers that did not go (also
logged), so that only those are sent again.
"""

from __future__ import annotations

import time
from typing import Any

from homeassistant.core import HomeAssistant

from .aiodinstar import (
    MAX_TEXT_BYTES,
    DinstarPartialSendError,
    DinstarValidationError,
    SmsEncoding,
    SmsRecipient,
    TrackedSms,
    check_number,
    fits_gsm_7bit,
    normalize_number,
    plan_sms,
)
from .bus_events import EVENT_SMS_QUEUED, event_firer
from .const import LOGGER
from .errors import gateway_error, gateway_errors, invalid_input, unknown_port
from .runtime import DinstarConfigEntry

# A bound on one action call, not the gateway's: about eight requests, some minutes of air
# time per port; a list longer than this is more likely a template gone wrong than a plan.
MAX_RECIPIENTS_PER_CALL = 1000


def clean_recipients(numbers: list[str]) -> list[str]:
    """The numbers as the gateway takes them, or a translated error quoting the first it would not.

    A list editor easily leaves an empty row: it is skipped. Numbers are written as people
    write them ("+49 (0)30 123-45.67"), so spaces, dashes, dots and brackets are dropped. A
    number listed twice, however written, is refused: sending it twice costs twice, and
    sending it once would hide a list built wrong (a template filling the same contact twice).
    """
    cleaned: dict[str, str] = {}
    for number in numbers:
        if not number.strip():
            continue
        try:
            gateway_number = check_number(normalize_number(number.strip()))
        except DinstarValidationError:
            raise invalid_input("invalid_number", number=number.strip()) from None
        if gateway_number in cleaned:
            raise invalid_input(
                "number_listed_twice", number=number.strip(), first=cleaned[gateway_number]
            )
        cleaned[gateway_number] = number.strip()
    if not cleaned:
        raise invalid_input("no_target")
    return list(cleaned)


def check_request(
    entry: DinstarConfigEntry,
    numbers: list[str],
    message: str,
    *,
    ports: list[int],
    params: dict[str, list[str]],
) -> tuple[list[str], dict[str, list[str]]]:
    """The numbers and their ``#param#`` values as sent, or a translated error naming the input."""
    if not message.strip():
        raise invalid_input("empty_message")
    if len(numbers) > MAX_RECIPIENTS_PER_CALL:
        raise invalid_input(
            "too_many_recipients", count=str(len(numbers)), limit=str(MAX_RECIPIENTS_PER_CALL)
        )
    numbers = clean_recipients(numbers)
    params = {normalize_number(number.strip()): values for number, values in params.items()}
    if len(message.encode()) > MAX_TEXT_BYTES:
        raise invalid_input("message_too_long", limit=str(MAX_TEXT_BYTES))
    gateway_ports = entry.runtime_data.coordinator.data.ports
    if unknown := sorted(set(ports) - set(gateway_ports)):
        raise unknown_port("port", ", ".join(map(str, unknown)), gateway_ports)
    if stray := sorted(set(params) - set(numbers)):
        raise invalid_input("params_without_number", number=", ".join(stray))
    return numbers, params


async def async_send_sms(
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
    numbers, params = check_request(entry, numbers, message, ports=ports, params=params)
    user_ids = await runtime.user_ids.async_allocate(len(numbers))
    recipients = [
        SmsRecipient(number, user_id, tuple(params.get(number, ())))
        for number, user_id in zip(numbers, user_ids, strict=True)
    ]
    texts = [filled(message, recipient.text_param) for recipient in recipients]
    encoding = encoding or (
        SmsEncoding.GSM_7BIT if all(fits_gsm_7bit(text) for text in texts) else SmsEncoding.UNICODE
    )
    parts = [plan_sms(text, encoding).parts for text in texts]
    sent_at = time.time()
    planned = [
        TrackedSms(user_id, number, sent_at, parts=count, wants_report=status_report)
        for number, user_id, count in zip(numbers, user_ids, parts, strict=True)
    ]
    with gateway_errors(hass, entry, "send_sms"):
        try:
            result = await runtime.client.send_sms(
                message,
                recipients,
                ports=ports,
                encoding=encoding,
                request_status_report=status_report,
            )
        except DinstarPartialSendError as err:
            _track(hass, entry, planned[: err.accepted], texts, ports)
            LOGGER.warning(
                "The gateway accepted %s SMS, then failed (%s); not sent to: %s",
                err.accepted,
                err.__cause__,
                ", ".join(err.not_sent),
            )
            raise gateway_error(
                "partial_send",
                sent=str(err.accepted),
                failed=str(len(err.not_sent)),
                numbers=", ".join(err.not_sent),
            ) from err
    _track(hass, entry, planned, texts, ports)
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


def _track(
    hass: HomeAssistant,
    entry: DinstarConfigEntry,
    accepted: list[TrackedSms],
    texts: list[str],
    ports: list[int],
) -> None:
    """Follow what the gateway accepted to its outcome; its queue is worth reading again.

    Each accepted message is told as queued, with its text: the outcome events that follow
    carry only its user_id. The port is known now only when one was asked for.
    """
    entry.runtime_data.coordinator.queue_may_have_messages = True
    entry.runtime_data.outbox.async_track(accepted)
    fire = event_firer(hass, entry)
    port = ports[0] if len(ports) == 1 else None
    for sms, text in zip(accepted, texts, strict=False):
        fire(
            EVENT_SMS_QUEUED,
            port,
            {
                "number": sms.number,
                "user_id": sms.user_id,
                "port": port,
                "parts": sms.parts,
                "text": text,
            },
        )


async def async_send_attempt(
    entry: DinstarConfigEntry,
    number: str,
    text: str,
    *,
    port: int,
    user_id: int,
    encoding: SmsEncoding | None,
    status_report: bool,
) -> int:
    """One text to one number from one port, followed to its outcome; its parts.

    The failover pool's request: the caller chose the port and stored the attempt first, and
    handles the client's errors itself (a refused attempt is one more reason to go on).
    """
    encoding = encoding or (SmsEncoding.GSM_7BIT if fits_gsm_7bit(text) else SmsEncoding.UNICODE)
    parts = plan_sms(text, encoding).parts
    tracked = TrackedSms(user_id, number, time.time(), parts=parts, wants_report=status_report)
    await entry.runtime_data.client.send_sms(
        text,
        [SmsRecipient(number, user_id)],
        ports=[port],
        encoding=encoding,
        request_status_report=status_report,
    )
    # Queued with its text, as every message is (the Messages panel shows what was sent).
    _track(entry.runtime_data.coordinator.hass, entry, [tracked], [text], [port])
    return parts


def filled(text: str, values: tuple[str, ...]) -> str:
    """The text with each ``#param#`` replaced by the next value."""
    for value in values:
        text = text.replace("#param#", value, 1)
    return text


async def async_send_reply(
    hass: HomeAssistant, entry: DinstarConfigEntry, number: str, text: str, port: int
) -> None:
    """Answer one number from the port its message came in on (Assist by SMS)."""
    await async_send_sms(
        hass, entry, [number], text, ports=[port], encoding=None, status_report=False, params={}
    )
