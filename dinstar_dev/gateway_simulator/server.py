"""The simulator: an aiohttp server playing one gateway (and its DRP server when asked)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
import contextlib
from typing import Any, Self

from aiohttp import web

from . import drp, tls
from .auth import Authenticator, AuthResult
from .config import SimulatorConfig
from .control import CONTROL_PREFIX, control_routes
from .drp import DrpServer
from .routes import BadRequest, error_answer
from .routes_device import DeviceApi
from .routes_sms import SmsApi
from .state import GatewayState

SHUTDOWN_TIMEOUT = 1.0  # seconds stop() lets answers in flight finish
MAX_BODY_BYTES = 8 * 1024 * 1024  # MMS files
type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Simulator:
    """One simulated gateway: ``async with Simulator(config) as sim`` or start()/stop().

    Everything runs in the caller's event loop; :meth:`stop` cancels every task it started.
    """

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        """Build the gateway; nothing listens until :meth:`start`."""
        self.config = config or SimulatorConfig()
        self.state = GatewayState(self.config)
        self.auth = Authenticator(self.config.username, self.config.password)
        self.drp = DrpServer(self.config, self.state.faults)
        self.url = ""
        self.port = 0
        self.certificate_fingerprint = tls.fingerprint() if self.config.https else None
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()  # ends the ``delay`` fault's waits, so stop() is quick

    async def __aenter__(self) -> Self:
        """Start serving."""
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Stop serving."""
        await self.stop()

    @property
    def push_url(self) -> str | None:
        """Where events are pushed (``None``: nowhere); may change at run time."""
        return self.state.push_url

    @push_url.setter
    def push_url(self, url: str | None) -> None:
        self.state.push_url = url

    async def start(self) -> None:
        """Bind (port 0: a free one), then start the background workers."""
        if self._runner is not None:
            raise RuntimeError("the simulator is already running")
        self._stopping.clear()
        app = web.Application(middlewares=[self._middleware], client_max_size=MAX_BODY_BYTES)
        app.add_routes(SmsApi(self.state).routes())
        app.add_routes(DeviceApi(self.state).routes())
        app.add_routes(control_routes(self.state, self.snapshot, self.spawn, self.reboot))
        if self.config.drp:
            app.add_routes(self.drp.routes())
        runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT
        )
        await runner.setup()
        try:
            site = web.TCPSite(
                runner,
                self.config.host,
                self.config.port,
                ssl_context=tls.server_context() if self.config.https else None,
            )
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        scheme = "https" if self.config.https else "http"
        host = f"[{self.config.host}]" if ":" in self.config.host else self.config.host
        self.url = f"{scheme}://{host}:{self.port}"
        self.state.start()

    async def stop(self) -> None:
        """Close the server, then cancel every task this simulator started."""
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.state.stop()

    # --- What tests and the control API call -----------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The state, with what the server itself counts."""
        return {
            **self.state.snapshot(),
            "url": self.url,
            "auth_mode": self.state.faults.auth,
            "failed_logins": self.auth.failed_logins,
        }

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str = "control") -> None:
        """Run background work that :meth:`stop` cancels."""
        self.state.background.spawn(coroutine, name)

    def receive_sms(self, port: int, number: str, text: str) -> int:
        """A message arrives on a port: stored, then pushed; returns its incoming_sms_id."""
        return self.state.receive_sms(port, number, text)

    async def reboot(self, seconds: float) -> None:
        """Restart the gateway: power_off pushed, unreachable, back (power_on, registrations).

        A restarted gateway has forgotten its digest nonces and opaque: a client's next
        request, authorized from the old challenge, gets a plain 401 with a new challenge.
        """
        self.auth.forget_nonces()
        await self.state.reboot(seconds)

    async def drain_pushes(self) -> None:
        """Wait until every queued push was tried."""
        await self.state.pusher.drain()

    # --- Requests ----------------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(CONTROL_PREFIX):
            return await handler(request)
        await self._reachable(request)
        state = self.state
        if self.config.drp and request.path in drp.PATHS:
            state.requests[request.path] += 1
            return await handler(request)  # the DRP server's own login, no digest
        if self.config.drp and not self.drp.forwards(request):
            raise web.HTTPForbidden(text="Log in to the DRP server and pick a device first")
        if refused := self._authenticate(request):
            return refused
        state.requests[request.path] += 1
        # A multipart body (an MMS file) is read by its handler as a stream: left alone.
        if request.method == "POST" and request.content_type != "multipart/form-data":
            state.asked.append((request.path, (await request.read()).decode(errors="replace")))
        if state.faults.error_500 or request.path in state.faults.error_500_paths:
            raise web.HTTPInternalServerError
        try:
            answer = await handler(request)
        except BadRequest as err:
            return error_answer(state, request.path, err.code)
        except web.HTTPMethodNotAllowed:
            # Real firmware answers a wrong method with 403 (get_status to a GET, for one).
            raise web.HTTPForbidden(text="Forbidden") from None
        if request.path in state.faults.drop_answers:
            # Carried out, then the connection ends before the answer: once per listing.
            state.faults.drop_answers.remove(request.path)
            if request.transport is not None:
                request.transport.close()
        return answer

    async def _reachable(self, request: web.Request) -> None:
        """Drop the connection of an offline gateway; wait out the ``delay`` fault."""
        if self.state.offline:
            # An unreachable gateway: the connection ends without an answer.
            if request.transport is not None:
                request.transport.close()
            raise web.HTTPServiceUnavailable
        if delay := self.state.faults.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)

    def _authenticate(self, request: web.Request) -> web.StreamResponse | None:
        """The refusal to send, or ``None`` when the request may go on."""
        faults, address = self.state.faults, request.remote or ""
        if self.auth.blocked(address):
            raise web.HTTPForbidden(text="Too many failed logins: address blocked")
        self.auth.mode = faults.auth
        if (
            faults.raw_comma_401
            and request.method == "GET"
            and "," in request.raw_path.partition("?")[2]
        ):
            # Firmware that wants %2C in GET lists refuses a raw comma, good credentials or not,
            # and takes it for a wrong password: with credentials, it counts toward the lockout.
            if "Authorization" in request.headers:
                self.auth.record(
                    address, AuthResult.WRONG, faults.lockout_after, faults.lockout_seconds
                )
            self.state.challenges += 1
            return self.auth.challenge("401 Wrong Password")
        result = self.auth.check(request)
        self.auth.record(address, result, faults.lockout_after, faults.lockout_seconds)
        if result is AuthResult.OK:
            return None
        self.state.challenges += 1
        return self.auth.challenge(stale=result is AuthResult.STALE)
