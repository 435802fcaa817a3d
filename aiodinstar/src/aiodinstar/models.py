"""Typed results of the gateway's calls: nothing past the client's edge is a raw dict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from .enums import (
    CallState,
    NetworkType,
    RegistrationState,
    SmsStatus,
    StkInputType,
    UssdSendStatus,
)
from .parsing import as_int, as_list, as_mapping, as_str, opt_float, opt_int, opt_str, opt_time

NOT_MULTI_SIM_SLOT = 255
# The port's signal is on the 3GPP RSSI scale: 0 is -113 dBm or less, 31 is -51 dBm or more, 2 dB a step.
_SIGNAL_DBM_BASE = -113
_SIGNAL_MAX = 31
_STATES_WITH_SIM = frozenset(
    {
        RegistrationState.REGISTER_OK,
        RegistrationState.PIN_REQUIRE,
        RegistrationState.PUK_REQUIRE,
        RegistrationState.UNREGISTER,
        RegistrationState.SEARCHING_NETWORK,
    }
)


@dataclass(frozen=True, slots=True)
class SmsRecipient:
    """One number of a ``send_sms`` request, with its id and ``#param#`` values."""

    number: str
    user_id: int | None = None
    text_param: tuple[str, ...] = ()

    def to_api(self) -> dict[str, Any]:
        """Write the recipient as the request's ``param`` element."""
        item: dict[str, Any] = {"number": self.number}
        if self.text_param:
            item["text_param"] = list(self.text_param)
        if self.user_id is not None:
            item["user_id"] = self.user_id
        return item


@dataclass(frozen=True, slots=True)
class SendSmsResult:
    """What the gateway accepted: one task per request sent (several past 128 numbers)."""

    task_ids: tuple[int, ...]
    sms_in_queue: int


@dataclass(frozen=True, slots=True)
class SmsResult:
    """Sending state of one SMS, as queried or pushed."""

    port: int
    number: str
    user_id: int | None
    time: datetime | None
    status: SmsStatus
    count: int
    succ_count: int
    ref_id: int | None
    imsi: str | None

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read one element of ``result`` / ``sms_result``."""
        item = as_mapping(data, "sms result")
        return cls(
            port=as_int(item.get("port"), "sms result port"),
            number=as_str(item.get("number"), "sms result number"),
            user_id=opt_int(item.get("user_id"), "sms result user_id"),
            time=opt_time(item.get("time"), "sms result time"),
            status=SmsStatus.parse(as_str(item.get("status"), "sms result status")),
            count=opt_int(item.get("count"), "sms result count") or 0,
            succ_count=opt_int(item.get("succ_count"), "sms result succ_count") or 0,
            ref_id=opt_int(item.get("ref_id"), "sms result ref_id"),
            imsi=opt_str(item.get("imsi"), "sms result imsi"),
        )


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """A delivery status report for one SMS part."""

    port: int
    number: str
    time: datetime | None
    ref_id: int
    status_code: int
    imsi: str | None

    @property
    def delivered(self) -> bool:
        """The recipient's phone has the part."""
        return self.status_code == 0

    @property
    def temporary_error(self) -> bool:
        """The network is still trying (codes 32 to 63)."""
        return 32 <= self.status_code <= 63  # the spec's range

    @property
    def permanent_error(self) -> bool:
        """The part will never arrive (codes 64 to 255)."""
        return self.status_code >= 64  # the spec's range

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read one element of ``result`` / ``sms_deliver_status``."""
        item = as_mapping(data, "delivery report")
        return cls(
            port=as_int(item.get("port"), "delivery report port"),
            number=as_str(item.get("number"), "delivery report number"),
            time=opt_time(item.get("time"), "delivery report time"),
            ref_id=as_int(item.get("ref_id"), "delivery report ref_id"),
            status_code=as_int(item.get("status_code"), "delivery report status_code"),
            imsi=opt_str(item.get("imsi"), "delivery report imsi"),
        )


@dataclass(frozen=True, slots=True)
class IncomingSms:
    """A message the gateway received."""

    incoming_sms_id: int
    port: int
    number: str
    smsc: str
    timestamp: datetime | None
    text: str

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read one element of ``sms``."""
        item = as_mapping(data, "incoming sms")
        return cls(
            incoming_sms_id=as_int(item.get("incoming_sms_id"), "incoming_sms_id"),
            port=as_int(item.get("port"), "incoming sms port"),
            number=as_str(item.get("number"), "incoming sms number"),
            smsc=as_str(item.get("smsc"), "incoming sms smsc"),
            timestamp=opt_time(item.get("timestamp"), "incoming sms timestamp"),
            text=as_str(item.get("text"), "incoming sms text"),
        )


# The gateway's page of received messages (about 8 KB), and what a message's keys, id, port
# and timestamp take in it at most, written as JSON.
INCOMING_PAGE_BYTES = 8 * 1024
MESSAGE_OVERHEAD_BYTES = 160


