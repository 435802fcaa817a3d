"""The bus events the integration fires (``dinstar_*``): their names, fields and firing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final, assert_never

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr

from .aiodinstar import CallRecordEvent, DeviceEvent, IncomingSms, PortExceptionEvent, RegisterEvent
from .assist.policy import mask_pin
from .const import DOMAIN
from .devices import port_identifier

EVENT_SMS_RECEIVED: Final = "dinstar_sms_received"
EVENT_SMS_QUEUED: Final = "dinstar_sms_queued"
EVENT_SMS_SENT: Final = "dinstar_sms_sent"
EVENT_SMS_DELIVERY: Final = "dinstar_sms_delivery"
EVENT_SMS_FINAL: Final = "dinstar_sms_final"
EVENT_USSD_RECEIVED: Final = "dinstar_ussd_received"
EVENT_SIM_REGISTRATION: Final = "dinstar_sim_registration"
EVENT_CALL_RECORD: Final = "dinstar_call_record"
EVENT_DEVICE_POWER: Final = "dinstar_device_power"
EVENT_PORT_EXCEPTION: Final = "dinstar_port_exception"
EVENT_LOW_BALANCE: Final = "dinstar_low_balance"
EVENT_ASSIST_EXCHANGE: Final = "dinstar_assist_exchange"
EVENT_ASSIST_LIMIT: Final = "dinstar_assist_limit"
ALL_EVENTS: Final = (
    EVENT_SMS_RECEIVED,
    EVENT_SMS_QUEUED,
    EVENT_SMS_SENT,
    EVENT_SMS_DELIVERY,
    EVENT_SMS_FINAL,
    EVENT_USSD_RECEIVED,
    EVENT_SIM_REGISTRATION,
    EVENT_CALL_RECORD,
    EVENT_DEVICE_POWER,
    EVENT_PORT_EXCEPTION,
    EVENT_LOW_BALANCE,
    EVENT_ASSIST_EXCHANGE,
    EVENT_ASSIST_LIMIT,
)

type FireEvent = Callable[[str, int | None, dict[str, Any]], None]


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def sms_received_data(sms: IncomingSms, *, caught_up: bool, pin: str | None) -> dict[str, Any]:
    """Fields of a received SMS, its text with the Assist PIN (``pin``) masked.

    The event is recorded, shown and mirrored by entities: the PIN that starts an Assist
    message must reach none of them. ``caught_up``: read late, by the catch-up after Home
    Assistant started, an outage or a gateway restart, with no push announcing it.
    """
    return {
        "port": sms.port,
        "incoming_sms_id": sms.incoming_sms_id,
        "sender": sms.number,
        "text": mask_pin(sms.text, pin),
        "smsc": sms.smsc,
        "received_at": _time(sms.timestamp),
        "caught_up": caught_up,
    }


type DirectEvent = RegisterEvent | CallRecordEvent | DeviceEvent | PortExceptionEvent


def event_for(event: DirectEvent) -> tuple[str, int | None, dict[str, Any]]:
    """The event type, the port, and the fields of a pushed state change or call record.

    Received SMS go through the inbox (exactly once), sending results and delivery reports
    through the outbox (one event per message outcome), USSD replies through their sessions.
    """
    match event:
        case RegisterEvent():
            return (
                EVENT_SIM_REGISTRATION,
                event.port,
                {
                    "port": event.port,
                    "status": event.status.value,
                    "iccid": event.iccid,
                    "imsi": event.imsi,
                    "number": event.number,
                    "slot": event.slot,
                    "sequence": event.sequence,
                },
            )
        case CallRecordEvent(record=record):
            return (
                EVENT_CALL_RECORD,
                record.port,
                {
                    "port": record.port,
                    "start": _time(record.start_date),
                    "answer": _time(record.answer_date),
                    "duration": record.duration,
                    "caller": record.source_number,
                    "callee": record.destination_number,
                    "direction": record.direction,
                    "ip": record.ip,
                    "codec": record.codec,
                    "hangup": record.hangup,
                    "gsm_code": record.gsm_code,
                },
            )
        case DeviceEvent():
            return (
                EVENT_DEVICE_POWER,
                None,
                {
                    "status": event.status.value,
                    "ip": event.ip,
                    "mac": event.mac,
                    "port_count": event.port_number,
                },
            )
        case PortExceptionEvent():
            return (
                EVENT_PORT_EXCEPTION,
                event.port,
                {
                    "port": event.port,
                    "type": event.type,
                    "action": event.action,
                },
            )
    assert_never(event)


# Events of what the gateway sent: listed on the gateway's device page (its Activity card).
_GATEWAY_ACTIVITY: Final = frozenset({EVENT_SMS_SENT, EVENT_SMS_DELIVERY, EVENT_SMS_FINAL})


def event_firer(hass: HomeAssistant, entry: ConfigEntry) -> FireEvent:
    """Fire an entry's events, each naming the entry and the port's device.

    An event without a port, or of a port without a device, names the gateway's device; so do
    the outcomes of what it sent: the gateway's page lists its activity, the port is in the data.
    """
    serial = entry.unique_id or ""

    @callback
    def fire(event_type: str, port: int | None, data: dict[str, Any]) -> None:
        registry = dr.async_get(hass)
        device = None
        if port is not None and event_type not in _GATEWAY_ACTIVITY:
            device = registry.async_get_device_by_identifier(
                port_identifier(serial, port), entry.entry_id
            )
        if device is None:
            device = registry.async_get_device_by_identifier((DOMAIN, serial), entry.entry_id)
        hass.bus.async_fire(
            event_type,
            {"config_entry_id": entry.entry_id, "device_id": device.id if device else None, **data},
        )

    return fire
