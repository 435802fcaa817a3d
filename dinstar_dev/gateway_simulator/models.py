"""What the gateway keeps: SIMs, ports, messages, and the run-time fault switches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .stk import StkSession

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
NOT_MULTI_SIM = 255
REGISTER_OK = "REGISTER_OK"
REGISTRATION_STATES = (
    "POWER_OFF",
    "NO_SIM",
    "PIN_REQUIRE",
    "PUK_REQUIRE",
    "UNREGISTER",
    "SEARCHING_NETWORK",
    REGISTER_OK,
    "UNKNOWN",
)
# Spellings of "registered" seen on real firmware: the port works the same with each.
REGISTERED_SPELLINGS = frozenset({REGISTER_OK, "REGISTERED", "Mobile Registered"})
CALL_STATES = (
    "Idle",
    "Processing",
    "Ringing",
    "Active",
    "Alerting",
    "Call Waiting",
    "Call holding",
    "Unknown",
)
FORWARD_CONDITIONS = ("Unconditional", "NoReply", "Busy", "Not_Reachable")


def now_text() -> str:
    """The gateway's local time, without a zone, as it writes it."""
    return datetime.now().strftime(TIME_FORMAT)  # noqa: DTZ005 - the gateway has no zone


@dataclass(slots=True)
class Sim:
    """A SIM card."""

    imsi: str
    iccid: str
    number: str
    smsc: str
    pin: str = "1234"
    blocked: bool = False
    locked: bool = False


@dataclass(slots=True)
class Port:
    """One GSM/LTE module with its SIM (or none)."""

    index: int
    type: str
    imei: str
    sim: Sim | None
    powered: bool = True
    reg: str = REGISTER_OK
    callstate: str = "Idle"
    signal: int = 20
    gprs: str = "attached"
    slot: int = NOT_MULTI_SIM
    remain_credit: str = "1000.00"
    remain_monthly_credit: str = "500.00"
    remain_daily_credit: str = "300.00"
    remain_daily_call_time: str = "100"
    remain_hourly_call_time: str = "10"
    remain_daily_connected: str = "100"
    call_forward_set: dict[str, str] = field(default_factory=dict)
    call_forward_checked: dict[str, str] | None = None
    next_ref_id: int = 0
    ussd_reply: str = ""
    ussd_pending: bool = False
    # The network's answer to each USSD code, where it is not the default balance sentence.
    ussd_replies: dict[str, str] = field(default_factory=dict)
    # Some operators answer a balance code by SMS from this sender, not in the USSD reply.
    ussd_reply_sender: str | None = None
    # Codes the network answers with a numbered menu: the session stays open for a choice,
    # and the next code sent is taken as that choice until the session is cancelled.
    ussd_menus: dict[str, str] = field(default_factory=dict)
    ussd_menu_open: bool = False
    sending_sms: bool = False  # a message is on the air: USSD answers 486 meanwhile
    socks: bool = False
    mms_config: dict[str, Any] | None = None
    stk: StkSession = field(default_factory=StkSession)
    register_sequence: int = 0
    # Bumped by each new USSD session (or cancel) and each network search: a background reply
    # or search answers only while its number is still the current one.
    ussd_session: int = 0
    search_session: int = 0

    @property
    def registered(self) -> bool:
        """Ready to send and receive."""
        return (
            self.powered
            and self.sim is not None
            and not self.sim.blocked
            and self.reg in REGISTERED_SPELLINGS
        )

    def take_ref_ids(self, count: int) -> int:
        """Reserve one reference per part; return the first (they wrap past 255)."""
        first = self.next_ref_id
        self.next_ref_id = (self.next_ref_id + count) % 256
        return first

    def info(self, name: str) -> Any:
        """One info_type of get_port_info, with the example's spellings."""
        sim = self.sim
        values: dict[str, Any] = {
            "type": self.type,
            "imei": self.imei,
            "imsi": sim.imsi if sim else "",
            "iccid": sim.iccid if sim else "",
            "smsc": sim.smsc if sim else "",
            "number": sim.number if sim else "",
            "reg": self.reg,
            "slot": self.slot,
            "callstate": self.callstate,
            "signal": self.signal if self.registered else 0,
            "gprs": self.gprs if self.registered else "detached",
            "remain_credit": self.remain_credit,
            "remain_monthly_credit": self.remain_monthly_credit,
            "remain_daily_credit": self.remain_daily_credit,
            "remain_daily_call_time": self.remain_daily_call_time,
            "remain_hourly_call_time": self.remain_hourly_call_time,
            "remain_daily_connected": self.remain_daily_connected,
        }
        return values[name]

    def as_json(self) -> dict[str, Any]:
        """The port for the control API."""
        sim = self.sim
        return {
            "port": self.index,
            "type": self.type,
            "imei": self.imei,
            "sim": None
            if sim is None
            else {
                "imsi": sim.imsi,
                "iccid": sim.iccid,
                "number": sim.number,
                "smsc": sim.smsc,
                "blocked": sim.blocked,
                "locked": sim.locked,
            },
            "powered": self.powered,
            "reg": self.reg,
            "registered": self.registered,
            "callstate": self.callstate,
            "signal": self.signal,
            "gprs": self.gprs,
            "slot": self.slot,
            "remain_credit": self.remain_credit,
            "remain_monthly_credit": self.remain_monthly_credit,
            "remain_daily_credit": self.remain_daily_credit,
            "remain_daily_call_time": self.remain_daily_call_time,
            "remain_hourly_call_time": self.remain_hourly_call_time,
            "remain_daily_connected": self.remain_daily_connected,
            "call_forward_set": self.call_forward_set,
            "call_forward_checked": self.call_forward_checked,
            "next_ref_id": self.next_ref_id,
            "ussd_reply": self.ussd_reply,
            "ussd_pending": self.ussd_pending,
            "ussd_replies": self.ussd_replies,
            "ussd_reply_sender": self.ussd_reply_sender,
            "ussd_menus": self.ussd_menus,
            "ussd_menu_open": self.ussd_menu_open,
            "sending_sms": self.sending_sms,
            "socks": self.socks,
            "mms_config": self.mms_config,
            "stk": {"screen": self.stk.node, "frame_id": self.stk.frame_id},
            "register_sequence": self.register_sequence,
        }


