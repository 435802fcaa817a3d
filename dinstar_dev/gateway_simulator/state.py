"""The simulated gateway's state: ports and SIMs, queue, inbox, records, configuration, events.

Everything here runs in the caller's event loop; background work goes through
:class:`~.tasks.Background`, so :meth:`GatewayState.stop` leaves no task behind.
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import asdict
import random
from typing import Any

from .config import SimulatorConfig
from .models import Faults, IncomingSms, OutgoingSms, Port, Sim, now_text
from .push import Pusher
from .quirks import bech_spelling
from .seed import SEEDED_CDRS, default_sip_config, make_cdr, make_port, make_sim, more_cdrs
from .sending import SendQueue
from .tasks import Background

_RUNTIME_SEED_OFFSET = 0x5EED
ASKED_KEPT = 200
_INCOMING_TEXTS = (
    "Your code is {n}",
    "Reminder: invoice {n} is due",
    "Hi, call me back",
    "Balance low: {n} EUR left",
    "Parcel {n} arrives today",
)


class GatewayState:
    """Everything the gateway knows, and the events it pushes when that changes."""

    def __init__(self, config: SimulatorConfig) -> None:
        """Build seeded, reproducible ports and records; nothing runs until :meth:`start`."""
        self.config = config
        self.serial = config.serial
        self.rng = random.Random(config.seed)
        # Draws made while running (failure rate, generated SMS) use their own generator, so
        # that SIMs made later by make_sim() stay the same whatever happened before.
        self.runtime_rng = random.Random(config.seed + _RUNTIME_SEED_OFFSET)
        self.faults = Faults()
        self.ports = [
            make_port(self.rng, index, multi_sim=config.multi_sim) for index in range(config.ports)
        ]
        self.cdrs = [make_cdr(self.rng, index, config.ports) for index in range(SEEDED_CDRS)]
        self.cdrs += more_cdrs(config.seed, config.ports)
        self.sip: dict[str, Any] = default_sip_config(config.ports)
        self.inbox: list[IncomingSms] = []
        self.sent_messages: list[OutgoingSms] = []
        self.tasks: dict[int, list[OutgoingSms]] = {}  # send_sms task id -> its messages
        self.delivery_reports: list[dict[str, Any]] = []
        self.mms_files: dict[int, bytes] = {}
        self.mms: dict[int, int] = {}  # mms_id -> its sending status code
        self.next_task_id = 1
        self.next_incoming_id = config.first_incoming_id
        self.next_mms_id = 1
        self.requests: Counter[str] = Counter()  # API requests served, by path
        # The latest POST requests (path, body as sent): tests check that a client asks for what
        # it needs only.
        self.asked: deque[tuple[str, str]] = deque(maxlen=ASKED_KEPT)
        self.challenges = 0  # 401 answers
        self.pushes: Counter[str] = Counter()
        self.push_url = config.push_url
        self.background = Background()
        self.pusher = Pusher(self.serial, self.faults, self.pushes, lambda: self.push_url)
        self.running = asyncio.Event()  # cleared while the gateway reboots
        self.running.set()
        self.sender = SendQueue(self)
        self._offline = False
        self._offline_timer: asyncio.Task[Any] | None = None

    # --- Life cycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the push sender, the SMS left queued by a stop (and the SMS generator)."""
        self.background.open()
        self.background.spawn(self.pusher.run(), "pusher")
        self.sender.resume()
        if self.config.incoming_every:
            self.background.spawn(self._generate_incoming(self.config.incoming_every), "inbox")

    async def stop(self) -> None:
        """Cancel every task this state started."""
        await self.background.cancel_all()

    @property
    def offline(self) -> bool:
        """Unreachable: every API request's connection is closed unanswered."""
        return self._offline

    @offline.setter
    def offline(self, value: bool) -> None:
        self._offline = value
        if self._offline_timer is not None:
            self._offline_timer.cancel()
            self._offline_timer = None

    def go_offline(self, seconds: float | None = None) -> None:
        """Become unreachable, for ``seconds`` or until :meth:`go_online`."""
        self.offline = True
        if seconds is not None:
            self._offline_timer = self.background.spawn(self._back_after(seconds), "offline")

    def go_online(self) -> None:
        """Be reachable again."""
        self.offline = False

    async def _back_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._offline_timer = None  # this task ends here: nothing to cancel
        self.offline = False

    async def reboot(self, seconds: float) -> None:
        """Power off (pushed), be unreachable and send nothing for a while, then come back.

        Back up, the gateway pushes power_on and a register "up" for each registered SIM. The
        inbox, the sent messages and the queue survive (they are the gateway's database).
        """
        self.push({"device": self.device_item("power_off")})
        self.running.clear()
        self.offline = True
        try:
            await asyncio.sleep(seconds)
        finally:
            self.offline = False
            self.running.set()
        self.push({"device": self.device_item("power_on")})
        for port in self.ports:
            if port.registered:
                self.push({"register": [self.register_event(port)]})

    # --- Look-ups ------------------------------------------------------------------------------

    def port(self, index: int) -> Port | None:
        """The port, or ``None`` when the gateway has no such port."""
        return self.ports[index] if 0 <= index < len(self.ports) else None

    def make_sim(self) -> Sim:
        """A new, seeded SIM card (what the control API plugs in)."""
        return make_sim(self.rng)

    def in_queue(self) -> int:
        """Messages waiting to be sent."""
        return self.sender.in_queue()

    # --- Events --------------------------------------------------------------------------------

    def push(self, body: dict[str, Any]) -> None:
        """Push an event body (``sn`` added) to the push URL, in order."""
        self.pusher.push(body)

    def push_raw(self, body: Any) -> None:
        """Push ``body`` exactly as given."""
        self.pusher.push_raw(body)

    def receive_sms(self, port: int, number: str, text: str, smsc: str | None = None) -> int:
        """A message arrives on ``port``: stored in the inbox and pushed; returns its id."""
        receiving = self.port(port)
        if receiving is None:
            raise ValueError(f"no port {port}")
        sim = receiving.sim
        sms = IncomingSms(
            incoming_sms_id=self.next_incoming_id,
            port=port,
            number=number,
            smsc=smsc if smsc is not None else (sim.smsc if sim else ""),
            timestamp=now_text(),
            text=text,
        )
        self.next_incoming_id += 1
        self.inbox.append(sms)
        self.push({"sms": [sms.as_api()]})
        return sms.incoming_sms_id

    def add_cdr(self, record: Mapping[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        """Record a call (any call record field given wins over a fresh default); answered ones are pushed.

        Only answered calls are pushed: a record with an empty ``answer_date`` is not.
        """
        fresh = make_cdr(self.runtime_rng, 0, len(self.ports))
        full = {**fresh, **(record or {}), **fields}
        port = full.get("port")
        if not isinstance(port, int) or self.port(port) is None:
            raise ValueError(f"no port {port}")
        self.cdrs.append(full)
        if full.get("answer_date"):
            self.push({"cdr": [self.cdr_as_written(full)]})
        return full

    def cdr_as_written(self, record: dict[str, Any]) -> dict[str, Any]:
        """A call record as this firmware writes it (``bech`` for ``bcch``: a quirk switch)."""
        return bech_spelling(record) if self.faults.cdr_bech else record

    def push_exception(self, port: int, kind: str = "call_fail", action: str = "reset") -> None:
        """Push an exception_info event."""
        self.push({"exception_info": {"port": port, "type": kind, "action": action}})

    def set_registration(self, port: Port, reg: str, *, force_push: bool = False) -> None:
        """Change a port's registration; push ``register`` when it goes up or down."""
        was_up = port.registered
        port.reg = reg
        if force_push or port.registered != was_up:
            self.push({"register": [self.register_event(port)]})

    def register_event(self, port: Port) -> dict[str, Any]:
        """The register push item for a port's current SIM state (``slot`` on multi-SIM)."""
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

    def device_item(self, status: str) -> dict[str, Any]:
        """The device push object."""
        host = self.config.host
        return {
            "port_number": len(self.ports),
            "IP": "127.0.0.1" if host in ("", "0.0.0.0", "::") else host,  # noqa: S104
            "MAC": self.config.mac,
            "status": status,
        }

    async def _generate_incoming(self, every: float) -> None:
        rng = self.runtime_rng
        while True:
            await asyncio.sleep(every)
            if ready := [port.index for port in self.ports if port.registered]:
                self.receive_sms(
                    rng.choice(ready),
                    "+4917" + str(rng.randrange(10**7, 10**8)),
                    rng.choice(_INCOMING_TEXTS).format(n=rng.randrange(1000, 9999)),
                )

    def snapshot(self) -> dict[str, Any]:
        """The whole state for the control API."""
        return {
            "serial": self.serial,
            "offline": self.offline,
            "rebooting": not self.running.is_set(),
            "push_url": self.push_url,
            "send_delay": self.config.send_delay,
            "faults": asdict(self.faults),
            "ports": [port.as_json() for port in self.ports],
            "inbox": [sms.as_api() | {"read": sms.read} for sms in self.inbox],
            "sent_messages": [asdict(sms) for sms in self.sent_messages],
            "in_queue": self.in_queue(),
            "delivery_reports": self.delivery_reports,
            "cdrs": self.cdrs,
            "sip": self.sip,
            "mms": {str(mms_id): code for mms_id, code in self.mms.items()},
            "mms_files": {str(file_id): len(data) for file_id, data in self.mms_files.items()},
            "requests": dict(self.requests),
            "challenges": self.challenges,
            "pushes": dict(self.pushes),
            "pushes_pending": self.pusher.pending,
            "background_tasks": len(self.background),
        }
