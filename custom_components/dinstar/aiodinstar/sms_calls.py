"""The SMS and USSD calls: sending, results, delivery reports, the inbox, the queue."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from .enums import IncomingFlag, SmsEncoding
from .errors import DinstarApiError, DinstarError, DinstarResponseError, DinstarValidationError
from .limits import (
    MAX_NUMBERS_PER_QUERY,
    MAX_RECIPIENTS_PER_REQUEST,
    MAX_USSD_BYTES,
    check_number,
    check_ports,
    check_text,
    chunked,
)
from .models import (
    DeliveryReport,
    IncomingSms,
    IncomingSmsPage,
    SendSmsResult,
    SmsRecipient,
    SmsResult,
    UssdReply,
    UssdSendResult,
)
from .parsing import as_int, as_list, format_time, opt_int
from .transport import QueryValue, Transport

ACCEPTED = 202
OK = 200


def query_filters(
    ports: Iterable[int], time_after: datetime | None, time_before: datetime | None
) -> dict[str, Any]:
    """The port and time filters the SMS, report and call record queries share."""
    body: dict[str, Any] = {}
    if port_list := check_ports(ports):
        body["port"] = port_list
    if time_after is not None:
        body["time_after"] = format_time(time_after)
    if time_before is not None:
        body["time_before"] = format_time(time_before)
    return body


class SmsCalls:
    """Sending and following SMS, reading the inbox, and USSD."""

    _transport: Transport

    async def send_sms(
        self,
        text: str,
        recipients: Sequence[SmsRecipient | str],
        *,
        ports: Iterable[int] = (),
        encoding: SmsEncoding | None = None,
        request_status_report: bool | None = None,
    ) -> SendSmsResult:
        """Send ``text`` to every recipient, 128 per request, in order."""
        check_text(text)
        wanted = [r if isinstance(r, SmsRecipient) else SmsRecipient(r) for r in recipients]
        if not wanted:
            raise DinstarValidationError("send_sms needs at least one recipient")
        for recipient in wanted:
            check_number(recipient.number)
        body: dict[str, Any] = {"text": text}
        if port_list := check_ports(ports):
            body["port"] = port_list
        if encoding is not None:
            body["encoding"] = str(encoding)
        if request_status_report is not None:
            body["request_status_report"] = request_status_report
        task_ids: list[int] = []
        in_queue = 0
        accepted = 0
        for batch in chunked(wanted, MAX_RECIPIENTS_PER_REQUEST):
            try:
                answer = await self._transport.call(
                    "POST",
                    "/api/send_sms",
                    json_body={**body, "param": [recipient.to_api() for recipient in batch]},
                    ok_codes=(ACCEPTED, OK),
                )
            except DinstarError as err:
                if not accepted:
                    raise
                result = SendSmsResult(task_ids=tuple(task_ids), sms_in_queue=in_queue)
                not_sent = tuple(recipient.number for recipient in wanted[accepted:])
                raise DinstarPartialSendError(accepted, result, not_sent) from err
            accepted += len(batch)
            if (task_id := opt_int(answer.get("task_id"), "task_id")) is not None:
                task_ids.append(task_id)
            in_queue = opt_int(answer.get("sms_in_queue"), "sms_in_queue") or in_queue
        return SendSmsResult(task_ids=tuple(task_ids), sms_in_queue=in_queue)

    async def query_sms_result(
        self,
        *,
        numbers: Sequence[str] = (),
        ports: Iterable[int] = (),
        user_ids: Iterable[int] = (),
        time_after: datetime | None = None,
        time_before: datetime | None = None,
    ) -> list[SmsResult]:
        """Sending results; more than 32 numbers or user_ids become several queries.

        The spec bounds only the numbers of one query, but a gateway is an embedded server:
        the ids are bounded the same way rather than trusting it with hundreds.
        """
        body = query_filters(ports, time_after, time_before)
        answers: list[Any] = []
        for id_batch in chunked(list(user_ids), MAX_NUMBERS_PER_QUERY) or [()]:
            query = {**body, "user_id": list(id_batch)} if id_batch else body
            answers.extend(await self._query_by_numbers("/api/query_sms_result", query, numbers))
        return [SmsResult.from_api(item) for item in answers]

    async def query_sms_deliver_status(
        self,
        *,
        numbers: Sequence[str] = (),
        ports: Iterable[int] = (),
        time_after: datetime | None = None,
        time_before: datetime | None = None,
    ) -> list[DeliveryReport]:
        """Delivery reports; more than 32 numbers become several queries."""
        body = query_filters(ports, time_after, time_before)
        answers = await self._query_by_numbers("/api/query_sms_deliver_status", body, numbers)
        return [DeliveryReport.from_api(item) for item in answers]

    async def _query_by_numbers(
        self, path: str, body: dict[str, Any], numbers: Sequence[str]
    ) -> list[Any]:
        for number in numbers:
            check_number(number)
        batches: list[Sequence[str]] = chunked(numbers, MAX_NUMBERS_PER_QUERY) or [()]
        results: list[Any] = []
        for batch in batches:
            query = {**body, "number": list(batch)} if batch else body
            answer = await self._transport.call("POST", path, json_body=query)
            results.extend(as_list(answer.get("result"), "result"))
        return results

    async def query_sms_in_queue(self) -> int:
        """How many SMS wait to be sent; older firmware names the call differently."""
        try:
            answer = await self._transport.call("GET", "/api/query_sms_in_queue")
        except DinstarApiError as err:
            if err.error_code != 404:  # HTTP not found
                raise
            answer = await self._transport.call("GET", "/api/query_sms_queue")
        return as_int(answer.get("in_queue"), "in_queue")

    async def query_incoming_sms(
        self,
        *,
        after_id: int = 0,
        flag: IncomingFlag = IncomingFlag.ALL,
        ports: Iterable[int] = (),
    ) -> IncomingSmsPage:
        """One page of received messages with an id above ``after_id``.

        The default flag is ``all``, not the gateway's ``unread``: reading with ``unread``
        marks messages read on the gateway, a side effect a poller must not have.
        """
        query: dict[str, QueryValue] = {"incoming_sms_id": after_id, "flag": str(flag)}
        if port_list := check_ports(ports):
            query["port"] = port_list
        answer = await self._transport.call("GET", "/api/query_incoming_sms", query=query)
        return IncomingSmsPage(
            messages=tuple(
                IncomingSms.from_api(item) for item in as_list(answer.get("sms"), "sms")
            ),
            read=opt_int(answer.get("read"), "read"),
            unread=opt_int(answer.get("unread"), "unread"),
        )

    async def fetch_incoming_since(
        self, after_id: int, *, ports: Iterable[int] = ()
    ) -> list[IncomingSms]:
        """Every message above ``after_id``, paging (about 8 KB a page) until the last page."""
        port_list = check_ports(ports)
        cursor = after_id
        found: dict[int, IncomingSms] = {}
        while True:
            page = await self.query_incoming_sms(after_id=cursor, ports=port_list)
            fresh = [sms for sms in page.messages if sms.incoming_sms_id > cursor]
            for sms in fresh:
                found[sms.incoming_sms_id] = sms
            if not fresh or page.is_last:
                break
            cursor = max(sms.incoming_sms_id for sms in fresh)
        return [found[key] for key in sorted(found)]

    async def stop_sms(self, task_id: int) -> None:
        """Stop a sending task."""
        await self._transport.call(
            "GET",
            "/api/stop_sms",
            query={"task_id": task_id},
            meanings={404: "the SMS sending task cannot be found"},
        )

    # --- USSD ------------------------------------------------------------------------------

    async def send_ussd(self, ports: Iterable[int], text: str) -> list[UssdSendResult]:
        """Send a USSD code on the ports; one outcome per port, in the order asked."""
        if not text:
            raise DinstarValidationError("a USSD code cannot be empty")
        check_text(text, MAX_USSD_BYTES, "USSD text")
        return await self._ussd(ports, "send", text)

    async def cancel_ussd(self, ports: Iterable[int]) -> list[UssdSendResult]:
        """End the USSD sessions on the ports; one outcome per port, in the order asked."""
        return await self._ussd(ports, "cancel", "")

    async def _ussd(self, ports: Iterable[int], command: str, text: str) -> list[UssdSendResult]:
        port_list = check_ports(ports)
        if not port_list:
            raise DinstarValidationError("USSD needs at least one port")
        answer = await self._transport.call(
            "POST",
            "/api/send_ussd",
            json_body={"port": port_list, "command": command, "text": text},
            ok_codes=(ACCEPTED, OK),
        )
        results = [
            UssdSendResult.from_api(item) for item in as_list(answer.get("result"), "result")
        ]
        return per_port(results, port_list, "send_ussd result")

    async def query_ussd_reply(self, ports: Iterable[int]) -> list[UssdReply]:
        """The last USSD reply per port, in the order asked; empty text while none came."""
        port_list = check_ports(ports)
        if not port_list:
            raise DinstarValidationError("query_ussd_reply needs at least one port")
        answer = await self._transport.call(
            "GET", "/api/query_ussd_reply", query={"port": port_list}
        )
        replies = [UssdReply.from_api(item) for item in as_list(answer.get("reply"), "reply")]
        return per_port(replies, port_list, "query_ussd_reply reply")


def per_port[T: UssdSendResult | UssdReply](
    items: Sequence[T], ports: Sequence[int], what: str
) -> list[T]:
    """One item per port asked, in that order.

    Callers unpack one answer per port; an accepted answer that leaves a port out (seen:
    ``send_ussd`` answered with no ``result`` at all) is unreadable, not an empty success.
    """
    by_port: dict[int, T] = {}
    for item in items:
        by_port.setdefault(item.port, item)
    if missing := [port for port in ports if port not in by_port]:
        raise DinstarResponseError(f"{what}: nothing for port(s) {missing}")
    return [by_port[port] for port in ports]


class DinstarPartialSendError(DinstarError):
    """A send to many numbers failed part way: the gateway accepted the first ``accepted``.

    ``result`` is what those requests answered and ``not_sent`` the numbers of the requests
    that failed or were never made; the failure itself is the ``__cause__``. Sending again to
    every number would send the accepted ones twice.
    """

    def __init__(self, accepted: int, result: SendSmsResult, not_sent: tuple[str, ...]) -> None:
        """Keep what went and what did not."""
        super().__init__(f"send_sms: {accepted} accepted, {len(not_sent)} not sent")
        self.accepted = accepted
        self.result = result
        self.not_sent = not_sent
