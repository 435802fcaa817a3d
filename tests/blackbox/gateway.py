"""An independent fake Dinstar gateway, written from the HTTP API v1.2 only.

It is a test double for black-box tests: it serves the API with digest (RFC 7616, MD5,
qop=auth) or Basic authentication, records every request (with when it arrived and when it was
answered), and misbehaves on command: it restarts (new nonces and opaque, same address, same
messages), blocks an address after N failed logins, answers slowly, or one request at a time.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
import hashlib
import json
import re
import secrets
from typing import Any

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer
from homeassistant.util import dt as dt_util
from yarl import URL

REALM = "Web Server"


def local_time() -> str:
    """The gateway's clock: local time with no zone, the zone being Home Assistant's."""
    return dt_util.now().strftime("%Y-%m-%d %H:%M:%S")


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # noqa: S324 - the protocol's hash


@dataclass
class Seen:
    """One request as it reached the gateway."""

    method: str
    path: str
    query: str
    body: Any
    authorization: str | None
    authenticated: bool
    remote: str | None = None
    at: float = 0.0  # the event loop's time when the request arrived
    answered: float | None = None  # and when its answer was ready (None: dropped or pending)
    locked_out: bool = False  # refused with 403 because the address is blocked


@dataclass
class Push:
    """One push the gateway sent to Home Assistant's webhook, and when it was answered."""

    body: Any
    sent: float
    answered: float
    status: int


@dataclass
class Fault:
    """A misbehaviour for requests to one path: fail, drop or delay them."""

    status: int | None = None
    body: Any = None
    drop: bool = False
    delay: float = 0.0
    times: int = 1


