"""SMS and USSD calls (docs/protocol.md, "Sending SMS" to "USSD")."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from . import actions
from .models import IncomingSms, OutgoingSms
from .routes import ApiBase, BadRequest, json_int, json_list, number_ok, query_int, time_filter
from .sms import segments

MAX_RECIPIENTS = 128
MAX_TEXT_BYTES = 1500
MAX_QUERY_NUMBERS = 32
MAX_USSD_BYTES = 60
PAGE_BYTES = 8192  # real gateways answer query_incoming_sms one ~8 KB page at a time
ENCODINGS = ("unicode", "gsm-7bit")
FLAGS = ("unread", "read", "all")
PLACEHOLDER = "#param#"


class SmsApi(ApiBase):
    """Sending, results, delivery reports, the queue, the inbox, USSD."""

    def routes(self) -> list[web.RouteDef]:
        """This part's paths and methods."""
        post, get = web.post, web.get
        return [
            post("/api/send_sms", self.send_sms),
            post("/api/query_sms_result", self.query_sms_result),
            post("/api/query_sms_deliver_status", self.query_sms_deliver_status),
            get("/api/query_sms_in_queue", self.query_sms_in_queue),
            get("/api/query_sms_queue", self.query_sms_in_queue),
            get("/api/query_incoming_sms", self.query_incoming_sms),
            get("/api/stop_sms", self.stop_sms),
            post("/api/send_ussd", self.send_ussd),
            get("/api/query_ussd_reply", self.query_ussd_reply),
        ]

    async def send_sms(self, request: web.Request) -> web.Response:
        """One message per recipient, spread round-robin over the usable ports."""
        body = await self.object_body(request)
        text, params = body.get("text"), body.get("param")
        if not isinstance(text, str) or not isinstance(params, list) or not params:
            raise BadRequest
        if len(params) > MAX_RECIPIENTS or len(text.encode()) > MAX_TEXT_BYTES:
            raise BadRequest(413)
        encoding = body.get("encoding", "unicode")
        report = body.get("request_status_report", True)
        if encoding not in ENCODINGS or not isinstance(report, bool):
            raise BadRequest
        recipients = [_recipient(param, text) for param in params]
        wanted = self.json_ports(body.get("port"))
        usable = [
            port.index
            for port in self.state.ports
            if port.registered and (not wanted or port.index in wanted)
        ]
        if not usable:
            raise BadRequest(550)
        state = self.state
        task_id = state.next_task_id
        state.next_task_id += 1
        messages = [
            OutgoingSms(
                task_id=task_id,
                port=usable[index % len(usable)],
                number=number,
                text=final,
                encoding=encoding,
                user_id=user_id,
                report=report,
                count=segments(final, encoding),
            )
            for index, (number, final, user_id) in enumerate(recipients)
        ]
        state.tasks[task_id] = messages
        state.sent_messages.extend(messages)
        state.sender.submit(messages)
        return self.envelope("send_sms", 202, sms_in_queue=state.in_queue(), task_id=task_id)

    def _filtered(self, body: dict[str, Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Result and delivery report filters: numbers (at most 32), ports, user ids, a time window."""
        numbers = json_list(body.get("number"))
        if len(numbers) > MAX_QUERY_NUMBERS:
            raise BadRequest(413)
        if not all(number_ok(number) for number in numbers):
            raise BadRequest
        ports = self.json_ports(body.get("port"))
        user_ids = {json_int(user_id) for user_id in json_list(body.get("user_id"))}
        after, before = time_filter(body.get("time_after")), time_filter(body.get("time_before"))
        return [
            item
            for item in items
            if (not numbers or item["number"] in numbers)
            and (not ports or item["port"] in ports)
            and (not user_ids or item.get("user_id") in user_ids)
            and (after is None or item["time"] >= after)
            and (before is None or item["time"] <= before)
        ]

    async def query_sms_result(self, request: web.Request) -> web.Response:
        """Sending results (an empty body asks for everything)."""
        body = await self.object_body(request, optional=True)
        results = [sms.result() for sms in self.state.sent_messages]
        return self.envelope("query_sms_result", result=self._filtered(body, results))

    async def query_sms_deliver_status(self, request: web.Request) -> web.Response:
        """Delivery reports (no user_id filter: a delivery report carries none)."""
        body = await self.object_body(request, optional=True)
        body.pop("user_id", None)
        reports = self._filtered(body, self.state.delivery_reports)
        return self.envelope("query_sms_deliver_status", result=reports)

    async def query_sms_in_queue(self, request: web.Request) -> web.Response:
        """The send queue, also as ``query_sms_queue``, the name some firmware has instead (a quirk switch)."""
        is_alias = request.path.endswith("query_sms_queue")
        if not is_alias and self.state.faults.queue_alias_only:
            raise web.HTTPNotFound
        return self.envelope("query_sms_in_queue", in_queue=self.state.in_queue())

    async def query_incoming_sms(self, request: web.Request) -> web.Response:
        """Ids above the given one, by flag, at most one ~8 KB page.

        ``flag=unread`` (the default) marks what it returns as read, as the gateway does.
        """
        after = query_int(request.query.get("incoming_sms_id"), required=False) or 0
        flag = request.query.get("flag", "unread")
        if flag not in FLAGS:
            raise BadRequest
        ports = self.query_ports(request)
        page: list[IncomingSms] = []
        size = 0
        for sms in self.state.inbox:
            if sms.incoming_sms_id <= after or (ports and sms.port not in ports):
                continue
            if (flag == "unread" and sms.read) or (flag == "read" and not sms.read):
                continue
            size += len(json.dumps(sms.as_api(), ensure_ascii=False).encode())
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
        """404 for a task the gateway does not know."""
        task_id = query_int(request.query.get("task_id"))
        if task_id is None or not self.state.sender.stop_task(task_id):
            raise BadRequest(404)
        return self.envelope("stop_sms")

    async def send_ussd(self, request: web.Request) -> web.Response:
        """202 with a status per port (200 sent, 486 busy, 503 not registered)."""
        body = await self.object_body(request)
        command, text = body.get("command", "send"), body.get("text", "")
        if (
            command not in ("send", "cancel")
            or not isinstance(text, str)
            or (command == "send" and not text)
            or len(text.encode()) > MAX_USSD_BYTES
        ):
            raise BadRequest
        ports = self.json_ports(body.get("port"), required=True)
        result = [
            {
                "port": index,
                "status": actions.send_ussd(self.state, self.state.ports[index], command, text),
            }
            for index in ports
        ]
        return self.envelope("send_ussd", 202, result=result)

    async def query_ussd_reply(self, request: web.Request) -> web.Response:
        """The last reply of each port ("" when there is none)."""
        ports = self.query_ports(request, required=True)
        replies = [{"port": index, "text": self.state.ports[index].ussd_reply} for index in ports]
        return self.envelope("query_ussd_reply", reply=replies)


def _recipient(param: Any, text: str) -> tuple[str, str, int | None]:
    """One ``param`` element: its number, its text with #param# filled in, its user id."""
    if not isinstance(param, dict) or not number_ok(param.get("number")):
        raise BadRequest
    values = json_list(param.get("text_param"))
    if not all(isinstance(value, str) for value in values):
        raise BadRequest
    final = text
    for value in values:
        final = final.replace(PLACEHOLDER, value, 1)
    user_id = param.get("user_id")
    return param["number"], final, None if user_id is None else json_int(user_id)
