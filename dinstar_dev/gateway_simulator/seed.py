"""Seeded, reproducible ports, SIMs, call records and the default SIP configuration.

The order of the random draws is part of the contract: tests snapshot the values one seed gives,
so a draw must never be added, removed or moved here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
import random
from typing import Any

from .models import NOT_MULTI_SIM, REGISTER_OK, TIME_FORMAT, Port, Sim

EMPTY_EVERY = 4  # every fourth port has no SIM: tests see both kinds
NETWORK_TYPES = ("GSM", "WCDMA", "LTE")
# (MCC+MNC, SMSC) of a few real networks, so IMSIs look like the field's.
OPERATORS = (
    ("26201", "+491722270333"),
    ("26202", "+491710760000"),
    ("23415", "+447785016005"),
    ("46000", "+8613800100500"),
)
SEEDED_CDRS = 6
CDR_SEED_OFFSET = 0xCD7


def digits(rng: random.Random, count: int) -> str:
    """``count`` random decimal digits."""
    return "".join(str(rng.randrange(10)) for _ in range(count))


def luhn(body: str) -> str:
    """``body`` with its Luhn check digit appended (IMEIs and ICCIDs carry one)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return body + str((10 - total % 10) % 10)


def make_sim(rng: random.Random) -> Sim:
    """A SIM: a 15-digit IMSI of a real network, a 19-digit ICCID starting 89, a number."""
    mccmnc, smsc = OPERATORS[rng.randrange(len(OPERATORS))]
    return Sim(
        imsi=mccmnc + digits(rng, 10),
        iccid=luhn("8949" + digits(rng, 14)),
        number="+4917" + digits(rng, 8),
        smsc=smsc,
    )


def make_port(rng: random.Random, index: int, *, multi_sim: bool) -> Port:
    """Port ``index``, with a registered SIM unless it is one of the empty ones."""
    has_sim = index % EMPTY_EVERY != EMPTY_EVERY - 1
    return Port(
        index=index,
        type=NETWORK_TYPES[index % len(NETWORK_TYPES)],
        imei=luhn("86307001" + digits(rng, 6)),
        sim=make_sim(rng) if has_sim else None,
        reg=REGISTER_OK if has_sim else "NO_SIM",
        signal=rng.randint(12, 31),
        gprs="attached" if rng.random() < 0.7 else "detached",
        slot=0 if multi_sim else NOT_MULTI_SIM,
        remain_credit=f"{rng.uniform(5, 50):.2f}",
    )


def make_cdr(rng: random.Random, index: int, port_count: int) -> dict[str, Any]:
    """A call record (docs/protocol.md, "Call records"), some hours old."""
    start = datetime.now() - timedelta(hours=index * 5 + 1)  # noqa: DTZ005 - gateway time
    duration = rng.randint(5, 300)
    return {
        "port": index % port_count,
        "start_date": start.strftime(TIME_FORMAT),
        "answer_date": (start + timedelta(seconds=8)).strftime(TIME_FORMAT),
        "duration": duration,
        "source_number": "+4930" + digits(rng, 7),
        "destination_number": "+4917" + digits(rng, 8),
        "direction": ("gsm->ip", "ip->gsm", "callback")[index % 3],
        "ip": "172.16.100.136",
        "codec": ("G.711U", "G.711A", "G.729AB", "G.723.1")[index % 4],
        "hangup": ("called", "calling", "gateway")[index % 3],
        "gsm_code": 16,
        "bcch": "",
    }


def more_cdrs(seed: int, port_count: int) -> list[dict[str, Any]]:
    """Two more records a port, from their own generator (the draws above stay as they are).

    Every third call went unanswered: no answer date, no duration, GSM cause 19 (no answer).
    """
    rng = random.Random(seed + CDR_SEED_OFFSET)
    records = []
    for number in range(port_count * 2):
        record = make_cdr(rng, number % 7 + 1, port_count) | {"port": number % port_count}
        if number % 3 == 2:
            record |= {"answer_date": "", "duration": 0, "hangup": "calling", "gsm_code": 19}
        records.append(record)
    return records


def port_map_text(ports: Iterable[int]) -> str:
    """A port map as the gateway writes it: a string holding a list (``"[0,1,2]"``)."""
    return "[" + ",".join(str(port) for port in ports) + "]"


def default_sip_config(ports: int) -> dict[str, Any]:
    """The vendor's example get_config configuration (its port group spans this gateway's ports)."""
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
                "port_map": port_map_text(range(ports)),
                "reg_type": "no_register",
                "select_type": "cyclicAscending",
                "tel_to_ip_hot_line": "",
                "ip_to_tel_hot_line": "",
            }
        ],
    }
