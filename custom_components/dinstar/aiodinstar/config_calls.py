"""The configuration calls: SIP and routing settings, MMS, the SOCKS5 proxy."""

from __future__ import annotations

from collections.abc import Iterable

import aiohttp

from .enums import MmsStatus
from .errors import DinstarValidationError
from .limits import MAX_FILE_ID, check_number, check_port, check_range
from .models import MmsConfiguration
from .parsing import as_int, opt_int
from .sip_config import ConfigSetResult, GatewayConfig
from .sms_calls import ACCEPTED, OK
from .transport import Transport

CONFIG_SECTIONS = ("sip_proxy", "sip_trunk", "ip_to_tel_routing", "tel_to_ip_routing", "port_group")
_MMS_NOT_FOUND = {404: "the file or MMS is not found"}
_PORT_NOT_FOUND = {404: "the port is not found"}


class ConfigCalls:
    """Reading and writing the gateway's SIP, routing, MMS and proxy settings."""

    _transport: Transport

    async def get_config(self, sections: Iterable[str] = CONFIG_SECTIONS) -> GatewayConfig:
        """SIP and routing configuration; empty lists ask for every index."""
        wanted = list(sections)
        if unknown := set(wanted) - set(CONFIG_SECTIONS):
            raise DinstarValidationError(f"unknown configuration sections: {sorted(unknown)}")
        answer = await self._transport.raw_call(
            "POST", "/api/get_config", json_body={name: [] for name in wanted}
        )
        return GatewayConfig.from_api(answer)

    async def set_config(self, config: GatewayConfig) -> ConfigSetResult:
        """Write the sections ``config`` holds."""
        body = config.to_api()
        if not body:
            raise DinstarValidationError("set_config needs at least one section")
        return ConfigSetResult.from_api(
            await self._transport.raw_call("POST", "/api/set_config", json_body=body)
        )

    async def configure_mms(
        self, port: int, configuration: MmsConfiguration, *, enabled: bool = True
    ) -> None:
        """Set a port's MMS APN and MMSC."""
        await self._transport.call(
            "POST",
            "/api/mms_configuration",
            json_body={
                "port": check_port(port),
                "configuration": configuration.to_api(),
                "status": "on" if enabled else "off",
            },
            ok_codes=(OK, ACCEPTED),
            meanings=_PORT_NOT_FOUND,
        )

    async def upload_mms_file(self, file_id: int, filename: str, content: bytes) -> None:
        """Store a file on the gateway as ``file{file_id}`` for :meth:`send_mms`."""
        check_range(file_id, 0, MAX_FILE_ID, "file_id")
        form = aiohttp.FormData()
        form.add_field("file", content, filename=filename)
        await self._transport.raw_call("POST", f"/api/mms_file/file{file_id}", form=form)

    async def send_mms(self, port: int, title: str, number: str, file_id: int) -> int:
        """Send an uploaded file as an MMS; returns the ``mms_id``."""
        answer = await self._transport.call(
            "POST",
            "/api/send_mms",
            json_body={
                "port": check_port(port),
                "title": title,
                "number": check_number(number),
                "file_id": check_range(file_id, 0, MAX_FILE_ID, "file_id"),
            },
            ok_codes=(ACCEPTED, OK),
            meanings=_MMS_NOT_FOUND,
        )
        return as_int(answer.get("mms_id"), "mms_id")

    async def query_mms_sending_status(self, mms_id: int) -> MmsStatus:
        """Whether an MMS is sent, pending or failed: the code is the answer."""
        answer = await self._transport.call(
            "GET",
            "/api/query_mms_sending_status",
            query={"mms_id": mms_id},
            ok_codes=tuple(MmsStatus),
            meanings=_MMS_NOT_FOUND,
        )
        return MmsStatus(as_int(answer.get("error_code"), "error_code"))

    async def set_socks5_proxy(self, port: int, *, enabled: bool) -> int | None:
        """Turn the SOCKS5 proxy over a port's data link on or off."""
        answer = await self._transport.call(
            "POST",
            "/api/socks5_proxy",
            json_body={"port": check_port(port), "state": "on" if enabled else "off"},
        )
        return opt_int(answer.get("socks_port"), "socks_port")
