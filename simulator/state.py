"""The simulated gateway's state: ports and SIMs, queues, inbox, records, configuration."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
import random
from typing import Any

from .config import SimulatorConfig
from .stk import StkSession

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
NOT_MULTI_SIM = 255
_EMPTY_EVERY = 4
NETWORK_TYPES = ("GSM", "WCDMA", "LTE")
# (MCC+MNC, smsc) of a few real networks, so IMSIs look like the field's.
OPERATORS = (
    ("26201", "+491722270333"),
    ("26202", "+491710760000"),
    ("23415", "+447785016005"),
    ("46000", "+8613800100500"),
)


def now_text() -> str:
    """The gateway's local time, without a zone, as it writes it."""
    return datetime.now().strftime(TIME_FORMAT)  # noqa: DTZ005 - the gateway has no zone


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(count))


def _luhn(body: str) -> str:
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit  # noqa: PLR2004
    return body + str((10 - total % 10) % 10)


@dataclass(slots=True)
class Sim:
    """A SIM card."""

    imsi: str
    iccid: str
    number: str
    smsc: str
    pin: str = "1234"
    blocked: bool = False


@dataclass(slots=True)
class Port:
    """One GSM/LTE module with its SIM (or none)."""

    index: int
    type: str
    imei: str
    sim: Sim | None
    powered: bool = True
    reg: str = "REGISTER_OK"
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
    socks: bool = False
    mms_config: dict[str, Any] | None = None
    stk: StkSession = field(default_factory=StkSession)
    register_sequence: int = 0

    @property
    def registered(self) -> bool:
        """Ready to send and receive."""
        return self.powered and self.sim is not None and self.reg == "REGISTER_OK"

    def take_ref_ids(self, count: int) -> int:
        """Reserve one reference per part; return the first (they wrap past 255)."""
        first = self.next_ref_id
        self.next_ref_id = (self.next_ref_id + count) % 256
        return first

    def info(self, field_name: str) -> Any:
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
        return values[field_name]


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
        """The §3 result object."""
        item: dict[str, Any] = {
            "port": self.port,
            "number": self.number,
            "time": self.time,
            "status": self.status,
            "count": self.count,
            "succ_count": self.succ_count,
            "ref_id": self.ref_id if self.ref_id is not None else 0,
            "imsi": self.imsi,
        }
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
        """The §6 message object."""
        return {
            "incoming_sms_id": self.incoming_sms_id,
            "port": self.port,
            "number": self.number,
            "smsc": self.smsc,
            "timestamp": self.timestamp,
            "text": self.text,
        }


def segments(text: str, encoding: str) -> int:
    """Parts a text takes: the gateway's own count (7-bit 160/153, UCS-2 70/67)."""
    if encoding == "gsm-7bit":
        units, single, part = len(text), 160, 153
    else:
        units, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // part)


@dataclass(slots=True)
class Faults:
    """Run-time switches for failures and firmware quirks."""

    error_500: bool = False
    delay: float = 0.0
    drop_pushes: bool = False
    malformed: bool = False
    auth: str = "digest"
    raw_comma_401: bool = False
    queue_alias_only: bool = False
    cdr_under_info: bool = False
    lockout_after: int | None = None
    failing_numbers: list[str] = field(default_factory=list)