@dataclass(frozen=True, slots=True)
class IncomingSmsPage:
    """One answer of ``query_incoming_sms`` with the gateway's read/unread counters."""

    messages: tuple[IncomingSms, ...]
    read: int | None
    unread: int | None

    @property
    def is_last(self) -> bool:
        r"""Whether no page can follow: this one is far from the gateway's page size.

        A gateway answers at most about 8 KB of messages at a time. Written as JSON, a
        message takes its fields' room and at most 6 bytes a character of text (``\uXXXX``);
        a page whose messages take under half the page size even so had room for one more,
        so there is none (a read for the empty page that would say so is saved).
        """
        worst = sum(
            MESSAGE_OVERHEAD_BYTES + len(sms.number) + len(sms.smsc) + 6 * len(sms.text)
            for sms in self.messages
        )
        return worst < INCOMING_PAGE_BYTES // 2


@dataclass(frozen=True, slots=True)
class UssdSendResult:
    """Per-port outcome of ``send_ussd``; an unlisted code is kept as an int."""

    port: int
    status: UssdSendStatus | int

    @property
    def sent(self) -> bool:
        """The code went out on this port."""
        return self.status == UssdSendStatus.SENT

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read one element of ``result``; firmware writes ``Port``/``Status`` too."""
        item = {key.lower(): value for key, value in as_mapping(data, "ussd result").items()}
        code = as_int(item.get("status"), "ussd result status")
        status: UssdSendStatus | int = (
            UssdSendStatus(code) if code in UssdSendStatus._value2member_map_ else code
        )
        return cls(port=as_int(item.get("port"), "ussd result port"), status=status)


@dataclass(frozen=True, slots=True)
class UssdReply:
    """The network's USSD answer on a port; empty while none has come."""

    port: int
    text: str

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read one element of ``reply`` / ``ussd``."""
        item = as_mapping(data, "ussd reply")
        return cls(
            port=as_int(item.get("port"), "ussd reply port"),
            text=as_str(item.get("text"), "ussd reply text"),
        )


@dataclass(frozen=True, slots=True)
class CallRecord:
    """A call detail record."""

    port: int
    start_date: datetime | None
    answer_date: datetime | None
    duration: int | None
    source_number: str
    destination_number: str
    direction: str
    ip: str
    codec: str
    hangup: str
    gsm_code: int | None
    bcch: str

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read one element of ``cdr`` (or ``info`` on some firmware)."""
        item = as_mapping(data, "call record")
        return cls(
            port=as_int(item.get("port"), "cdr port"),
            start_date=opt_time(item.get("start_date"), "cdr start_date"),
            answer_date=opt_time(item.get("answer_date"), "cdr answer_date"),
            duration=opt_int(item.get("duration"), "cdr duration"),
            source_number=as_str(item.get("source_number"), "cdr source_number"),
            destination_number=as_str(item.get("destination_number"), "cdr destination"),
            direction=as_str(item.get("direction"), "cdr direction"),
            ip=as_str(item.get("ip"), "cdr ip"),
            codec=as_str(item.get("codec"), "cdr codec"),
            hangup=as_str(item.get("hangup"), "cdr hangup"),
            gsm_code=opt_int(item.get("gsm_code"), "cdr gsm_code"),
            bcch=as_str(item.get("bcch", item.get("bech")), "cdr bcch"),
        )


