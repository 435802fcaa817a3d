"""The SMS send queue: one worker per port works off its messages in order.

See docs/protocol.md, "Sending SMS", "Sending results", "Delivery reports" and "Send queue".
"""

from __future__ import annotations

import asyncio
from collections import deque
import random
from typing import Any, Protocol

from .config import SimulatorConfig
from .models import Faults, OutgoingSms, Port, now_text
from .tasks import Background

DELIVERED_STATUS_CODE = 0  # delivery report status_code: received by the peer
HOLD_POLL = 0.02  # how often a held queue looks whether it may go on


class SendingGateway(Protocol):
    """What of the gateway a send reads and touches (the gateway's state is one)."""

    config: SimulatorConfig
    faults: Faults
    ports: list[Port]
    tasks: dict[int, list[OutgoingSms]]  # send_sms task id -> its messages
    delivery_reports: list[dict[str, Any]]
    background: Background
    running: asyncio.Event  # cleared while the gateway reboots
    runtime_rng: random.Random  # draws the failure_rate fault

    def push(self, body: dict[str, Any]) -> None:
        """Queue a push to the push server."""

    def set_registration(self, port: Port, reg: str, *, force_push: bool = False) -> None:
        """Change a port's registration (pushed)."""


class SendQueue:
    """Messages waiting per port; a port's worker starts with its first message.

    The queue outlives a stop of the simulator (it is the gateway's database); the workers do
    not, so a port whose worker has ended gets a new one with its next message, or at start.
    """

    def __init__(self, gateway: SendingGateway) -> None:
        """Work for ``gateway``'s ports."""
        self._gateway = gateway
        self._waiting: dict[int, deque[OutgoingSms]] = {}
        self._wakeups: dict[int, asyncio.Event] = {}
        self._workers: dict[int, asyncio.Task[Any]] = {}

    def submit(self, messages: list[OutgoingSms]) -> None:
        """Queue messages behind those already waiting on their ports."""
        for sms in messages:
            self._waiting.setdefault(sms.port, deque()).append(sms)
            self._wake(sms.port)

    def resume(self) -> None:
        """Start a worker for each port with messages left waiting (after a stop)."""
        for index, waiting in self._waiting.items():
            if waiting:
                self._wake(index)

    def _wake(self, index: int) -> None:
        worker = self._workers.get(index)
        if worker is not None and not worker.done():
            self._wakeups[index].set()
            return
        # An Event per worker: a restarted simulator may run in another event loop.
        self._wakeups[index] = asyncio.Event()
        if task := self._gateway.background.spawn(self._worker(index), f"port {index} sender"):
            self._workers[index] = task

    def in_queue(self) -> int:
        """Messages accepted and not yet being sent (``in_queue``)."""
        return sum(len(waiting) for waiting in self._waiting.values())

    def stop_task(self, task_id: int) -> bool:
        """stop_sms: drop a task's messages that are still waiting; ``False`` for an unknown task.

        A stopped message stays in the sent list as FAILED with no part sent (no push: the
        gateway never tried it); one already on the air is finished.
        """
        if task_id not in self._gateway.tasks:
            return False
        for waiting in self._waiting.values():
            kept = [sms for sms in waiting if sms.task_id != task_id]
            for sms in waiting:
                if sms.task_id == task_id:
                    sms.status = "FAILED"
            waiting.clear()  # in place: the port's worker holds this deque
            waiting.extend(kept)
        return True

    async def _worker(self, index: int) -> None:
        waiting, wakeup = self._waiting[index], self._wakeups[index]
        while True:
            if not waiting:
                wakeup.clear()
                await wakeup.wait()
                continue
            sms = waiting.popleft()
            port = self._gateway.ports[index]
            try:
                await self._gateway.running.wait()  # a rebooting gateway sends nothing
                await self._until_released()
                if index in self._gateway.faults.unregister_on_send:
                    self._gateway.set_registration(port, "UNREGISTER")
                # A USSD on a port that is sending an SMS answers 486 (busy).
                port.sending_sms = True
                await asyncio.sleep(self._gateway.config.send_delay * sms.count)
            except asyncio.CancelledError:
                waiting.appendleft(sms)  # stopped before it went out: first again at start
                raise
            finally:
                port.sending_sms = False
            self._finish(port, sms)

    async def _until_released(self) -> None:
        """Return once the ``hold_queue`` fault is off.

        A plain switch, set by tests and the control API alike: looked at now and then.
        """
        while True:
            if not self._gateway.faults.hold_queue:
                return
            await asyncio.sleep(HOLD_POLL)

    def _finish(self, port: Port, sms: OutgoingSms) -> None:
        sms.time = now_text()
        sms.imsi = port.sim.imsi if port.sim else ""
        sms.ref_id = port.take_ref_ids(sms.count)
        rate = self._gateway.faults.failure_rate
        unlucky = rate > 0 and self._gateway.runtime_rng.random() < rate
        if (
            port.registered
            and port.index not in self._gateway.faults.no_credit_ports
            and sms.number not in self._gateway.faults.failing_numbers
            and not unlucky
        ):
            sms.status, sms.succ_count = "SENT_OK", sms.count
        else:
            sms.status, sms.succ_count = "FAILED", 0
        self._gateway.push({"sms_result": [sms.result()]})
        if sms.status == "SENT_OK" and sms.report:
            self._gateway.background.spawn(self._deliver(port, sms), f"delivery of {sms.number}")

    async def _deliver(self, port: Port, sms: OutgoingSms) -> None:
        """The network's status reports: one per part, then the result turns DELIVERED.

        A number in the ``delivery_failures`` switch gets its error code in every part's report
        instead, and its result stays SENT_OK: the message went out but never arrived.
        """
        await asyncio.sleep(self._gateway.config.send_delay)
        code = self._gateway.faults.delivery_failures.get(sms.number, DELIVERED_STATUS_CODE)
        for part in range(sms.count):
            report: dict[str, Any] = {
                "port": port.index,
                "number": sms.number,
                "time": now_text(),
                "ref_id": ((sms.ref_id or 0) + part) % 256,
                "status_code": code,
                "imsi": sms.imsi,
            }
            self._gateway.delivery_reports.append(report)
            self._gateway.push({"sms_deliver_status": [report]})
        if code == DELIVERED_STATUS_CODE:
            sms.status = "DELIVERED"
            self._gateway.push({"sms_result": [sms.result()]})
