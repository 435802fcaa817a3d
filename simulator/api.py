"""The gateway's HTTP API (§2-§25), answered from the simulator's state."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .quirks import render
from .state import IncomingSms, OutgoingSms, segments

if TYPE_CHECKING:
    from .server import Simulator

MAX_NUMBER_BYTES = 24
MAX_RECIPIENTS = 128
MAX_TEXT_BYTES = 1500
MAX_QUERY_NUMBERS = 32
MAX_USSD_BYTES = 60
PAGE_BYTES = 8192
INFO_ALIASES = {
    "remain_daily_calltime": "remain_daily_call_time",
    "remain_hourly_calltime": "remain_hourly_call_time",
    "remain_daily_connect": "remain_daily_connected",
}
INFO_TYPES = {
    "type",
    "imei",
    "imsi",
    "iccid",
    "smsc",
    "number",
    "reg",
    "slot",
    "callstate",
    "signal",
    "gprs",
    "remain_credit",
    "remain_monthly_credit",
    "remain_daily_credit",
    "remain_daily_call_time",
    "remain_hourly_call_time",
    "remain_daily_connected",
}


class BadRequest(Exception):  # noqa: N818 - named after the answer it becomes
    """Answered with the envelope's 400 (or another code)."""

    def __init__(self, code: int = 400) -> None:
        """Keep the code to answer."""
        super().__init__(code)
        self.code = code


def _list(value: str | None) -> list[str]:
    return [part for part in (value or "").replace("%2C", ",").split(",") if part]


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise BadRequest
    try:
        return int(value)
    except (TypeError, ValueError) as err:
        raise BadRequest from err


def _number_ok(number: Any) -> bool:
    if not isinstance(number, str) or len(number.encode()) > MAX_NUMBER_BYTES:
        return False
    digits = number.removeprefix("+")
    return bool(digits) and digits.isdigit()