@dataclass
class FakeGateway:
    """State of the fake gateway and the switches that make it misbehave."""

    serial: str = "fa0e-0000-0000-0001"
    username: str = "admin"
    password: str = "secret-pw"
    ports: int = 4
    auth: str = "digest"  # "digest" or "basic"
    lockout_after: int | None = None  # failed logins from one address before it is blocked
    # A gateway cannot tell a nonce it forgot (it restarted) from a forged one: a strict one counts
    # an authorization with an unknown nonce or opaque as a failed login, as a wrong password.
    dead_nonce_is_failure: bool = False
    slow: float = 0.0  # seconds every authenticated API answer takes
    one_at_a_time: bool = False  # an embedded server: one request served at a time
    bind: str = "127.0.0.1"
    mac: str = "F8-A0-3D-00-00-01"
    sim_numbers: str = "+4917100000"  # port N's SIM has this number followed by N on two digits
    inbox: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)  # delivery reports it holds
    requests: list[Seen] = field(default_factory=list)
    pushes: list[Push] = field(default_factory=list)
    failed_logins: int = 0
    failures_by_address: dict[str, int] = field(default_factory=dict)
    boots: int = 0
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    sms_page: int = 20
    ussd_answer: Any = None
    ussd_replies: dict[int, str] = field(default_factory=dict)
    next_task_id: int = 1
    next_sms_id: int = 1
    sim_present: dict[int, bool] = field(default_factory=dict)
    on_request: Callable[[Seen], Awaitable[None]] | None = None
    # -- the radio side, for failover: what happens to an accepted SMS ------------------------
    unregistered: set[int] = field(default_factory=set)  # ports that lost their network
    no_credit: set[int] = field(default_factory=set)  # ports whose SIM cannot pay: sends FAILED
    unregister_on_send: set[int] = field(default_factory=set)  # lose the network as one goes
    hold: bool = False  # accept SMS and never send nor report them (they stay SENDING)
    air_delay: float | None = None  # None: SMS go on the air only when :meth:`air` is called
    push_to: tuple[TestClient, str] | None = None  # where results and reports are pushed
    deliver: bool = False  # a sent SMS is delivered at once: a report with status_code 0
    on_air: list[dict[str, Any]] = field(default_factory=list)  # what the network carried
    next_ref_id: int = 1
    texts: dict[tuple[int, int], str] = field(default_factory=dict)  # (task_id, user_id) → text
    _airing: set[asyncio.Task[None]] = field(default_factory=set)
    _nonces: set[str] = field(default_factory=set)
    _opaque: str = ""
    _port: int | None = None
    _lock: asyncio.Lock | None = None
    server: TestServer | None = None

    # -- control ---------------------------------------------------------------------------

    def receive(self, port: int, number: str, text: str, when: str | None = None) -> int:
        """Put an SMS in the inbox as if the network delivered it; return its id."""
        sms_id = self.next_sms_id
        self.next_sms_id += 1
        self.inbox.append(
            {
                "incoming_sms_id": sms_id,
                "port": port,
                "number": number,
                "smsc": "+4917000000",
                "timestamp": when or f"2026-11-01 10:{sms_id // 60 % 60:02d}:{sms_id % 60:02d}",
                "text": text,
            }
        )
        return sms_id

    def sim_number(self, port: int) -> str:
        """The phone number of the SIM in ``port``, as ``get_port_info`` tells it."""
        return f"{self.sim_numbers}{port:02d}"

    def sent(self, since: int = 0) -> list[dict[str, Any]]:
        """The SMS the gateway was asked to send (from the ``since``-th request on), one per number.

        Each is ``{"number", "port", "text"}``; ``port`` is None when the request named none.
        """
        out = []
        for seen in self.calls("/api/send_sms", since):
            ports = seen.body.get("port") or [None]
            out.extend(
                {"number": item["number"], "port": ports[0], "text": seen.body.get("text", "")}
                for item in seen.body.get("param") or []
            )
        return out

    def factory_reset_inbox(self) -> None:
        """Forget every SMS: ids start again from 1, as after a factory reset."""
        self.inbox.clear()
        self.next_sms_id = 1

    def fail(self, path: str, fault: Fault) -> None:
        """Make the next ``fault.times`` requests to ``path`` misbehave."""
        self.faults.setdefault(path, []).append(fault)

    def calls(self, path: str, since: int = 0) -> list[Seen]:
        """The authenticated requests that reached ``path`` (from the ``since``-th request on)."""
        return [seen for seen in self.requests[since:] if seen.path == path and seen.authenticated]

    def served_during(self, push: Push) -> list[Seen]:
        """Requests that arrived after ``push`` was sent and were answered before its answer.

        A request the integration made while handling the push, before answering it, is one of
        these; one made after answering arrives no sooner than the answer left, and with
        ``slow`` set is answered well after it.
        """
        return [
            seen
            for seen in self.requests
            if seen.at >= push.sent and seen.answered is not None and seen.answered <= push.answered
        ]

    async def push(self, client: TestClient | ClientSession, url: str | URL, body: Any) -> Push:
        """Post ``body`` to the webhook at ``url`` as the gateway does; record when it was answered.

        ``client`` is Home Assistant's test client (``url`` a path) or any session (a full URL).
        """
        loop = asyncio.get_running_loop()
        sent = loop.time()
        response = await client.post(url, json=body)
        answered = loop.time()
        await response.read()
        done = Push(body, sent, answered, response.status)
        self.pushes.append(done)
        return done

    @property
    def host(self) -> str:
        return self.bind

    @property
    def port(self) -> int:
        assert self._port is not None
        return self._port

    async def start(self) -> None:
        """Listen on loopback: a free port the first time, the same port after a restart.

        Each start is a boot: the nonces handed out before are forgotten and the opaque is new,
        as on a gateway that lost power; the inbox, results and failure counts are kept (the
        worst case for a lockout: some firmware keeps its block list across a reboot).
        """
        app = web.Application(middlewares=[self._middleware])
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._nonces = set()
        self._opaque = secrets.token_hex(8)
        self._lock = asyncio.Lock()
        self.boots += 1
        self.server = TestServer(app, host=self.bind, port=self._port)
        await self.server.start_server()
        self._port = self.server.port

    async def stop(self) -> None:
        """Close the server (its address stays free for :meth:`start`)."""
        for task in list(self._airing):
            task.cancel()
        if self._airing:
            await asyncio.gather(*self._airing, return_exceptions=True)
        self._airing.clear()
        if self.server is not None:
            await self.server.close()
            self.server = None

    async def restart(self, password: str | None = None) -> None:
        """Power cycle on the same address, with a new password if given (a firmware reset)."""
        await self.stop()
        if password is not None:
            self.password = password
        await self.start()

    # -- the radio ------------------------------------------------------------------------

    def registered(self, port: int) -> bool:
        """Whether ``port`` has a SIM on the network, as ``get_port_info`` tells it."""
        return self.sim_present.get(port, True) and port not in self.unregistered

    def record_of(self, user_id: int) -> dict[str, Any]:
        """The sending result the gateway keeps for ``user_id`` (exactly one)."""
        (record,) = [r for r in self.results if r["user_id"] == user_id]
        return record

    def waiting(self) -> list[dict[str, Any]]:
        """Accepted SMS neither sent nor failed yet."""
        return [r for r in self.results if r["status"] == "SENDING"]

    def go_on_air(self, record: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one accepted SMS from its port, as the radio does; return the pushes it makes.

        It fails (``FAILED``) on a port that is not registered, whose SIM has no credit, or
        that loses its network as it goes; else it is ``SENT_OK`` and the network carries it
        (and, with ``deliver``, reports it delivered at once).
        """
        port = record["port"]
        if port in self.unregister_on_send:
            self.unregister_on_send.discard(port)
            self.unregistered.add(port)
        if not self.registered(port) or port in self.no_credit:
            record.update(status="FAILED", succ_count=0)
            return [{"sn": self.serial, "sms_result": [dict(record)]}]
        record.update(status="SENT_OK", succ_count=record["count"], time=local_time())
        self.on_air.append(
            {
                "number": record["number"],
                "port": port,
                "user_id": record["user_id"],
                "text": self.texts.get((record["task_id"], record["user_id"]), ""),
            }
        )
        pushes = [{"sn": self.serial, "sms_result": [dict(record)]}]
        if self.deliver:
            report = {
                "port": port,
                "number": record["number"],
                "time": record["time"],
                "ref_id": record["ref_id"],
                "status_code": 0,
                "imsi": record["imsi"],
            }
            self.reports.append(report)
            pushes.append({"sn": self.serial, "sms_deliver_status": [dict(report)]})
        return pushes

    async def air(self) -> int:
        """Put every waiting SMS on the air (unless held); push the results; return how many."""
        if self.hold:
            return 0
        records = self.waiting()
        for record in records:
            for body in self.go_on_air(record):
                await self.push_result(body)
        return len(records)

    async def push_result(self, body: dict[str, Any]) -> None:
        """Push a result or report to Home Assistant, if a push URL is set."""
        if self.push_to is not None:
            client, path = self.push_to
            await self.push(client, path, body)

    async def _air_later(self, records: list[dict[str, Any]]) -> None:
        assert self.air_delay is not None
        await asyncio.sleep(self.air_delay)
        for record in records:
            if self.hold or record["status"] != "SENDING":
                continue
            for body in self.go_on_air(record):
                await self.push_result(body)

    # -- authentication -----------------------------------------------------------------

    def _challenge(self) -> web.Response:
        if self.auth == "basic":
            header = f'Basic realm="{REALM}"'
        else:
            nonce = secrets.token_hex(16)
            self._nonces.add(nonce)
            header = (
                f'Digest realm="{REALM}", nonce="{nonce}", qop="auth", '
                f'algorithm=MD5, opaque="{self._opaque}"'
            )
        return web.Response(
            status=401, text="401 Unauthorized", headers={"WWW-Authenticate": header}
        )

    def _check(self, request: web.Request) -> bool | None:
        """True: good login, False: wrong login, None: no credentials (or not this scheme)."""
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        if self.auth == "basic":
            if scheme.lower() != "basic":
                return None
            try:
                user, _, password = base64.b64decode(value).decode().partition(":")
            except ValueError:
                return False
            return user == self.username and password == self.password
        if scheme.lower() != "digest":
            return None
        fields = {
            key: quoted or bare
            for key, quoted, bare in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', value)
        }
        if fields.get("nonce") not in self._nonces or fields.get("opaque") != self._opaque:
            # A nonce of an earlier boot, or a foreign one: challenge again (no stale=true: the
            # gateway cannot tell it from a guess); a strict gateway counts it as a failed login.
            return False if self.dead_nonce_is_failure else None
        if fields.get("uri") != request.raw_path:
            return False
        ha1 = _md5(f"{fields.get('username')}:{REALM}:{self.password}")
        ha2 = _md5(f"{request.method}:{fields['uri']}")
        expected = _md5(
            f"{ha1}:{fields['nonce']}:{fields.get('nc')}:{fields.get('cnonce')}:"
            f"{fields.get('qop')}:{ha2}"
        )
        return fields.get("username") == self.username and fields.get("response") == expected

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        assert self._lock is not None
        if self.one_at_a_time:
            async with self._lock:
                return await self._serve(request, handler)
        return await self._serve(request, handler)

    async def _serve(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        remote = request.remote or "?"
        seen = Seen(
            request.method,
            request.path,
            request.query_string,
            body,
            request.headers.get("Authorization"),
            False,
            remote=remote,
            at=arrived,
        )
        self.requests.append(seen)
        if (
            self.lockout_after is not None
            and self.failures_by_address.get(remote, 0) >= self.lockout_after
        ):
            seen.locked_out = True
            seen.answered = loop.time()
            return web.Response(status=403, text="locked out")
        verdict = self._check(request)
        seen.authenticated = verdict is True
        if verdict is False:
            self.failed_logins += 1
            self.failures_by_address[remote] = self.failures_by_address.get(remote, 0) + 1
        if verdict is not True:
            seen.answered = loop.time()
            return self._challenge()
        if self.on_request is not None:
            await self.on_request(seen)
        if self.slow:
            await asyncio.sleep(self.slow)
        if faults := self.faults.get(request.path):
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                assert request.transport is not None
                request.transport.close()
                raise ConnectionResetError("dropped on command")
            if fault.status is not None:
                seen.answered = loop.time()
                return web.json_response(
                    fault.body if fault.body is not None else {"error_code": fault.status},
                    status=200 if fault.body is not None else fault.status,
                )
        request["json"] = body
        response = await handler(request)
        seen.answered = loop.time()
        return response

    # -- the API ------------------------------------------------------------------------------

    def _ok(self, code: int = 200, **extra: Any) -> web.Response:
        return web.json_response({"error_code": code, "sn": self.serial, **extra})

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:  # noqa: PLR0912 - one branch per call of the API
        name = request.path.removeprefix("/api/").removeprefix("/")
        body = request["json"]
        query = request.query
        if name == "get_port_info":
            return self._port_info(query)
        if name == "get_status":
            return web.json_response(
                {
                    "performance": {
                        "cpu_used": "12",
                        "flash_total": "27648",
                        "flash_used": "17428",
                        "memory_total": "109448",
                        "memory_cached": "34192",
                        "memory_buffers": "0",
                        "memory_free": "58928",
                        "memory_used": "50520",
                    }
                }
            )
        if name in ("query_sms_in_queue", "query_sms_queue"):
            return self._ok(in_queue=len(self.waiting()))
        if name == "query_incoming_sms":
            after = int(query.get("incoming_sms_id", "0") or 0)
            ports = _ports(query.get("port"))
            found = [
                sms
                for sms in self.inbox
                if sms["incoming_sms_id"] > after and (ports is None or sms["port"] in ports)
            ][: self.sms_page]
            return self._ok(sms=found, read=len(self.inbox), unread=0)
        if name == "send_sms":
            return self._send_sms(body)
        if name == "query_sms_result":
            if len(body.get("user_id") or []) > 32 or len(body.get("number") or []) > 32:
                return self._ok(413)
            ids = body.get("user_id")
            return self._ok(
                result=[
                    r
                    for r in self.results
                    if (ids is None or r["user_id"] in ids) and _matches(r, body)
                ]
            )
        if name == "query_sms_deliver_status":
            if len(body.get("number") or []) > 32:
                return self._ok(413)
            return self._ok(result=[r for r in self.reports if _matches(r, body)])
        if name == "send_ussd":
            if self.ussd_answer is not None:
                return web.json_response(self.ussd_answer)
            for port in body["port"]:
                self.ussd_replies[port] = "Balance 5 EUR"
            return self._ok(202, result=[{"port": p, "status": 200} for p in body["port"]])
        if name == "query_ussd_reply":
            ports = _ports(query.get("port")) or []
            return self._ok(
                reply=[{"port": p, "text": self.ussd_replies.pop(p, "")} for p in ports]
            )
        if name == "stop_sms":
            return self._ok(200)
        if name == "set_port_info":
            return self._ok(200)
        if name == "get_cdr":
            return self._ok(cdr=[])
        if name == "GetSTKView":
            return web.json_response(
                {"title": "STK", "text": "", "input_type": "2", "frame_id": 1, "item": []}
            )
        if name == "STKGo":
            return web.json_response({})
        if name == "GetSTKCurrFrameIndex":
            return web.json_response({"frame_id": 1})
        if name.startswith("mms_file/"):
            return self._ok(200)
        if name == "send_mms":
            return self._ok(202, mms_id=1)
        if name == "query_mms_sending_status":
            return self._ok(200, mms_id=int(query.get("mms_id", "0")))
        return self._ok(404)

    def _port_info(self, query: Any) -> web.Response:
        ports = _ports(query.get("port")) or list(range(self.ports))
        info = []
        for port in ports:
            present = self.sim_present.get(port, True)
            info.append(
                {
                    "port": port,
                    "type": "LTE",
                    "imei": f"8630700170051{port:02d}",
                    "imsi": f"26201000000{port:04d}" if present else "",
                    "iccid": f"894900000000000{port:04d}" if present else "",
                    "smsc": "+4917000000",
                    "number": self.sim_number(port) if present else "",
                    "reg": ("REGISTER_OK" if self.registered(port) else "UNREGISTER")
                    if present
                    else "NO_SIM",
                    "slot": 255,
                    "callstate": "Idle",
                    "signal": 20 if present else 0,
                    "gprs": "attached",
                    "remain_credit": "10.00",
                    "remain_monthly_credit": "5.00",
                    "remain_daily_credit": "1.00",
                    "remain_daily_calltime": "100",
                    "remain_hourly_calltime": "10",
                    "remain_daily_connect": "100",
                }
            )
        return self._ok(info=info)

    def _send_sms(self, body: dict[str, Any]) -> web.Response:
        params = body.get("param") or []
        if len(params) > 128 or len(body.get("text", "").encode()) > 1500:
            return self._ok(413)
        if not params:
            return self._ok(400)
        named = body.get("port") or list(range(self.ports))
        usable = [port for port in named if self.registered(port)]
        if not usable:
            return self._ok(550)  # no available port for sending SMS
        task_id = self.next_task_id
        self.next_task_id += 1
        accepted = []
        for item in params:
            record = {
                "port": usable[0],
                "number": item["number"],
                "user_id": item.get("user_id", 0),
                "time": local_time(),
                "status": "SENDING",
                "count": 1,
                "succ_count": 0,
                "ref_id": self.next_ref_id % 256,
                "imsi": f"26201000000{usable[0]:04d}",
                "task_id": task_id,
            }
            self.next_ref_id += 1
            self.texts[(task_id, record["user_id"])] = body.get("text", "")
            self.results.append(record)
            accepted.append(record)
        if self.air_delay is not None and not self.hold:
            task = asyncio.get_running_loop().create_task(self._air_later(accepted))
            self._airing.add(task)
            task.add_done_callback(self._airing.discard)
        return self._ok(202, sms_in_queue=len(params), task_id=task_id)


def _matches(record: dict[str, Any], query: dict[str, Any]) -> bool:
    """Whether a result or report matches a query's numbers, ports and times (bounds included)."""
    if (numbers := query.get("number")) and record.get("number") not in numbers:
        return False
    if (ports := query.get("port")) and record.get("port") not in ports:
        return False
    when = record.get("time", "")
    if (after := query.get("time_after")) and when < after:
        return False
    return not ((before := query.get("time_before")) and when > before)


def _ports(value: str | None) -> list[int] | None:
    if not value:
        return None
    return [int(part) for part in value.replace("%2C", ",").split(",") if part]
