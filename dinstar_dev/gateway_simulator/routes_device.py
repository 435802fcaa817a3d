"""Port, record, SIM Toolkit, status, configuration, MMS and proxy calls."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import actions
from .routes import (
    ApiBase,
    BadRequest,
    json_int,
    json_list,
    number_ok,
    query_int,
    query_list,
    time_filter,
)
from .seed import port_map_text

MAX_FILE_ID = 31
SOCKS_BASE_PORT = 1080
MMS_FIELDS = ("APN", "username", "password", "MMSC", "MMS_proxy", "MMS_port")
CONFIG_SECTIONS = ("sip_proxy", "sip_trunk", "ip_to_tel_routing", "tel_to_ip_routing", "port_group")
# get_port_info's example spellings (what the gateway answers) -> its table's (what some firmware
# answers instead: the port_info_table_names switch).
TABLE_SPELLINGS = {
    "remain_daily_call_time": "remain_daily_calltime",
    "remain_hourly_call_time": "remain_hourly_calltime",
    "remain_daily_connected": "remain_daily_connect",
}
# Either spelling is asked for; the table's lead to the example's.
INFO_ALIASES = {table: example for example, table in TABLE_SPELLINGS.items()} | {
    "CallForwarding": "CallForward"
}
INFO_TYPES = frozenset(
    {
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
        "CallForward",
    }
)


class DeviceApi(ApiBase):
    """Everything that is not SMS or USSD."""

    def routes(self) -> list[web.RouteDef]:
        """This part's paths and methods."""
        post, get = web.post, web.get
        return [
            get("/api/get_port_info", self.get_port_info),
            get("/api/set_port_info", self.set_port_info),
            post("/api/get_cdr", self.get_cdr),
            get("/GetSTKView", self.stk_view),
            post("/STKGo", self.stk_go),
            get("/GetSTKCurrFrameIndex", self.stk_frame),
            post("/api/get_status", self.get_status),
            post("/api/get_config", self.get_config),
            post("/api/set_config", self.set_config),
            post("/api/mms_configuration", self.mms_configuration),
            post(r"/api/mms_file/file{file_id:\d+}", self.mms_file),
            post("/api/send_mms", self.send_mms),
            get("/api/query_mms_sending_status", self.query_mms_status),
            post("/api/socks5_proxy", self.socks5_proxy),
        ]

    async def get_port_info(self, request: web.Request) -> web.Response:
        """The info_types asked for (either spelling), of the ports asked for."""
        wanted = [
            INFO_ALIASES.get(name, name) for name in query_list(request.query.get("info_type"))
        ]
        if not wanted or any(name not in INFO_TYPES for name in wanted):
            raise BadRequest
        ports = self.query_ports(request) or [port.index for port in self.state.ports]
        faults = self.state.faults
        # The vendor's example answers under "CallForwarding"; some firmware uses "CallForward".
        forward_key = "CallForward" if faults.callforward_key else "CallForwarding"
        spellings = TABLE_SPELLINGS if faults.port_info_table_names else {}
        info = []
        for index in ports:
            port = self.state.ports[index]
            item: dict[str, Any] = {"port": index}
            for name in wanted:
                if name == "CallForward":
                    # What the last CheckCallForward read from the network.
                    item[forward_key] = port.call_forward_checked or {}
                else:
                    item[spellings.get(name, name)] = port.info(name)
            info.append(item)
        endpoint = "get_port_info_callforward" if "CallForward" in wanted else "get_port_info"
        return self.envelope(endpoint, info=info)

    async def set_port_info(self, request: web.Request) -> web.Response:
        """Port actions and call forwarding; 400 for an unknown action or a parameter it does not take."""
        query = request.query
        port = self.port(query_int(query.get("port")))
        if not actions.port_action(
            self.state, port, query.get("action", ""), query.get("param"), query.get("number")
        ):
            raise BadRequest
        return self.envelope("set_port_info")

    async def get_cdr(self, request: web.Request) -> web.Response:
        """Call records, under ``cdr`` (or ``info``, as some firmware has it: a quirk switch)."""
        body = await self.object_body(request, optional=True)
        ports = self.json_ports(body.get("port"))
        after, before = time_filter(body.get("time_after")), time_filter(body.get("time_before"))
        records = [
            self.state.cdr_as_written(record)
            for record in self.state.cdrs
            if (not ports or record["port"] in ports)
            and (after is None or record["start_date"] >= after)
            and (before is None or record["start_date"] <= before)
        ]
        key = "info" if self.state.faults.cdr_under_info else "cdr"
        return self.answer("get_cdr", {"error_code": 200, "sn": self.state.serial, key: records})

    async def stk_view(self, request: web.Request) -> web.Response:
        """The current SIM Toolkit screen, without an envelope."""
        port = self.port(query_int(request.query.get("port")))
        view = port.stk.view(input_type_int=self.state.faults.stk_input_type_int)
        return self.answer("GetSTKView", view)

    async def stk_go(self, request: web.Request) -> web.Response:
        """The vendor documents no answer; an empty 200 it is (400 when the screen refuses)."""
        body = await self.object_body(request)
        port = self.port(json_int(body.get("port")))
        item, param, action = body.get("item"), body.get("param"), body.get("action")
        if (param is not None and not isinstance(param, str)) or (
            action is not None and not isinstance(action, str)
        ):
            raise BadRequest
        if not port.stk.go(
            item=None if item is None else json_int(item), param=param, action=action
        ):
            raise BadRequest
        return web.Response(status=200)

    async def stk_frame(self, request: web.Request) -> web.Response:
        """The current SIM Toolkit frame id, without an envelope."""
        port = self.port(query_int(request.query.get("port")))
        return self.answer("GetSTKCurrFrameIndex", {"frame_id": port.stk.frame_id})

    async def get_status(self, request: web.Request) -> web.Response:
        """A bare array in, no envelope out (only POST: GET is refused with 403)."""
        body = await self.body(request)
        if not isinstance(body, list) or "performance" not in body:
            raise BadRequest
        return self.answer("get_status", {"performance": actions.performance(self.state)})

    async def get_config(self, request: web.Request) -> web.Response:
        """The sections asked for; an empty index list means every index."""
        body = await self.object_body(request)
        if not body or any(key not in CONFIG_SECTIONS for key in body):
            raise BadRequest
        answer: dict[str, Any] = {}
        for key, value in body.items():
            indexes = {json_int(index) for index in json_list(value)}
            stored = self.state.sip[key]
            if key == "sip_proxy":
                answer[key] = stored
            else:
                answer[key] = [item for item in stored if not indexes or item["index"] in indexes]
        return self.answer("get_config", answer)

    async def set_config(self, request: web.Request) -> web.Response:
        """Store the sections; the answer is an array of one-key objects."""
        sections = _flatten_sections(await self.object_body(request))
        if not sections:
            raise BadRequest
        results: list[dict[str, Any]] = []
        sip = self.state.sip
        for key, items in sections.items():
            if key == "sip_proxy":
                sip[key] = {**sip[key], **items[0]} if items else sip[key]
                results.append({key: "success"})
                continue
            stored = {item["index"]: item for item in sip[key]}
            for item in items:
                entry = dict(item)
                if isinstance(entry.get("port_map"), list):
                    # Sent as an array (the vendor's example), kept as the string get_config shows.
                    entry["port_map"] = port_map_text(json_int(p) for p in entry["port_map"])
                stored[entry["index"]] = {**stored.get(entry["index"], {}), **entry}
            sip[key] = sorted(stored.values(), key=lambda entry: int(entry["index"]))
            results.append({key: [f"{item['index']}_success" for item in items]})
        return self.answer("set_config", results)

    async def mms_configuration(self, request: web.Request) -> web.Response:
        """404 for a port this gateway does not have."""
        body = await self.object_body(request)
        configuration, status = body.get("configuration"), body.get("status", "on")
        if (
            not isinstance(configuration, dict)
            or not all(isinstance(configuration.get(name), str) for name in MMS_FIELDS)
            or status not in ("on", "off")
        ):
            raise BadRequest
        port = self.state.port(json_int(body.get("port")))
        if port is None:
            raise BadRequest(404)
        port.mms_config = {**{name: configuration[name] for name in MMS_FIELDS}, "status": status}
        return self.envelope("mms_configuration")

    async def mms_file(self, request: web.Request) -> web.Response:
        """A multipart upload under the field ``file``, kept as ``file{N}``."""
        file_id = int(request.match_info["file_id"])
        if file_id > MAX_FILE_ID:
            raise BadRequest
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise BadRequest
        self.state.mms_files[file_id] = upload.file.read()
        return self.envelope("mms_file")

    async def send_mms(self, request: web.Request) -> web.Response:
        """The code is 200, as in the vendor's example (the table's 202 with send_mms_202 on)."""
        body = await self.object_body(request)
        title = body.get("title", "")
        if not isinstance(title, str) or not number_ok(body.get("number")):
            raise BadRequest
        port = self.port(json_int(body.get("port")))
        file_id = json_int(body.get("file_id"))
        if file_id > MAX_FILE_ID:
            raise BadRequest
        if file_id not in self.state.mms_files:
            raise BadRequest(404)
        code = 202 if self.state.faults.send_mms_202 else 200
        return self.envelope("send_mms", code, mms_id=actions.send_mms(self.state, port))

    async def query_mms_status(self, request: web.Request) -> web.Response:
        """The envelope's code is the status (202 pending, 200 sent, 503 failed)."""
        mms_id = query_int(request.query.get("mms_id"))
        if mms_id not in self.state.mms:
            raise BadRequest(404)
        return self.envelope("query_mms_sending_status", self.state.mms[mms_id], mms_id=mms_id)

    async def socks5_proxy(self, request: web.Request) -> web.Response:
        """The proxy's TCP port is 1080 + the port number (0 when off)."""
        body = await self.object_body(request)
        if body.get("state") not in ("on", "off"):
            raise BadRequest
        port = self.port(json_int(body.get("port")))
        on = body["state"] == "on"
        if on and not port.registered:
            raise BadRequest(503)  # no data link without a registered SIM
        port.socks = on
        return self.envelope("socks5_proxy", socks_port=SOCKS_BASE_PORT + port.index if on else 0)


def _flatten_sections(body: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The sections of a set_config body, each a list of entries with an ``index``.

    The vendor's example nests later sections inside the ``sip_trunk`` array; they are taken as if they
    stood at the top. 400 for an unknown section or an entry without an integer index.
    """
    sections: dict[str, list[dict[str, Any]]] = {}
    pending = list(body.items())
    while pending:
        key, value = pending.pop(0)
        if key not in CONFIG_SECTIONS:
            raise BadRequest
        if key == "sip_proxy" and isinstance(value, dict):
            value = [value]  # the object get_config shows, not the example's one-object array
        entries: list[dict[str, Any]] = []
        for item in json_list(value):
            if not isinstance(item, dict):
                raise BadRequest
            if key != "sip_proxy" and "index" not in item and set(item) <= set(CONFIG_SECTIONS):
                pending.extend(item.items())
                continue
            if key != "sip_proxy":
                json_int(item.get("index"))
            entries.append(item)
        sections.setdefault(key, []).extend(entries)
    return sections
