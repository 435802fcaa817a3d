"""SIP, MMS and SOCKS5 actions against the simulator."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dinstar.const import DOMAIN
from dinstar_dev.gateway_simulator import Simulator


async def act(hass: HomeAssistant, entry: MockConfigEntry, name: str, /, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, name, {"config_entry_id": entry.entry_id, **data}, blocking=True,
        return_response=name != "configure_mms",
    )  # fmt: skip


async def test_sip_config(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    config = await act(hass, init_integration, "get_sip_config")
    assert config["sip_proxy"] == {"domain": "", "port": 5060, "check_network_status": False}
    assert config["port_group"][0]["port_map"] == [0, 1, 2, 3, 4, 5, 6, 7]
    assert await act(
        hass, init_integration, "set_sip_config", server="sip.example.net", keepalive=True
    ) == {"succeeded": True}
    assert simulator.state.sip["sip_proxy"] == {
        "domain": "sip.example.net",
        "port": 5060,
        "check_network_status": "on",
    }


async def test_mms(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator, tmp_path: Path
) -> None:
    await act(
        hass,
        init_integration,
        "configure_mms",
        port=0,
        apn="cmwap",
        mmsc="http://mmsc.example.net",
        proxy="10.0.0.172",
        proxy_port=80,
    )
    assert simulator.state.ports[0].mms_config["MMS_port"] == "80"
    picture = tmp_path / "snapshot.jpg"
    picture.write_bytes(b"\xff\xd8\xff" + b"0" * 1000)
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    response = await act(
        hass,
        init_integration,
        "send_mms",
        port=0,
        number="12345",
        file=str(picture),
        title="Door",
        file_id=4,
    )
    assert simulator.state.mms_files[4] == picture.read_bytes()
    status = await act(hass, init_integration, "get_mms_status", mms_id=response["mms_id"])
    assert status["status"] in ("pending", "sent")
    await asyncio.sleep(0.05)
    assert (await act(hass, init_integration, "get_mms_status", mms_id=response["mms_id"]))[
        "status"
    ] == "sent"


@pytest.mark.parametrize(
    ("name", "size", "allowed", "key"),
    [
        ("a.jpg", 10, False, "path_not_allowed"),
        ("missing.jpg", None, True, "file_not_found"),
        ("big.jpg", 300 * 1024 + 1, True, "file_too_large"),
    ],
)
async def test_mms_file_checks(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    simulator: Simulator,
    tmp_path: Path,
    name: str,
    size: int | None,
    allowed: bool,
    key: str,
) -> None:
    path = tmp_path / name
    if size is not None:
        path.write_bytes(b"0" * size)
    hass.config.allowlist_external_dirs = {str(tmp_path)} if allowed else set()
    with pytest.raises(ServiceValidationError) as err:
        await act(hass, init_integration, "send_mms", port=0, number="12345", file=str(path))
    assert err.value.translation_key == key
    assert simulator.state.mms_files == {}


async def test_socks5(
    hass: HomeAssistant, init_integration: MockConfigEntry, simulator: Simulator
) -> None:
    assert await act(hass, init_integration, "set_socks5_proxy", port=2, enabled=True) == {
        "socks_port": 1082
    }
    assert simulator.state.ports[2].socks is True
    await act(hass, init_integration, "set_socks5_proxy", port=2, enabled=False)
    assert simulator.state.ports[2].socks is False
