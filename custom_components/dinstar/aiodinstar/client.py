"""The Dinstar gateway client: one typed method per call of the HTTP API v1.2."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import aiohttp

from .enums import CallForwardCondition, IncomingFlag, MmsStatus, PortAction, SmsEncoding, StkAction
from .errors import DinstarApiError, DinstarValidationError
from .limits import (
    MAX_FILE_ID,
    MAX_NUMBERS_PER_QUERY,
    MAX_RECIPIENTS_PER_REQUEST,
    MAX_SLOT,
    MAX_USSD_BYTES,
    check_number,
    check_port,
    check_ports,
    check_range,
    check_text,
    chunked,
)
from .models import (
    CallRecord,
    DeliveryReport,
    DeviceStatus,
    IncomingSms,
    IncomingSmsPage,
    MmsConfiguration,
    PortInfo,
    SendSmsResult,
    SmsRecipient,
    SmsResult,
    StkView,
    UssdReply,
    UssdSendResult,
)
from .parsing import as_int, as_list, as_mapping, format_time, opt_int
from .sip_config import ConfigSetResult, GatewayConfig
from .transport import DrpLogin, QueryValue, Transport

# Every info_type of §10 (the table's spellings) and the example's ``smsc``.
ALL_INFO_TYPES = (
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
    "remain_daily_calltime",
    "remain_hourly_calltime",
    "remain_daily_connect",
)
CONFIG_SECTIONS = ("sip_proxy", "sip_trunk", "ip_to_tel_routing", "tel_to_ip_routing", "port_group")
_ACCEPTED = 202
_OK = 200
_MMS_NOT_FOUND = {404: "the file or MMS is not found"}
_PORT_NOT_FOUND = {404: "the port is not found"}


class DinstarClient:
    """Talks to one gateway over an injected ``aiohttp.ClientSession``.

    The session carries :func:`~.transport.digest_middleware`; Basic, HTTPS pinning and DRP
    are handled here. Every method raises a :class:`~.errors.DinstarError` subclass only.
    """

    def __init__(  # noqa: PLR0913 - each is a distinct connection setting
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        port: int | None = None,
        use_https: bool = False,
        username: str,
        password: str,
        fingerprint: str | None = None,
        verify_tls: bool = False,
        drp: DrpLogin | None = None,
        request_timeout: float = 10.0,
    ) -> None:
        """Keep the settings; nothing is sent until the first call."""
        self._transport = Transport(
            session,
            host,
            port=port,
            use_https=use_https,
            username=username,
            password=password,
            fingerprint=fingerprint,
            verify_tls=verify_tls,
            drp=drp,
            request_timeout=request_timeout,
        )

    @property
    def serial(self) -> str | None:
        """The gateway's serial (``sn``), known after the first enveloped answer."""
        return self._transport.serial

    @property
    def base_url(self) -> str:
        """Where requests go."""
        return str(self._transport.base_url)

    # --- SMS -------------------------------------------------------------------------------

    async def send_sms(
        self,
        text: str,
        recipients: Sequence[SmsRecipient | str],
        *,
        ports: Iterable[int] = (),
        encoding: SmsEncoding | None = None,
        request_status_report: bool | None = None,
    ) -> SendSmsResult:
        """Send ``text`` to every recipient (§2), 128 per request, in order."""
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
        for batch in chunked(wanted, MAX_RECIPIENTS_PER_REQUEST):
            answer = await self._transport.call(
                "POST",
                "/api/send_sms",
                json_body={**body, "param": [recipient.to_api() for recipient in batch]},
                ok_codes=(_ACCEPTED, _OK),
            )
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
        """Sending results (§3); more than 32 numbers become several queries."""
        body = _filters(ports, time_after, time_before)
        if ids := list(user_ids):
            body["user_id"] = ids
        answers = await self._query_by_numbers("/api/query_sms_result", body, numbers)
        return [SmsResult.from_api(item) for item in answers]

    async def query_sms_deliver_status(
        self,
        *,
        numbers: Sequence[str] = (),
        ports: Iterable[int] = (),
        time_after: datetime | None = None,
        time_before: datetime | None = None,
    ) -> list[DeliveryReport]:
        """Delivery reports (§4); more than 32 numbers become several queries."""
        body = _filters(ports, time_after, time_before)
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
        """How many SMS wait to be sent (§5); older firmware names the call differently."""
        try:
            answer = await self._transport.call("GET", "/api/query_sms_in_queue")
        except DinstarApiError as err:
            if err.error_code != 404:  # noqa: PLR2004 - HTTP not found
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
        """One page of received messages with an id above ``after_id`` (§6).

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
        """Every message above ``after_id``, paging until no new one comes (8 KB pages)."""
        port_list = check_ports(ports)
        cursor = after_id
        found: dict[int, IncomingSms] = {}
        while True:
            page = await self.query_incoming_sms(after_id=cursor, ports=port_list)
            fresh = [sms for sms in page.messages if sms.incoming_sms_id > cursor]
            if not fresh:
                break
            for sms in fresh:
                found[sms.incoming_sms_id] = sms
            cursor = max(sms.incoming_sms_id for sms in fresh)
        return [found[key] for key in sorted(found)]

    async def stop_sms(self, task_id: int) -> None:
        """Stop a sending task (§9)."""
        await self._transport.call(
            "GET",
            "/api/stop_sms",
            query={"task_id": task_id},
            meanings={404: "the SMS sending task cannot be found"},
        )

    # --- USSD ------------------------------------------------------------------------------

    async def send_ussd(self, ports: Iterable[int], text: str) -> list[UssdSendResult]:
        """Send a USSD code on the ports (§7); each port reports its own outcome."""
        if not text:
            raise DinstarValidationError("a USSD code cannot be empty")
        check_text(text, MAX_USSD_BYTES, "USSD text")
        return await self._ussd(ports, "send", text)

    async def cancel_ussd(self, ports: Iterable[int]) -> list[UssdSendResult]:
        """End the USSD sessions on the ports (§7)."""
        return await self._ussd(ports, "cancel", "")

    async def _ussd(self, ports: Iterable[int], command: str, text: str) -> list[UssdSendResult]:
        port_list = check_ports(ports)
        if not port_list:
            raise DinstarValidationError("USSD needs at least one port")
        answer = await self._transport.call(
            "POST",
            "/api/send_ussd",
            json_body={"port": port_list, "command": command, "text": text},
            ok_codes=(_ACCEPTED, _OK),
        )
        return [UssdSendResult.from_api(item) for item in as_list(answer.get("result"), "result")]

    async def query_ussd_reply(self, ports: Iterable[int]) -> list[UssdReply]:
        """The last USSD reply per port; empty text while none came (§8)."""
        port_list = check_ports(ports)
        if not port_list:
            raise DinstarValidationError("query_ussd_reply needs at least one port")
        answer = await self._transport.call(
            "GET", "/api/query_ussd_reply", query={"port": port_list}
        )
        return [UssdReply.from_api(item) for item in as_list(answer.get("reply"), "reply")]

    # --- Ports -----------------------------------------------------------------------------

    async def get_port_info(
        self, ports: Iterable[int] = (), info_types: Iterable[str] = ALL_INFO_TYPES
    ) -> list[PortInfo]:
        """Port information (§10): every port and every field in one request by default."""
        query: dict[str, QueryValue] = {"info_type": list(info_types)}
        if port_list := check_ports(ports):
            query["port"] = port_list
        answer = await self._transport.call("GET", "/api/get_port_info", query=query)
        return [PortInfo.from_api(item) for item in as_list(answer.get("info"), "info")]

    async def get_call_forwarding(self, port: int) -> Mapping[str, str]:
        """The call forwarding read after :meth:`check_call_forwarding` (§18.5)."""
        infos = await self.get_port_info([port], ["CallForward"])
        return next((info.call_forwarding or {} for info in infos if info.port == port), {})

    async def set_port_info(
        self, port: int, action: PortAction, param: str | None = None, number: str | None = None
    ) -> None:
        """Run a ``set_port_info`` action (§11, §18), its parameter checked first."""
        query: dict[str, QueryValue] = {"port": check_port(port), "action": str(action)}
        param = _check_port_param(action, param)
        if param is not None:
            query["param"] = param
        if number is not None:
            query["number"] = check_number(number)
        await self._transport.call("GET", "/api/set_port_info", query=query)

    async def set_slot(self, port: int, slot: int) -> None:
        """Switch a multi-SIM port to another slot (0-3)."""
        await self.set_port_info(port, PortAction.SLOT, str(check_range(slot, 0, MAX_SLOT, "slot")))

    async def reset_port(self, port: int) -> None:
        """Reset the port's module."""
        await self.set_port_info(port, PortAction.RESET)

    async def set_power(self, port: int, *, on: bool) -> None:
        """Power the port's module on or off."""
        await self.set_port_info(port, PortAction.POWER, "on" if on else "off")

    async def set_call_forwarding(
        self, port: int, condition: CallForwardCondition, number: str | None = None
    ) -> None:
        """Forward calls on a condition to ``number`` (none for ``CancelAll``) (§18.1)."""
        if condition is not CallForwardCondition.CANCEL_ALL and not number:
            raise DinstarValidationError(f"forwarding on {condition} needs a number")
        await self.set_port_info(port, PortAction.CALL_FORWARD, str(condition), number)

    async def check_call_forwarding(self, port: int) -> None:
        """Ask the network for the port's forwarding, to read afterwards (§18.3)."""
        await self.set_port_info(port, PortAction.CHECK_CALL_FORWARD)

    async def get_cdr(
        self,
        *,
        ports: Iterable[int] = (),
        time_after: datetime | None = None,
        time_before: datetime | None = None,
    ) -> list[CallRecord]:
        """Call records (§12); some firmware lists them under ``info``."""
        answer = await self._transport.call(
            "POST", "/api/get_cdr", json_body=_filters(ports, time_after, time_before)
        )
        records = answer.get("cdr", answer.get("info"))
        return [CallRecord.from_api(item) for item in as_list(records, "cdr")]

    # --- SIM Toolkit -----------------------------------------------------------------------

    async def get_stk_view(self, port: int) -> StkView:
        """The SIM Toolkit screen of a port (§13)."""
        answer = await self._transport.raw_call(
            "GET", "/GetSTKView", query={"port": check_port(port)}
        )
        return StkView.from_api(answer)

    async def stk_go(
        self,
        port: int,
        *,
        item: int | None = None,
        param: str | None = None,
        action: StkAction | None = None,
    ) -> None:
        """Choose an item, answer an input, or press ok/cancel/home (§14)."""
        body: dict[str, Any] = {"port": check_port(port)}
        if item is not None:
            body["item"] = item
        if param is not None:
            body["param"] = param
        if action is not None:
            body["action"] = str(action)
        if len(body) == 1:
            raise DinstarValidationError("STKGo needs an item, a param or an action")
        await self._transport.raw_call("POST", "/STKGo", json_body=body)

    async def get_stk_frame_id(self, port: int) -> int:
        """The id of the screen the port shows now (§15)."""
        answer = await self._transport.raw_call(
            "GET", "/GetSTKCurrFrameIndex", query={"port": check_port(port)}
        )
        return as_int(as_mapping(answer, "frame").get("frame_id"), "frame_id")

    # --- Device ----------------------------------------------------------------------------

    async def get_status(self) -> DeviceStatus:
        """CPU, memory and flash use (§16): a bare array in, no envelope out."""
        answer = await self._transport.raw_call(
            "POST", "/api/get_status", json_body=["performance"]
        )
        return DeviceStatus.from_api(answer)

    async def get_config(self, sections: Iterable[str] = CONFIG_SECTIONS) -> GatewayConfig:
        """SIP and routing configuration (§19); empty lists ask for every index."""
        wanted = list(sections)
        if unknown := set(wanted) - set(CONFIG_SECTIONS):
            raise DinstarValidationError(f"unknown configuration sections: {sorted(unknown)}")
        answer = await self._transport.raw_call(
            "POST", "/api/get_config", json_body={name: [] for name in wanted}
        )
        return GatewayConfig.from_api(answer)

    async def set_config(self, config: GatewayConfig) -> ConfigSetResult:
        """Write the sections ``config`` holds (§20)."""
        body = config.to_api()
        if not body:
            raise DinstarValidationError("set_config needs at least one section")
        return ConfigSetResult.from_api(
            await self._transport.raw_call("POST", "/api/set_config", json_body=body)
        )

    # --- MMS and proxy ---------------------------------------------------------------------

    async def configure_mms(
        self, port: int, configuration: MmsConfiguration, *, enabled: bool = True
    ) -> None:
        """Set a port's MMS APN and MMSC (§21)."""
        await self._transport.call(
            "POST",
            "/api/mms_configuration",
            json_body={
                "port": check_port(port),
                "configuration": configuration.to_api(),
                "status": "on" if enabled else "off",
            },
            ok_codes=(_OK, _ACCEPTED),
            meanings=_PORT_NOT_FOUND,
        )

    async def upload_mms_file(self, file_id: int, filename: str, content: bytes) -> None:
        """Store a file on the gateway as ``file{file_id}`` for :meth:`send_mms` (§22)."""
        check_range(file_id, 0, MAX_FILE_ID, "file_id")
        form = aiohttp.FormData()
        form.add_field("file", content, filename=filename)
        await self._transport.raw_call("POST", f"/api/mms_file/file{file_id}", form=form)

    async def send_mms(self, port: int, title: str, number: str, file_id: int) -> int:
        """Send an uploaded file as an MMS (§23); returns the ``mms_id``."""
        answer = await self._transport.call(
            "POST",
            "/api/send_mms",
            json_body={
                "port": check_port(port),
                "title": title,
                "number": check_number(number),
                "file_id": check_range(file_id, 0, MAX_FILE_ID, "file_id"),
            },
            ok_codes=(_ACCEPTED, _OK),
            meanings=_MMS_NOT_FOUND,
        )
        return as_int(answer.get("mms_id"), "mms_id")

    async def query_mms_sending_status(self, mms_id: int) -> MmsStatus:
        """Whether an MMS is sent, pending or failed (§24): the code is the answer."""
        answer = await self._transport.call(
            "GET",
            "/api/query_mms_sending_status",
            query={"mms_id": mms_id},
            ok_codes=tuple(MmsStatus),
            meanings=_MMS_NOT_FOUND,
        )
        return MmsStatus(as_int(answer.get("error_code"), "error_code"))

    async def set_socks5_proxy(self, port: int, *, enabled: bool) -> int | None:
        """Turn the SOCKS5 proxy over a port's data link on or off (§25)."""
        answer = await self._transport.call(
            "POST",
            "/api/socks5_proxy",
            json_body={"port": check_port(port), "state": "on" if enabled else "off"},
        )
        return opt_int(answer.get("socks_port"), "socks_port")