class GatewayApi:
    """Route handlers; the simulator's middleware has done auth, faults and counting."""

    def __init__(self, sim: Simulator) -> None:
        """Serve the simulator's state."""
        self.sim = sim
        self.state = sim.state

    def routes(self) -> list[web.RouteDef]:
        """Every path and method of the spec."""
        post, get = web.post, web.get
        return [
            post("/api/send_sms", self.send_sms),
            post("/api/query_sms_result", self.query_sms_result),
            post("/api/query_sms_deliver_status", self.query_sms_deliver_status),
            get("/api/query_sms_in_queue", self.query_sms_in_queue),
            get("/api/query_sms_queue", self.query_sms_in_queue),
            get("/api/query_incoming_sms", self.query_incoming_sms),
            post("/api/send_ussd", self.send_ussd),
            get("/api/query_ussd_reply", self.query_ussd_reply),
            get("/api/stop_sms", self.stop_sms),
            get("/api/get_port_info", self.get_port_info),
            get("/api/set_port_info", self.set_port_info),
            post("/api/get_cdr", self.get_cdr),
            get("/GetSTKView", self.stk_view),
            post("/STKGo", self.stk_go),
            get("/GetSTKCurrFrameIndex", self.stk_frame),
            post("/api/get_status", self.get_status),
            get("/api/get_status", self.forbidden),
            post("/api/get_config", self.get_config),
            post("/api/set_config", self.set_config),
            post("/api/mms_configuration", self.mms_configuration),
            post(r"/api/mms_file/file{file_id:\d+}", self.mms_file),
            post("/api/send_mms", self.send_mms),
            get("/api/query_mms_sending_status", self.query_mms_status),
            post("/api/socks5_proxy", self.socks5_proxy),
        ]

    def envelope(self, endpoint: str, code: int = 200, **fields: Any) -> web.Response:
        """The usual ``error_code``/``sn`` answer, malformed the spec's way when asked."""
        return self.answer(endpoint, {"error_code": code, "sn": self.state.serial, **fields})

    def answer(self, endpoint: str, value: Any) -> web.Response:
        """Any JSON answer, through the quirk renderer."""
        text = render(endpoint, value, malformed=self.state.faults.malformed)
        return web.Response(text=text, content_type="application/json")

    async def body(self, request: web.Request) -> Any:
        """The JSON body, or a 400."""
        try:
            return json.loads(await request.read() or b"null")
        except (ValueError, UnicodeDecodeError) as err:
            raise BadRequest from err

    def ports(self, values: Any, *, required: bool = False) -> list[int]:
        """Validate a port list: every one must exist on this gateway."""
        if values in (None, "", []):
            if required:
                raise BadRequest
            return []
        items = values if isinstance(values, list) else [values]
        ports = [_int(item) for item in items]
        if any(self.state.port(port) is None for port in ports):
            raise BadRequest
        return ports

    # --- SMS ---------------------------------------------------------------------------------

    async def send_sms(self, request: web.Request) -> web.Response:
        """§2: queue one message per recipient."""
        body = await self.body(request)
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("text"), str)
            or not isinstance(body.get("param"), list)
            or not body["param"]
        ):
            raise BadRequest
        text: str = body["text"]
        params: list[Any] = body["param"]
        if len(params) > MAX_RECIPIENTS or len(text.encode()) > MAX_TEXT_BYTES:
            raise BadRequest(413)
        if not all(isinstance(p, dict) and _number_ok(p.get("number")) for p in params):
            raise BadRequest
        encoding = body.get("encoding", "unicode")
        if encoding not in ("unicode", "gsm-7bit"):
            raise BadRequest
        wanted = self.ports(body.get("port"))
        usable = [
            p.index for p in self.state.ports if p.registered and (not wanted or p.index in wanted)
        ]
        if not usable:
            raise BadRequest(550)
        task_id = self.state.next_task_id
        self.state.next_task_id += 1
        messages = []
        for index, param in enumerate(params):
            final = text
            for value in param.get("text_param", []):
                final = final.replace("#param#", str(value), 1)
            user_id = param.get("user_id")
            messages.append(
                OutgoingSms(
                    task_id=task_id,
                    port=usable[index % len(usable)],
                    number=param["number"],
                    text=final,
                    encoding=encoding,
                    user_id=None if user_id is None else _int(user_id),
                    report=body.get("request_status_report", True) is not False,
                    count=segments(final, encoding),
                )
            )
        self.state.tasks[task_id] = messages
        self.state.sent_messages.extend(messages)
        self.sim.queue_messages(messages)
        return self.envelope("send_sms", 202, sms_in_queue=self.sim.in_queue(), task_id=task_id)

    def _filtered(self, body: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not isinstance(body, dict):
            raise BadRequest
        numbers = body.get("number") or []
        if len(numbers) > MAX_QUERY_NUMBERS:
            raise BadRequest(413)
        ports = self.ports(body.get("port"))
        user_ids = {_int(u) for u in body.get("user_id") or []}
        after, before = body.get("time_after"), body.get("time_before")
        return [
            item
            for item in items
            if (not numbers or item["number"] in numbers)
            and (not ports or item["port"] in ports)
            and (not user_ids or item.get("user_id") in user_ids)
            and (not after or item["time"] >= after)
            and (not before or item["time"] <= before)
        ]

    async def query_sms_result(self, request: web.Request) -> web.Response:
        """§3."""
        results = [sms.result() for sms in self.state.sent_messages]
        return self.envelope(
            "query_sms_result", result=self._filtered(await self.body(request), results)
        )

    async def query_sms_deliver_status(self, request: web.Request) -> web.Response:
        """§4."""
        body = await self.body(request)
        if isinstance(body, dict):
            body.pop("user_id", None)
        return self.envelope(
            "query_sms_deliver_status", result=self._filtered(body, self.state.delivery_reports)
        )

    async def query_sms_in_queue(self, request: web.Request) -> web.Response:
        """§5, and the name some firmware uses."""
        is_alias = request.path.endswith("query_sms_queue")
        if self.state.faults.queue_alias_only != is_alias:
            raise web.HTTPNotFound
        return self.envelope("query_sms_in_queue", in_queue=self.sim.in_queue())

    async def query_incoming_sms(self, request: web.Request) -> web.Response:
        """§6: ids above the given one, by flag, at most one ~8 KB page."""
        after = _int(request.query.get("incoming_sms_id", "0"))
        flag = request.query.get("flag", "unread")
        if flag not in ("unread", "read", "all"):
            raise BadRequest
        ports = self.ports(_list(request.query.get("port")))
        page: list[IncomingSms] = []
        size = 0
        for sms in self.state.inbox:
            if sms.incoming_sms_id <= after or (ports and sms.port not in ports):
                continue
            if (flag == "unread" and sms.read) or (flag == "read" and not sms.read):
                continue
            size += len(json.dumps(sms.as_api()))
            if page and size > PAGE_BYTES:
                break
            page.append(sms)
        if flag == "unread":
            for sms in page:
                sms.read = True
        read = sum(sms.read for sms in self.state.inbox)
        return self.envelope(
            "query_incoming_sms",
            sms=[sms.as_api() for sms in page],
            read=read,
            unread=len(self.state.inbox) - read,
        )

    async def stop_sms(self, request: web.Request) -> web.Response:
        """§9."""
        task = self.state.tasks.get(_int(request.query.get("task_id")))
        if task is None:
            raise BadRequest(404)
        for sms in task:
            if sms.status == "SENDING":
                sms.status = "FAILED"
        return self.envelope("stop_sms")

    # --- USSD ----------------------------------------------------------------------------------

    async def send_ussd(self, request: web.Request) -> web.Response:
        """§7: per-port outcome."""
        body = await self.body(request)
        if not isinstance(body, dict):
            raise BadRequest
        command, text = body.get("command", "send"), body.get("text", "")
        if (
            command not in ("send", "cancel")
            or (command == "send" and not text)
            or len(str(text).encode()) > MAX_USSD_BYTES
        ):
            raise BadRequest
        result = []
        for index in self.ports(body.get("port"), required=True):
            port = self.state.ports[index]
            if command == "cancel":
                port.ussd_reply = ""
                status = 200
            elif not port.registered:
                status = 503
            elif port.callstate != "Idle":
                status = 486
            else:
                status = 200
                self.sim.answer_ussd(port, str(text))
            result.append({"port": index, "status": status})
        return self.envelope("send_ussd", 202, result=result)

    async def query_ussd_reply(self, request: web.Request) -> web.Response:
        """§8."""
        ports = self.ports(_list(request.query.get("port")), required=True)
        return self.envelope(
            "query_ussd_reply",
            reply=[{"port": p, "text": self.state.ports[p].ussd_reply} for p in ports],
        )

    # --- Ports ---------------------------------------------------------------------------------

    async def get_port_info(self, request: web.Request) -> web.Response:
        """§10 and §18.5, with the example's field names."""
        wanted = [INFO_ALIASES.get(name, name) for name in _list(request.query.get("info_type"))]
        if not wanted or any(name not in INFO_TYPES | {"CallForward"} for name in wanted):
            raise BadRequest
        ports = self.ports(_list(request.query.get("port"))) or [p.index for p in self.state.ports]
        info = []
        for index in ports:
            port = self.state.ports[index]
            item: dict[str, Any] = {"port": index}
            for name in wanted:
                if name == "CallForward":
                    item["CallForwarding"] = port.call_forward_checked or {}
                else:
                    item[name] = port.info(name)
            info.append(item)
        return self.envelope(
            "get_port_info" + ("_callforward" if "CallForward" in wanted else ""), info=info
        )

    async def set_port_info(self, request: web.Request) -> web.Response:
        """§11 and §18.1-§18.4."""
        query = request.query
        port = self.state.port(_int(query.get("port")))
        if port is None:
            raise BadRequest
        if not self.sim.port_action(
            port, query.get("action", ""), query.get("param"), query.get("number")
        ):
            raise BadRequest
        return self.envelope("set_port_info")

    async def get_cdr(self, request: web.Request) -> web.Response:
        """§12 (under ``info`` on some firmware)."""
        body = await self.body(request) or {}
        if not isinstance(body, dict):
            raise BadRequest
        ports = self.ports(body.get("port"))
        after, before = body.get("time_after"), body.get("time_before")
        records = [
            r
            for r in self.state.cdrs
            if (not ports or r["port"] in ports)
            and (not after or r["start_date"] >= after)
            and (not before or r["start_date"] <= before)
        ]
        key = "info" if self.state.faults.cdr_under_info else "cdr"
        return self.answer("get_cdr", {"error_code": 200, "sn": self.state.serial, key: records})

    # --- SIM Toolkit (no envelope) -------------------------------------------------------------

    def _stk_port(self, value: Any) -> Any:
        port = self.state.port(_int(value))
        if port is None:
            raise BadRequest
        return port

    async def stk_view(self, request: web.Request) -> web.Response:
        """§13."""
        return self.answer("GetSTKView", self._stk_port(request.query.get("port")).stk.view())

    async def stk_go(self, request: web.Request) -> web.Response:
        """§14: the spec shows no answer body; an empty one is sent."""
        body = await self.body(request)
        if not isinstance(body, dict):
            raise BadRequest
        port = self._stk_port(body.get("port"))
        item = body.get("item")
        if not port.stk.go(
            item=None if item is None else _int(item),
            param=body.get("param"),
            action=body.get("action"),
        ):
            raise BadRequest
        return web.Response(status=200)

    async def stk_frame(self, request: web.Request) -> web.Response:
        """§15."""
        return self.answer(
            "GetSTKCurrFrameIndex",
            {"frame_id": self._stk_port(request.query.get("port")).stk.frame_id},
        )

    # --- Device and configuration --------------------------------------------------------------

    async def get_status(self, request: web.Request) -> web.Response:
        """§16: a bare array in, no envelope out."""
        if await self.body(request) != ["performance"]:
            raise BadRequest
        return self.answer("get_status", {"performance": self.sim.performance()})

    async def forbidden(self, _request: web.Request) -> web.Response:
        """Real firmware answers the wrong method with 403."""
        raise web.HTTPForbidden

    async def get_config(self, request: web.Request) -> web.Response:
        """§19: the sections asked for (empty list: every index)."""
        body = await self.body(request)
        if not isinstance(body, dict) or not body or any(key not in self.state.sip for key in body):
            raise BadRequest
        answer: dict[str, Any] = {}
        for key, indexes in body.items():
            value = self.state.sip[key]
            answer[key] = (
                value
                if key == "sip_proxy" or not indexes
                else [v for v in value if v["index"] in indexes]
            )
        return self.answer("get_config", answer)

    async def set_config(self, request: web.Request) -> web.Response:
        """§20: an array of one-key objects."""
        body = await self.body(request)
        if not isinstance(body, dict) or not body or any(key not in self.state.sip for key in body):
            raise BadRequest
        results: list[dict[str, Any]] = []
        for key, value in body.items():
            if key == "sip_proxy":
                self.state.sip[key] = (
                    value[0] if isinstance(value, list) and value else value
                ) or self.state.sip[key]
                results.append({key: "success"})
                continue
            stored = {item["index"]: item for item in self.state.sip[key]}
            for item in value:
                stored[_int(item.get("index"))] = item
            self.state.sip[key] = sorted(stored.values(), key=lambda entry: entry["index"])
            results.append({key: [f"{item.get('index')}_success" for item in value]})
        return self.answer("set_config", results)

    async def mms_configuration(self, request: web.Request) -> web.Response:
        """§21."""
        body = await self.body(request)
        if not isinstance(body, dict) or not isinstance(body.get("configuration"), dict):
            raise BadRequest
        port = self.state.port(_int(body.get("port")))
        if port is None:
            raise BadRequest(404)
        port.mms_config = {**body["configuration"], "status": body.get("status", "on")}
        return self.envelope("mms_configuration")

    async def mms_file(self, request: web.Request) -> web.Response:
        """§22: a multipart upload under the field ``file``."""
        file_id = int(request.match_info["file_id"])
        if file_id > 31:  # noqa: PLR2004
            raise BadRequest
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise BadRequest
        self.state.mms_files[file_id] = upload.file.read()
        return self.envelope("mms_file")

    async def send_mms(self, request: web.Request) -> web.Response:
        """§23 (the example answers 200)."""
        body = await self.body(request)
        if not isinstance(body, dict) or not _number_ok(body.get("number")):
            raise BadRequest
        port = self.state.port(_int(body.get("port")))
        if port is None:
            raise BadRequest
        if _int(body.get("file_id")) not in self.state.mms_files:
            raise BadRequest(404)
        mms_id = self.sim.send_mms(port)
        return self.envelope("send_mms", 200, mms_id=mms_id)

    async def query_mms_status(self, request: web.Request) -> web.Response:
        """§24: the envelope's code is the status."""
        mms_id = _int(request.query.get("mms_id"))
        if mms_id not in self.state.mms:
            raise BadRequest(404)
        return self.envelope("query_mms_sending_status", self.state.mms[mms_id], mms_id=mms_id)

    async def socks5_proxy(self, request: web.Request) -> web.Response:
        """§25."""
        body = await self.body(request)
        if not isinstance(body, dict) or body.get("state") not in ("on", "off"):
            raise BadRequest
        port = self.state.port(_int(body.get("port")))
        if port is None:
            raise BadRequest
        port.socks = body["state"] == "on"
        if port.socks and not port.registered:
            raise BadRequest(503)
        return self.envelope("socks5_proxy", socks_port=1080 + port.index if port.socks else 0)
