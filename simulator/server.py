"""The simulator: an aiohttp server playing one gateway (and its DRP server when asked)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
import logging
import math
import time
from typing import Any, Self

import aiohttp
from aiohttp import web

from . import tls
from .api import BadRequest, GatewayApi
from .auth import Authenticator
from .config import SimulatorConfig
from .control import control_routes
from .state import GatewayState, OutgoingSms, Port, now_text

_LOGGER = logging.getLogger(__name__)
CONTROL_PREFIX = "/_sim/"
DRP_PATHS = ("/doLogin", "/remoteWeb")
PUSH_TIMEOUT = 5.0
LOCKOUT_SECONDS = 30.0
type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Simulator:
    """One simulated gateway; ``async with Simulator(config) as sim`` or start()/stop()."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        """Build the state; nothing listens until :meth:`start`."""
        self.config = config or SimulatorConfig()
        self.state = GatewayState(self.config)
        self.auth = Authenticator(self.config.username, self.config.password)
        self.push_url = self.config.push_url
        self.url = ""
        self.port = 0
        self.certificate_fingerprint = tls.fingerprint() if self.config.https else None
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._queues: dict[int, asyncio.Queue[OutgoingSms]] = {}
        self._pushes: asyncio.Queue[dict[str, Any] | str] = asyncio.Queue()
        self._session: aiohttp.ClientSession | None = None
        self._drp_peers: dict[str, str] = {}
        self._locked_until = 0.0

    async def __aenter__(self) -> Self:
        """Start serving."""
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Stop serving."""
        await self.stop()

    async def start(self) -> None:
        """Bind (port 0: a free one) and start the background workers."""
        app = web.Application(middlewares=[self._middleware], client_max_size=8 * 1024 * 1024)
        app.add_routes(GatewayApi(self).routes())
        app.add_routes(control_routes(self))
        app.add_routes([web.get(path, self._drp) for path in DRP_PATHS])
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner,
            self.config.host,
            self.config.port,
            ssl_context=tls.server_context() if self.config.https else None,
        )
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.url = f"{'https' if self.config.https else 'http'}://{self.config.host}:{self.port}"
        self._session = aiohttp.ClientSession()
        self.spawn(self._push_worker())
        if self.config.incoming_every:
            self.spawn(self._incoming_generator(self.config.incoming_every))

    async def stop(self) -> None:
        """Cancel every task this simulator started and close the server."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def snapshot(self) -> dict[str, Any]:
        """The state, with what the server itself counts."""
        return {**self.state.snapshot(), "failed_logins": self.auth.failed_logins}

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        """Run background work that :meth:`stop` cancels."""
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- Requests ------------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        faults = self.state.faults
        if self.state.offline:
            # An unreachable gateway: the connection ends without an answer.
            if request.transport is not None:
                request.transport.close()
            raise web.HTTPServiceUnavailable
        if faults.delay:
            await asyncio.sleep(faults.delay)
        if time.monotonic() < self._locked_until:
            raise web.HTTPForbidden(text="Too many failed logins")
        self.auth.mode = faults.auth
        if faults.raw_comma_401 and "," in request.raw_path.partition("?")[2]:
            self.state.challenges += 1
            return self.auth.challenge("401 Wrong Password")
        if not self.auth.check(request):
            self.state.challenges += 1
            if faults.lockout_after and self.auth.failed_logins >= faults.lockout_after:
                self._locked_until = time.monotonic() + LOCKOUT_SECONDS
            return self.auth.challenge()
        if (
            self.config.drp
            and request.path not in DRP_PATHS
            and self._drp_peers.get(request.remote or "") != "ready"
        ):
            raise web.HTTPForbidden(text="Log in to the DRP server first")
        self.state.requests[request.path] += 1
        if faults.error_500:
            raise web.HTTPInternalServerError
        try:
            return await handler(request)
        except BadRequest as err:
            return GatewayApi(self).envelope(request.path.rsplit("/", 1)[-1], err.code)

    async def _drp(self, request: web.Request) -> web.Response:
        """§26: log in, then pick the gateway by serial."""
        peer = request.remote or ""
        if request.path == "/doLogin":
            if (
                request.query.get("Username") != self.config.username
                or request.query.get("password") != self.config.password
            ):
                self._drp_peers.pop(peer, None)
                raise web.HTTPUnauthorized
            self._drp_peers[peer] = "logged_in"
            return web.Response(text="OK")
        if self._drp_peers.get(peer) not in ("logged_in", "ready"):
            raise web.HTTPForbidden
        if request.query.get("Product_sns", "").strip() != self.state.serial:
            raise web.HTTPNotFound
        self._drp_peers[peer] = "ready"
        return web.Response(text="OK")

    # --- Sending -------------------------------------------------------------------------------

    def in_queue(self) -> int:
        """Messages not yet worked off."""
        return sum(queue.qsize() for queue in self._queues.values())

    def queue_messages(self, messages: list[OutgoingSms]) -> None:
        """Hand messages to their port's worker (one worker per port, in order)."""
        for sms in messages:
            if sms.port not in self._queues:
                self._queues[sms.port] = asyncio.Queue()
                self.spawn(self._port_worker(sms.port))
            self._queues[sms.port].put_nowait(sms)

    async def _port_worker(self, index: int) -> None:
        queue = self._queues[index]
        while True:
            sms = await queue.get()
            if sms.status != "SENDING":  # stopped
                continue
            await asyncio.sleep(self.config.send_delay * sms.count)
            port = self.state.ports[index]
            sms.time = now_text()
            sms.imsi = port.sim.imsi if port.sim else ""
            sms.ref_id = port.take_ref_ids(sms.count)
            failing = sms.number in self.state.faults.failing_numbers
            if port.registered and not failing:
                sms.status, sms.succ_count = "SENT_OK", sms.count
            else:
                sms.status = "FAILED"
            self.push({"sms_result": [sms.result()]})
            if sms.status == "SENT_OK" and sms.report:
                self.spawn(self._deliver(port, sms))

    async def _deliver(self, port: Port, sms: OutgoingSms) -> None:
        await asyncio.sleep(self.config.send_delay)
        reports = []
        for part in range(sms.count):
            report = {
                "port": port.index,
                "number": sms.number,
                "time": now_text(),
                "ref_id": ((sms.ref_id or 0) + part) % 256,
                "status_code": 0,
                "imsi": sms.imsi,
            }
            self.state.delivery_reports.append(report)
            reports.append(report)
        sms.status = "DELIVERED"
        self.push({"sms_deliver_status": reports})
        self.push({"sms_result": [sms.result()]})

    def answer_ussd(self, port: Port, code: str) -> None:
        """The network answers a USSD code after a moment."""

        async def reply() -> None:
            await asyncio.sleep(self.config.ussd_delay)
            known = (
                code.startswith("*") and code.endswith("#") and code[1:4] in ("100", "101", "125")
            )
            port.ussd_reply = (
                f"Your balance is {port.remain_credit} EUR" if known else "Unknown USSD code"
            )
            self.push({"ussd": [{"port": port.index, "text": port.ussd_reply}]})

        self.spawn(reply())

    def send_mms(self, port: Port) -> int:
        """Queue an MMS; it is sent (or fails without a SIM) after the send delay."""
        mms_id = self.state.next_mms_id
        self.state.next_mms_id += 1
        self.state.mms[mms_id] = 202

        async def finish() -> None:
            await asyncio.sleep(self.config.send_delay)
            self.state.mms[mms_id] = 200 if port.registered else 503

        self.spawn(finish())
        return mms_id

    def port_action(self, port: Port, action: str, param: str | None, number: str | None) -> bool:  # noqa: PLR0911, PLR0912
        """§11 / §18 actions; ``False`` for a bad action or parameter."""
        if action == "slot":
            if not self.config.multi_sim or param not in ("0", "1", "2", "3"):
                return False
            port.slot = int(param)
            self.push({"register": [self.state.register_event(port)]})
        elif action == "reset":
            self.set_registration(port, "SEARCHING_NETWORK")
            self.spawn(self._reregister(port))
        elif action == "power":
            if param not in ("on", "off"):
                return False
            port.powered = param == "on"
            self.set_registration(
                port,
                "REGISTER_OK"
                if port.powered and port.sim
                else ("NO_SIM" if port.powered else "POWER_OFF"),
            )
        elif action == "imei":
            if not param or not param.isdigit() or len(param) != 15:  # noqa: PLR2004
                return False
            port.imei = param
        elif action == "number":
            if not param or port.sim is None:
                return False
            port.sim.number = param
        elif action in ("lock", "unlock"):
            if port.sim is None or param != port.sim.pin:
                return False
        elif action in ("block", "unblock"):
            if port.sim is None:
                return False
            port.sim.blocked = action == "block"
        elif action == "CallForward":
            if param not in ("Unconditional", "NoReply", "Busy", "Not_Reachable", "CancelAll"):
                return False
            if param == "CancelAll":
                port.call_forward_set.clear()
            elif not number:
                return False
            else:
                port.call_forward_set[param] = number
        elif action == "CheckCallForward":
            port.call_forward_checked = dict(port.call_forward_set)
        else:
            return False
        return True

    async def _reregister(self, port: Port) -> None:
        await asyncio.sleep(self.config.send_delay)
        self.set_registration(port, "REGISTER_OK" if port.sim and port.powered else "NO_SIM")

    def set_registration(self, port: Port, reg: str) -> None:
        """Change a port's registration and push the SIM register event."""
        port.reg = reg
        self.push({"register": [self.state.register_event(port)]})

    def performance(self) -> dict[str, str]:
        """§16 values that drift a little from one reading to the next, reproducibly."""
        wobble = math.sin(self.state.requests["/api/get_status"] - 1)
        return {
            "cpu_used": str(int(30 + 10 * wobble)),
            "flash_total": "27648",
            "flash_used": "17428",
            "memory_total": "109448",
            "memory_cached": "34192",
            "memory_buffers": "0",
            "memory_free": str(58928 - int(500 * wobble)),
            "memory_used": str(50520 + int(500 * wobble)),
        }

    def receive_sms(self, port: int, number: str, text: str) -> int:
        """A message arrives on a port: stored, then pushed."""
        sms = self.state.add_incoming(port, number, text)
        self.push({"sms": [sms.as_api()]})
        return sms.incoming_sms_id

    async def reboot(self, seconds: float) -> None:
        """Power off (pushed), be unreachable for a while, come back and re-register."""
        self.push({"device": self.device_item("power_off")})
        await asyncio.sleep(0)
        self.state.offline = True
        await asyncio.sleep(seconds)
        self.state.offline = False
        self.push({"device": self.device_item("power_on")})
        for port in self.state.ports:
            if port.registered:
                self.push({"register": [self.state.register_event(port)]})

    def device_item(self, status: str) -> dict[str, Any]:
        """The §17 device push object."""
        return {
            "port_number": len(self.state.ports),
            "IP": self.config.host,
            "MAC": self.config.mac,
            "status": status,
        }

    async def _incoming_generator(self, every: float) -> None:
        texts = (
            "Your code is {n}",
            "Reminder: invoice {n} is due",
            "Hi, call me back",
            "Balance low: {n} EUR left",
            "Parcel {n} arrives today",
        )
        while True:
            await asyncio.sleep(every)
            ready = [p.index for p in self.state.ports if p.registered]
            if ready:
                rng = self.state.rng
                self.receive_sms(
                    rng.choice(ready),
                    "+4917" + str(rng.randrange(10**7, 10**8)),
                    rng.choice(texts).format(n=rng.randrange(1000, 9999)),
                )

    # --- Push ----------------------------------------------------------------------------------

    def push(self, body: dict[str, Any] | str) -> None:
        """Queue a push (``sn`` added); sent in order by one worker, never retried."""
        if isinstance(body, dict):
            body = {"sn": self.state.serial, **body}
        self._pushes.put_nowait(body)

    async def _push_worker(self) -> None:
        while True:
            body = await self._pushes.get()
            try:
                await self._send_push(body)
            finally:
                self._pushes.task_done()

    async def _send_push(self, body: dict[str, Any] | str) -> None:
        assert self._session is not None  # noqa: S101
        if not self.push_url:
            self.state.pushes["no_url"] += 1
            return
        if self.state.faults.drop_pushes:
            self.state.pushes["dropped"] += 1
            return
        data = body if isinstance(body, str) else None
        try:
            async with self._session.post(
                self.push_url,
                json=None if data else body,
                data=data,
                headers={"Content-Type": "application/json"},
                timeout=aiohttp.ClientTimeout(total=PUSH_TIMEOUT),
                ssl=False,
            ) as response:
                self.state.pushes["sent" if response.status < 300 else "failed"] += 1  # noqa: PLR2004
        except (aiohttp.ClientError, TimeoutError) as err:
            self.state.pushes["failed"] += 1
            _LOGGER.debug("Push to %s failed: %s", self.push_url, err)

    async def drain_pushes(self) -> None:
        """Wait until every queued push was tried (tests and the demo use this)."""
        await self._pushes.join()
