"""Actions on the gateway's configuration: SIP server, MMS, SOCKS5 proxy."""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

from homeassistant.core import ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
import probatio as vol

from custom_components.dinstar.aiodinstar import GatewayConfig, MmsConfiguration, SipProxy
from custom_components.dinstar.errors import invalid_input
from custom_components.dinstar.runtime import DinstarConfigEntry
from custom_components.dinstar.sending import clean_recipients

from .common import ATTR_PORT, PORT_FIELD, ActionTable, as_json, check_port

MAX_MMS_FILE_BYTES = 300 * 1024
_FILE_ID = vol.All(vol.Coerce(int), vol.Range(min=0, max=31))


async def _get_sip_config(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    response: ServiceResponse = as_json(asdict(await entry.runtime_data.client.get_config()))
    return response


async def _set_sip_config(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    """Change the SIP server settings, keeping what the call does not name."""
    client = entry.runtime_data.client
    current = (await client.get_config(["sip_proxy"])).sip_proxy or SipProxy("", 5060, False)
    changes = {
        name: call.data[key]
        for key, name in (
            ("server", "domain"),
            ("server_port", "port"),
            ("keepalive", "check_network_status"),
        )
        if key in call.data
    }
    result = await client.set_config(GatewayConfig(sip_proxy=replace(current, **changes)))
    return {"succeeded": result.succeeded}


async def _configure_mms(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    await entry.runtime_data.client.configure_mms(
        check_port(entry, call.data[ATTR_PORT]),
        MmsConfiguration(
            apn=call.data["apn"],
            mmsc=call.data["mmsc"],
            username=call.data.get("username", ""),
            password=call.data.get("password", ""),
            mms_proxy=call.data.get("proxy", ""),
            mms_port=str(call.data.get("proxy_port", "")),
        ),
    )
    return None


async def _send_mms(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    """Upload a file Home Assistant may read, then send it as an MMS.

    Everything is checked before the upload: it overwrites the file in that slot.
    """
    hass = call.hass
    port = check_port(entry, call.data[ATTR_PORT])
    (number,) = clean_recipients([call.data["number"]])
    path = Path(call.data["file"])
    allowed = await hass.async_add_executor_job(hass.config.is_allowed_path, str(path))
    if not allowed:
        raise invalid_input("path_not_allowed", path=str(path))
    content = await hass.async_add_executor_job(_read_file, path)
    client = entry.runtime_data.client
    file_id: int = call.data["file_id"]
    await client.upload_mms_file(file_id, path.name, content)
    mms_id = await client.send_mms(port, call.data.get("title", ""), number, file_id)
    return {"mms_id": mms_id}


def _read_file(path: Path) -> bytes:
    if not path.is_file():
        raise invalid_input("file_not_found", path=str(path))
    if path.stat().st_size > MAX_MMS_FILE_BYTES:
        raise invalid_input("file_too_large", path=str(path), limit=str(MAX_MMS_FILE_BYTES))
    return path.read_bytes()


async def _get_mms_status(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    status = await entry.runtime_data.client.query_mms_sending_status(call.data["mms_id"])
    return {"mms_id": call.data["mms_id"], "status": status.name.lower()}


async def _set_socks5_proxy(call: ServiceCall, entry: DinstarConfigEntry) -> ServiceResponse:
    socks_port = await entry.runtime_data.client.set_socks5_proxy(
        check_port(entry, call.data[ATTR_PORT]), enabled=call.data["enabled"]
    )
    return {"socks_port": socks_port}


CONFIG_ACTIONS: ActionTable = {
    "get_sip_config": (_get_sip_config, {}, SupportsResponse.ONLY),
    "set_sip_config": (
        _set_sip_config,
        {
            vol.Optional("server"): cv.string,
            vol.Optional("server_port"): cv.port,
            vol.Optional("keepalive"): cv.boolean,
        },
        SupportsResponse.OPTIONAL,
    ),
    "configure_mms": (
        _configure_mms,
        {
            **PORT_FIELD,
            vol.Required("apn"): cv.string,
            vol.Required("mmsc"): cv.string,
            vol.Optional("username"): cv.string,
            vol.Optional("password"): cv.string,
            vol.Optional("proxy"): cv.string,
            vol.Optional("proxy_port"): cv.port,
        },
        SupportsResponse.NONE,
    ),
    "send_mms": (
        _send_mms,
        {
            **PORT_FIELD,
            vol.Required("number"): cv.string,
            vol.Required("file"): cv.string,
            vol.Optional("title"): cv.string,
            vol.Optional("file_id", default=0): _FILE_ID,
        },
        SupportsResponse.OPTIONAL,
    ),
    "get_mms_status": (
        _get_mms_status,
        {vol.Required("mms_id"): vol.All(vol.Coerce(int), vol.Range(min=0))},
        SupportsResponse.ONLY,
    ),
    "set_socks5_proxy": (
        _set_socks5_proxy,
        {**PORT_FIELD, vol.Required("enabled"): cv.boolean},
        SupportsResponse.OPTIONAL,
    ),
}