def _filters(
    ports: Iterable[int], time_after: datetime | None, time_before: datetime | None
) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if port_list := check_ports(ports):
        body["port"] = port_list
    if time_after is not None:
        body["time_after"] = format_time(time_after)
    if time_before is not None:
        body["time_before"] = format_time(time_before)
    return body


def _is_number(value: str) -> bool:
    try:
        check_number(value)
    except DinstarValidationError:
        return False
    return True


_IMEI_DIGITS = 15
_PIN_DIGITS = range(4, 9)
# What each action's parameter must be (§11, §18); actions absent here take none.
_PARAM_CHECKS: dict[PortAction, tuple[str, Callable[[str], bool]]] = {
    PortAction.SLOT: ("a slot from 0 to 3", lambda p: p.isdigit() and int(p) <= MAX_SLOT),
    PortAction.POWER: ('"on" or "off"', lambda p: p in ("on", "off")),
    PortAction.IMEI: ("a 15-digit IMEI", lambda p: p.isdigit() and len(p) == _IMEI_DIGITS),
    PortAction.NUMBER: ("the SIM's phone number", _is_number),
    PortAction.LOCK: (
        "the SIM's PIN (4-8 digits)",
        lambda p: p.isdigit() and len(p) in _PIN_DIGITS,
    ),
    PortAction.UNLOCK: (
        "the SIM's PIN (4-8 digits)",
        lambda p: p.isdigit() and len(p) in _PIN_DIGITS,
    ),
    PortAction.CALL_FORWARD: (
        "a forwarding condition",
        lambda p: p in {str(condition) for condition in CallForwardCondition},
    ),
}


def _check_port_param(action: PortAction, param: str | None) -> str | None:
    """Check the parameter an action needs, so a wrong one is never sent."""
    rule = _PARAM_CHECKS.get(action)
    if rule is None:
        if param:
            raise DinstarValidationError(f"action {action} takes no parameter")
        return None
    description, is_valid = rule
    if param is None or not is_valid(param):
        raise DinstarValidationError(f"action {action} needs {description}, not {param!r}")
    return param