@dataclass(slots=True)
class OutgoingSms:
    """One message of a send_sms request, to one number."""

    task_id: int
    port: int
    number: str
    text: str
    encoding: str
    user_id: int | None
    report: bool
    count: int
    status: str = "SENDING"
    succ_count: int = 0
    ref_id: int | None = None
    time: str = field(default_factory=now_text)
    imsi: str = ""

    def result(self) -> dict[str, Any]:
        """The sending result object (``user_id`` only when the request carried one).

        ``ref_id`` only once the message went out: 0 is a real reference (they wrap past 255),
        so a made-up 0 for a message still SENDING, or stopped, would match another's reports.
        """
        item: dict[str, Any] = {
            "port": self.port,
            "number": self.number,
            "time": self.time,
            "status": self.status,
            "count": self.count,
            "succ_count": self.succ_count,
        }
        if self.ref_id is not None:
            item["ref_id"] = self.ref_id
        item["imsi"] = self.imsi
        if self.user_id is not None:
            item["user_id"] = self.user_id
        return item


@dataclass(slots=True)
class IncomingSms:
    """A received message in the gateway's database."""

    incoming_sms_id: int
    port: int
    number: str
    smsc: str
    timestamp: str
    text: str
    read: bool = False

    def as_api(self) -> dict[str, Any]:
        """The incoming SMS object."""
        return {
            "incoming_sms_id": self.incoming_sms_id,
            "port": self.port,
            "number": self.number,
            "smsc": self.smsc,
            "timestamp": self.timestamp,
            "text": self.text,
        }


@dataclass(slots=True)
class Faults:
    """Run-time switches for failures and firmware quirks (``/_sim/faults``)."""

    error_500: bool = False  # every API call answers HTTP 500
    # These API paths answer HTTP 500, the others work: a firmware with one broken call.
    error_500_paths: list[str] = field(default_factory=list)
    # The next request to each listed API path is carried out, but its connection closes
    # before the answer (a cable cut, a gateway restarting): each listing drops one answer.
    drop_answers: list[str] = field(default_factory=list)
    delay: float = 0.0  # seconds before any API answer
    drop_pushes: bool = False  # pushes are counted as dropped, never sent
    malformed: bool = False  # the spec's broken JSON in answers and pushes
    auth: str = "digest"  # "digest", "basic" or "any"
    raw_comma_401: bool = False  # a raw "," in a GET query: 401 Wrong Password
    queue_alias_only: bool = False  # only /api/query_sms_queue exists
    cdr_under_info: bool = False  # get_cdr answers under "info"
    lockout_after: int | None = None  # failed logins in a row before an address is blocked
    lockout_seconds: float = 30.0
    failing_numbers: list[str] = field(default_factory=list)  # sends to these end FAILED
    failure_rate: float = 0.0  # share of other sends that end FAILED (seeded)
    drp_cookie_required: bool = False  # DRP knows clients only by cookie, not by address
    # number -> delivery status_code (32-63 temporary, 64-255 permanent): its delivery reports carry
    # that code and the message stays SENT_OK, never DELIVERED.
    delivery_failures: dict[str, int] = field(default_factory=dict)
    # Firmware variants, each off by default: the vendor's example is the default.
    cdr_bech: bool = False  # CDRs (get_cdr and pushes) spell "bcch" as "bech"
    callforward_key: bool = False  # get_port_info's CallForward answer under "CallForward"
    port_info_table_names: bool = False  # the table's remain_daily_calltime, ... spellings
    stk_input_type_int: bool = False  # GetSTKView's input_type as the table's Integer
    send_mms_202: bool = False  # send_mms answers the table's 202, not the example's 200
    # SIMs out of credit, by port: the network refuses their SMS, which end FAILED, no part sent.
    no_credit_ports: list[int] = field(default_factory=list)
    # Ports whose module loses its network as their next SMS goes on the air: that SMS and
    # the later ones fail, and the registration drop is pushed.
    unregister_on_send: list[int] = field(default_factory=list)
    # Accept SMS but neither send nor report them while on (a hung queue); they go, and are
    # reported, once it is turned off.
    hold_queue: bool = False
    # query_ussd_reply keeps a port's last reply until the next one comes, instead of showing
    # "" (no reply) from the moment a code is sent: the spec says neither.
    ussd_reply_kept: bool = False
