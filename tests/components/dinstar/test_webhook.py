"""The webhook: accepted pushes, refused ones, answered before anything is read."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from http import HTTPStatus
import json
import logging
from typing import Any
from unittest.mock import patch

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.dinstar.bus_events import EVENT_SMS_RECEIVED
from custom_components.dinstar.const import CONF_WEBHOOK_LOCAL_ONLY, DOMAIN
from custom_components.dinstar.messaging.webhook import MAX_PUSH_BYTES, REFUSED_SERIALS
from dinstar_dev.gateway_simulator import Simulator

from .conftest import SERIAL, WEBHOOK_ID
from .pushes import push_power

URL = f"/api/webhook/{WEBHOOK_ID}"


async def post(hass_client_no_auth: ClientSessionGenerator, body: Any) -> int:
    client = await hass_client_no_auth()
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    response = await client.post(URL, data=data, headers={"Content-Type": "application/json"})
    return response.status


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_push_is_recorded(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    assert hass.states.get("sensor.dinstar_da00_0030_1901_2817_last_push").state == "unknown"
    before = dt_util.utcnow()
    body = {"sn": SERIAL, "ussd": [{"port": 1, "text": "Thank you!"}]}
    assert (
        await post(hass_client_no_auth, json.dumps(body) + "]") == 200
    )  # the spec's extra bracket
    assert init_integration.runtime_data.push.last_push is not None
    assert init_integration.runtime_data.push.last_push >= before
    state = hass.states.get("sensor.dinstar_da00_0030_1901_2817_last_push")
    assert dt_util.parse_datetime(state.state) == (
        init_integration.runtime_data.push.last_push.replace(microsecond=0)
    )


async def test_register_push_updates_the_port_at_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    simulator.state.ports[2].reg = "SEARCHING_NETWORK"
    body = {
        "sn": SERIAL,
        "register": [
            {
                "port": 2,
                "iccid": "<NULL>",
                "imsi": "<NULL>",
                "number": "",
                "status": "down",
                "sequence": 1,
            }
        ],
    }
    assert await post(hass_client_no_auth, body) == 200
    await hass.async_block_till_done(wait_background_tasks=True)
    assert (
        hass.states.get("sensor.dinstar_da00_0030_1901_2817_port_2_registration").state
        == "searching_network"
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        ({"sn": SERIAL}, 400),
        ({"sn": SERIAL, "sms": [{"port": 1}]}, 400),
        ({"sn": "another-gateway", "ussd": [{"port": 1, "text": "x"}]}, 403),
        ("x" * (MAX_PUSH_BYTES + 1), 413),
    ],
)
async def test_junk_is_refused(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    body: Any,
    status: int,
) -> None:
    assert await post(hass_client_no_auth, body) == status
    assert init_integration.runtime_data.push.last_push is None


async def test_foreign_gateway_logged_once(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = {"sn": "another-gateway", "ussd": [{"port": 1, "text": "x"}]}
    for _ in range(3):
        assert await post(hass_client_no_auth, body) == 403
    assert sum("another-gateway" in record.message for record in caplog.records) == 1


async def test_simulator_pushes_reach_the_webhook(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    simulator: Simulator,
) -> None:
    events = async_capture_events(hass, EVENT_SMS_RECEIVED)
    client = await hass_client_no_auth()
    simulator.push_url = str(client.make_url(URL))
    simulator.receive_sms(1, "+4917600000000", "hello")
    # The push answered (so handled) and counted by the simulator, however slow the machine.
    await simulator.drain_pushes()
    await hass.async_block_till_done(wait_background_tasks=True)
    assert simulator.state.pushes["sent"] == 1
    assert init_integration.runtime_data.push.last_push is not None
    assert [(e.data["sender"], e.data["text"], e.data["port"]) for e in events] == [
        ("+4917600000000", "hello", 1)
    ]


async def test_device_push_does_not_teach_the_mac(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Anyone with the URL can push a device: its MAC would let DHCP move the entry."""
    await push_power(hass, hass_client_no_auth, "power_on")
    assert "mac" not in init_integration.data
    gateway = device_registry.async_get_device_by_identifier(
        (DOMAIN, SERIAL), init_integration.entry_id
    )
    assert gateway is not None
    assert not gateway.connections


def _padded(size: int) -> bytes:
    """A valid push of exactly ``size`` bytes (JSON allows trailing blanks)."""
    body = json.dumps({"sn": SERIAL, "ussd": [{"port": 1, "text": "x"}]}).encode()
    return body + b" " * (size - len(body))


@pytest.mark.parametrize("chunked", [False, True], ids=["length", "chunked"])
@pytest.mark.parametrize(("size", "status"), [(MAX_PUSH_BYTES, 200), (MAX_PUSH_BYTES + 1, 413)])
async def test_the_body_cap_is_exact(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    size: int,
    status: int,
    chunked: bool,
) -> None:
    """A body of the cap passes, one byte more is refused, however it is framed."""
    body = _padded(size)

    async def in_pieces() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    client = await hass_client_no_auth()
    response = await client.post(URL, data=in_pieces() if chunked else body)
    assert response.status == status


async def test_the_webhook_is_local_only_unless_the_options_open_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A push from outside the local network is not handled, until the options allow it."""
    body = json.dumps({"sn": SERIAL, "ussd": [{"port": 1, "text": "x"}]})
    client = await hass_client_no_auth()
    with patch("homeassistant.components.webhook.network_util.is_local", return_value=False):
        response = await client.post(URL, data=body)
        assert response.status == 200  # webhooks answer 200 whatever happens, by design
        assert init_integration.runtime_data.push.last_push is None

        hass.config_entries.async_update_entry(
            init_integration, options={CONF_WEBHOOK_LOCAL_ONLY: False}
        )
        await hass.config_entries.async_reload(init_integration.entry_id)
        await hass.async_block_till_done()
        response = await client.post(URL, data=body)
        assert response.status == 200
        assert init_integration.runtime_data.push.last_push is not None


async def test_refused_serials_are_bounded(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each refused serial is logged once while remembered; the oldest are forgotten."""
    for index in range(REFUSED_SERIALS + 1):
        body = {"sn": f"forged-{index}", "ussd": [{"port": 1, "text": "x"}]}
        assert await post(hass_client_no_auth, body) == 403
    assert await post(hass_client_no_auth, {"sn": "forged-0", "ussd": []}) in (400, 403)
    assert sum("forged-0 " in record.message for record in caplog.records) == 2
    assert sum(f"forged-{REFUSED_SERIALS} " in r.message for r in caplog.records) == 1


async def test_pushes_are_logged_at_debug(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With debug logging on (troubleshooting), each push says what it held."""
    caplog.set_level(logging.DEBUG, logger="custom_components.dinstar")
    body = {"sn": SERIAL, "ussd": [{"port": 1, "text": "Balance: 5"}, {"port": 2, "text": "x"}]}
    assert await post(hass_client_no_auth, body) == 200
    assert "Push: UssdEvent, UssdEvent" in caplog.text


async def test_an_endless_chunked_body_is_refused_at_the_cap(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """The cap bounds what is read: past it the answer comes before the body ends (it never does)."""
    client = await hass_client_no_auth()
    url = client.make_url("/")
    reader, writer = await asyncio.open_connection(url.host, url.port)
    try:
        writer.write(
            f"POST {URL} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        chunk = b"x" * 4096
        for _ in range(MAX_PUSH_BYTES // len(chunk) + 2):  # past the cap; no final chunk
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), 10)
    finally:
        writer.close()
    assert int(status_line.split()[1]) == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