class GatewayState:
    """Everything the gateway knows; background work is done by the server around it."""

    def __init__(self, config: SimulatorConfig) -> None:
        """Build seeded, reproducible ports and records."""
        self.config = config
        self.serial = config.serial
        self.rng = random.Random(config.seed)
        self.faults = Faults()
        self.ports = [self._make_port(index) for index in range(config.ports)]
        self.inbox: list[IncomingSms] = []
        self.sent_messages: list[OutgoingSms] = []
        self.next_task_id = 1
        self.next_incoming_id = 1
        self.next_mms_id = 1
        self.tasks: dict[int, list[OutgoingSms]] = {}
        self.delivery_reports: list[dict[str, Any]] = []
        self.cdrs = [self._make_cdr(index) for index in range(6)]
        self.mms_files: dict[int, bytes] = {}
        self.mms: dict[int, int] = {}
        self.requests: Counter[str] = Counter()
        self.challenges = 0
        self.pushes = Counter[str]()
        self.offline = False
        self.sip: dict[str, Any] = _default_sip_config(config.ports)

    def _make_port(self, index: int) -> Port:
        rng = self.rng
        has_sim = index % _EMPTY_EVERY != _EMPTY_EVERY - 1  # some ports empty: tests see both
        return Port(
            index=index,
            type=NETWORK_TYPES[index % len(NETWORK_TYPES)],
            imei=_luhn("86307001" + _digits(rng, 6)),
            sim=self.make_sim() if has_sim else None,
            reg="REGISTER_OK" if has_sim else "NO_SIM",
            signal=rng.randint(12, 31),
            gprs="attached" if rng.random() < 0.7 else "detached",  # noqa: PLR2004
            slot=0 if self.config.multi_sim else NOT_MULTI_SIM,
            remain_credit=f"{rng.uniform(5, 50):.2f}",
        )

    def make_sim(self) -> Sim:
        """A new, seeded SIM card (plugged by the control API)."""
        rng = self.rng
        mccmnc, smsc = OPERATORS[rng.randrange(len(OPERATORS))]
        return Sim(
            imsi=mccmnc + _digits(rng, 10),
            iccid=_luhn("8949" + _digits(rng, 14)),
            number="+4917" + _digits(rng, 8),
            smsc=smsc,
        )

    def _make_cdr(self, index: int) -> dict[str, Any]:
        start = datetime.now() - timedelta(hours=index * 5 + 1)  # noqa: DTZ005
        duration = self.rng.randint(5, 300)
        return {
            "port": index % len(self.ports),
            "start_date": start.strftime(TIME_FORMAT),
            "answer_date": (start + timedelta(seconds=8)).strftime(TIME_FORMAT),
            "duration": duration,
            "source_number": "+4930" + _digits(self.rng, 7),
            "destination_number": "+4917" + _digits(self.rng, 8),
            "direction": ("gsm->ip", "ip->gsm", "callback")[index % 3],
            "ip": "172.16.100.136",
            "codec": ("G.711U", "G.711A", "G.729AB", "G.723.1")[index % 4],
            "hangup": ("called", "calling", "gateway")[index % 3],
            "gsm_code": 16,
            "bcch": "",
        }

    def port(self, index: int) -> Port | None:
        """The port, or ``None`` when the gateway has no such port."""
        return self.ports[index] if 0 <= index < len(self.ports) else None

    def add_incoming(self, port: int, number: str, text: str) -> IncomingSms:
        """Store a received message (the server pushes it)."""
        sim = self.ports[port].sim
        sms = IncomingSms(
            self.next_incoming_id, port, number, sim.smsc if sim else "", now_text(), text
        )
        self.next_incoming_id += 1
        self.inbox.append(sms)
        return sms

    def register_event(self, port: Port) -> dict[str, Any]:
        """The §17 register push item for a port's current SIM state."""
        port.register_sequence += 1
        sim = port.sim
        up = port.registered
        item: dict[str, Any] = {
            "port": port.index,
            "iccid": sim.iccid if sim and up else "<NULL>",
            "imsi": sim.imsi if sim and up else "<NULL>",
            "number": sim.number if sim else "",
            "status": "up" if up else "down",
            "sequence": port.register_sequence,
        }
        if self.config.multi_sim:
            item["slot"] = port.slot
        return item

    def snapshot(self) -> dict[str, Any]:
        """The whole state for the control API."""
        return {
            "serial": self.serial,
            "offline": self.offline,
            "faults": asdict(self.faults),
            "ports": [{k: v for k, v in asdict(p).items() if k != "stk"} for p in self.ports],
            "inbox": [sms.as_api() | {"read": sms.read} for sms in self.inbox],
            "sent_messages": [asdict(sms) for sms in self.sent_messages],
            "requests": dict(self.requests),
            "challenges": self.challenges,
            "pushes": dict(self.pushes),
        }


def _default_sip_config(ports: int) -> dict[str, Any]:
    """The spec's §19 example configuration."""
    route = {
        "index": 63,
        "enable": "on",
        "description": "default",
        "operation": "Allow",
        "src_prefix": "",
        "dst_prefix": "",
        "prefix_to_be_added": "",
        "suffix_to_be_added": "",
        "del_digit": 0,
        "reserve_digit": 0,
    }
    return {
        "sip_proxy": {"domain": "", "port": 5060, "check_network_status": "off"},
        "sip_trunk": [
            {
                "index": 31,
                "enable": "on",
                "domain": "172.18.110.110",
                "port": 9367,
                "description": "cs",
                "check_network_status": "off",
            }
        ],
        "ip_to_tel_routing": [
            {**route, "src_mode": "sip_trunk", "dst_mode": "port", "src_id": 31, "dst_id": 0}
        ],
        "tel_to_ip_routing": [
            {
                **route,
                "src_mode": "port_group",
                "dst_mode": "sip_trunk_group",
                "src_id": 0,
                "dst_id": 0,
            }
        ],
        "port_group": [
            {
                "index": 0,
                "enable": "on",
                "description": "all",
                "sip_account": "",
                "sip_authid": "",
                "sip_authpswd": "",
                "port_map": str(list(range(ports))).replace(" ", ""),
                "reg_type": "no_register",
                "select_type": "cyclicAscending",
                "tel_to_ip_hot_line": "",
                "ip_to_tel_hot_line": "",
            }
        ],
    }
