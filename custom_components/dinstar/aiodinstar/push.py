"""Parsing of the bodies a gateway pushes to its configured URL."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .enums import DevicePowerStatus, RegisterStatus
from .errors import DinstarPushError, DinstarResponseError
from .lenient_json import decode_json
from .models import CallRecord, DeliveryReport, IncomingSms, SmsResult, UssdReply
from .parsing import as_int, as_mapping, as_str, extra_fields, opt_int, opt_str

_REGISTER_FIELDS = frozenset({"port", "iccid", "imsi", "number", "status", "sequence", "slot"})
_DEVICE_FIELDS = frozenset({"port_number", "IP", "MAC", "status"})
_EXCEPTION_FIELDS = frozenset({"port", "type", "action"})


@dataclass(frozen=True, slots=True)
class SmsReceivedEvent:
    """An incoming SMS."""

    sms: IncomingSms


@dataclass(frozen=True, slots=True)
class SmsResultEvent:
    """A sending result."""

    result: SmsResult


@dataclass(frozen=True, slots=True)
class DeliveryReportEvent:
    """A delivery status report."""

    report: DeliveryReport


@dataclass(frozen=True, slots=True)
class UssdEvent:
    """A USSD reply."""

    reply: UssdReply


@dataclass(frozen=True, slots=True)
class RegisterEvent:
    """A SIM registered (``up``) or left (``down``)."""

    port: int
    status: RegisterStatus
    iccid: str | None
    imsi: str | None
    number: str | None
    sequence: int | None
    slot: int | None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CallRecordEvent:
    """An answered call's record."""

    record: CallRecord


@dataclass(frozen=True, slots=True)
class DeviceEvent:
    """The gateway powered on or off."""

    status: DevicePowerStatus
    port_number: int | None
    ip: str | None
    mac: str | None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PortExceptionEvent:
    """The gateway's exception handling acted on a port."""

    port: int
    type: str
    action: str
    extra: Mapping[str, Any] = field(default_factory=dict)


type PushEvent = (
    SmsReceivedEvent
    | SmsResultEvent
    | DeliveryReportEvent
    | UssdEvent
    | RegisterEvent
    | CallRecordEvent
    | DeviceEvent
    | PortExceptionEvent
)


@dataclass(frozen=True, slots=True)
class PushBatch:
    """One pushed body: the sender's serial, its events, and any keys no parser knows."""

    sn: str
    events: tuple[PushEvent, ...]
    unknown: Mapping[str, Any] = field(default_factory=dict)


def _register(item: Mapping[str, Any]) -> RegisterEvent:
    return RegisterEvent(
        port=as_int(item.get("port"), "register port"),
        status=RegisterStatus.parse(as_str(item.get("status"), "register status")),
        iccid=opt_str(item.get("iccid"), "register iccid"),
        imsi=opt_str(item.get("imsi"), "register imsi"),
        number=opt_str(item.get("number"), "register number"),
        sequence=opt_int(item.get("sequence"), "register sequence"),
        slot=opt_int(item.get("slot"), "register slot"),
        extra=extra_fields(item, _REGISTER_FIELDS),
    )


def _device(item: Mapping[str, Any]) -> DeviceEvent:
    return DeviceEvent(
        status=DevicePowerStatus.parse(as_str(item.get("status"), "device status")),
        port_number=opt_int(item.get("port_number"), "device port_number"),
        ip=opt_str(item.get("IP"), "device IP"),
        mac=opt_str(item.get("MAC"), "device MAC"),
        extra=extra_fields(item, _DEVICE_FIELDS),
    )


def _exception(item: Mapping[str, Any]) -> PortExceptionEvent:
    return PortExceptionEvent(
        port=as_int(item.get("port"), "exception port"),
        type=as_str(item.get("type"), "exception type"),
        action=as_str(item.get("action"), "exception action"),
        extra=extra_fields(item, _EXCEPTION_FIELDS),
    )


_ItemParser = Callable[[Any], PushEvent]
_PARSERS: dict[str, _ItemParser] = {
    "sms": lambda item: SmsReceivedEvent(IncomingSms.from_api(item)),
    "sms_result": lambda item: SmsResultEvent(SmsResult.from_api(item)),
    "sms_deliver_status": lambda item: DeliveryReportEvent(DeliveryReport.from_api(item)),
    "ussd": lambda item: UssdEvent(UssdReply.from_api(item)),
    "register": lambda item: _register(as_mapping(item, "register")),
    "cdr": lambda item: CallRecordEvent(CallRecord.from_api(item)),
    "device": lambda item: _device(as_mapping(item, "device")),
    "exception_info": lambda item: _exception(as_mapping(item, "exception_info")),
}
PUSH_KINDS = frozenset(_PARSERS)


def parse_push(body: str | bytes | Mapping[str, Any]) -> PushBatch:
    """Turn a pushed body into typed events.

    Several kinds may come in one body, each as one object or a list of them. Keys of no known
    kind are kept in ``unknown``; a body with no known kind at all, or one that breaks a
    known kind's shape, raises :class:`DinstarPushError` (and only that).
    """
    try:
        data = body if isinstance(body, Mapping) else decode_json(body)
        payload = as_mapping(data, "push body")
        sn = as_str(payload.get("sn"), "push sn")
        events: list[PushEvent] = []
        known = [kind for kind in _PARSERS if kind in payload]
        for kind in known:
            value, parser = payload[kind], _PARSERS[kind]
            events.extend(
                [parser(item) for item in value] if isinstance(value, list) else [parser(value)]
            )
    except DinstarPushError:
        raise
    except (DinstarResponseError, TypeError, ValueError, AttributeError) as err:
        raise DinstarPushError(str(err)) from err
    if not known:
        raise DinstarPushError("push body holds no known event kind")
    unknown = {
        key: value for key, value in payload.items() if key not in PUSH_KINDS and key != "sn"
    }
    return PushBatch(sn=sn, events=tuple(events), unknown=unknown)