@dataclass(frozen=True, slots=True)
class PortInfo:
    """What ``get_port_info`` told of one port; fields not asked for are ``None``."""

    port: int
    network_type: NetworkType | None = None
    imei: str | None = None
    imsi: str | None = None
    iccid: str | None = None
    smsc: str | None = None
    number: str | None = None
    registration: RegistrationState | None = None
    slot: int | None = None
    call_state: CallState | None = None
    signal: int | None = None
    gprs_attached: bool | None = None
    remain_credit: float | None = None
    remain_monthly_credit: float | None = None
    remain_daily_credit: float | None = None
    remain_daily_call_time: int | None = None
    remain_hourly_call_time: int | None = None
    remain_daily_connected: int | None = None
    call_forwarding: Mapping[str, str] | None = None

    @property
    def has_sim(self) -> bool:
        """A SIM sits in the port, as far as the fields asked for tell."""
        return bool(self.imsi or self.iccid) or self.registration in _STATES_WITH_SIM

    @property
    def signal_dbm(self) -> int | None:
        """The signal in dBm (the spec's 0-31 scale); ``None`` when unknown."""
        if self.signal is None or not 0 <= self.signal <= _SIGNAL_MAX:
            return None
        return _SIGNAL_DBM_BASE + 2 * self.signal

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read one element of ``info``, taking the table's and the example's spellings."""
        item = as_mapping(data, "port info")

        def pick(*names: str) -> Any:
            return next((item[name] for name in names if name in item), None)

        reg = pick("reg")
        kind = pick("type")
        call_state = pick("callstate")
        gprs = pick("gprs")
        slot = opt_int(pick("slot"), "port slot")
        forwarding = pick("CallForwarding", "CallForward")
        return cls(
            port=as_int(item.get("port"), "port info port"),
            network_type=None if kind is None else NetworkType.parse(as_str(kind, "type")),
            imei=opt_str(pick("imei"), "imei"),
            imsi=opt_str(pick("imsi"), "imsi"),
            iccid=opt_str(pick("iccid"), "iccid"),
            smsc=opt_str(pick("smsc"), "smsc"),
            number=opt_str(pick("number"), "number"),
            registration=None if reg is None else RegistrationState.parse(as_str(reg, "reg")),
            slot=None if slot == NOT_MULTI_SIM_SLOT else slot,
            call_state=(
                None if call_state is None else CallState.parse(as_str(call_state, "callstate"))
            ),
            signal=opt_int(pick("signal"), "signal"),
            gprs_attached=None if gprs is None else as_str(gprs, "gprs").lower() == "attached",
            remain_credit=opt_float(pick("remain_credit"), "remain_credit"),
            remain_monthly_credit=opt_float(pick("remain_monthly_credit"), "monthly credit"),
            remain_daily_credit=opt_float(pick("remain_daily_credit"), "daily credit"),
            remain_daily_call_time=opt_int(
                pick("remain_daily_call_time", "remain_daily_calltime"), "daily call time"
            ),
            remain_hourly_call_time=opt_int(
                pick("remain_hourly_call_time", "remain_hourly_calltime"), "hourly call time"
            ),
            remain_daily_connected=opt_int(
                pick("remain_daily_connected", "remain_daily_connect"), "daily connections"
            ),
            call_forwarding=(
                None
                if forwarding is None
                else {
                    str(key): as_str(value, "call forwarding")
                    for key, value in as_mapping(forwarding, "CallForwarding").items()
                }
            ),
        )


@dataclass(frozen=True, slots=True)
class StkItem:
    """One entry of a SIM Toolkit menu."""

    item_id: int
    item_string: str


@dataclass(frozen=True, slots=True)
class StkView:
    """The SIM Toolkit screen a port shows."""

    title: str
    text: str
    input_type: StkInputType | int
    frame_id: int
    items: tuple[StkItem, ...] = field(default_factory=tuple)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read ``GetSTKView``'s answer (``input_type`` may come as a string)."""
        item = as_mapping(data, "stk view")
        code = as_int(item.get("input_type", 0), "stk input_type")
        return cls(
            title=as_str(item.get("title"), "stk title"),
            text=as_str(item.get("text"), "stk text"),
            input_type=(StkInputType(code) if code in StkInputType._value2member_map_ else code),
            frame_id=as_int(item.get("frame_id"), "stk frame_id"),
            items=tuple(
                StkItem(
                    item_id=as_int(as_mapping(entry, "stk item").get("item_id"), "item_id"),
                    item_string=as_str(entry.get("item_string"), "item_string"),
                )
                for entry in as_list(item.get("item"), "stk items")
            ),
        )


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """The gateway's load: CPU in percent, sizes in kB."""

    cpu_used: float | None
    flash_total: int | None
    flash_used: int | None
    memory_total: int | None
    memory_cached: int | None
    memory_buffers: int | None
    memory_free: int | None
    memory_used: int | None

    @property
    def memory_used_percent(self) -> float | None:
        """Memory in use, as a share of the total."""
        return _percent(self.memory_used, self.memory_total)

    @property
    def flash_used_percent(self) -> float | None:
        """Flash in use, as a share of the total."""
        return _percent(self.flash_used, self.flash_total)

    @classmethod
    def from_api(cls, data: Any) -> Self:
        """Read ``get_status``'s ``performance`` object."""
        item = as_mapping(as_mapping(data, "status").get("performance"), "performance")
        return cls(
            cpu_used=opt_float(item.get("cpu_used"), "cpu_used"),
            **{
                name: opt_int(item.get(name), name)
                for name in (
                    "flash_total",
                    "flash_used",
                    "memory_total",
                    "memory_cached",
                    "memory_buffers",
                    "memory_free",
                    "memory_used",
                )
            },
        )


def _percent(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


@dataclass(frozen=True, slots=True)
class MmsConfiguration:
    """A port's MMS settings."""

    apn: str
    mmsc: str
    username: str = ""
    password: str = ""
    mms_proxy: str = ""
    mms_port: str = ""

    def to_api(self) -> dict[str, str]:
        """Write the ``configuration`` object."""
        return {
            "APN": self.apn,
            "username": self.username,
            "password": self.password,
            "MMSC": self.mmsc,
            "MMS_proxy": self.mms_proxy,
            "MMS_port": self.mms_port,
        }
