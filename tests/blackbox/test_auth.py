"""Authentication: a password changed on the gateway, Basic-only answers, lockouts."""

from __future__ import annotations

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from .conftest import DOMAIN, POWER_ON, REGISTER, add_gateway, advance, reauth_flows
from .gateway import FakeGateway


async def test_one_failed_login_until_reauthenticated(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """After a refused login, pushes and timers reach the gateway no more until reauthentication.

    The up-front authorization built from the cached challenge fails too (the gateway cannot
    tell a changed password from a nonce it forgot, and the client cannot either: it is answered
    once with the fresh challenge), so a password change costs two failed logins, never more.
    """
    added = await add_gateway(hass, gateway)
    gateway.password = "changed-on-the-gateway"
    gateway.lockout_after = 5

    await advance(hass, 31)
    for index in range(10):
        body = REGISTER if index % 2 else POWER_ON
        await http.post(added.webhook_path, json={"sn": gateway.serial, **body})
        await advance(hass, 11)
    await advance(hass, 300)

    assert gateway.failed_logins <= 2
    assert reauth_flows(hass)


async def test_reauthentication_with_the_new_password(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """The reauthentication flow takes the new password and the entry works again."""
    added = await add_gateway(hass, gateway)
    gateway.password = "changed-on-the-gateway"
    await advance(hass, 31)
    flows = reauth_flows(hass)
    assert flows

    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"password": "changed-on-the-gateway"}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert added.entry.data["password"] == "changed-on-the-gateway"
    assert added.entry.state is ConfigEntryState.LOADED
    failed = gateway.failed_logins
    await advance(hass, 31)
    assert gateway.failed_logins == failed


async def test_digest_entry_never_sends_basic(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """A server that suddenly answers with a Basic challenge never sees the password."""
    added = await add_gateway(hass, gateway)
    gateway.auth = "basic"
    before = len(gateway.requests)
    await advance(hass, 31)
    await http.post(added.webhook_path, json={"sn": gateway.serial, **POWER_ON})
    await advance(hass, 31)

    assert len(gateway.requests) > before, "the Basic challenge was never met"
    sent_basic = [s for s in gateway.requests if (s.authorization or "").startswith("Basic")]
    assert sent_basic == []


async def test_basic_only_firmware_is_supported(
    hass: HomeAssistant, http: TestClient, socket_enabled: None
) -> None:
    """A gateway that only offers Basic from the start can be added and read."""
    gateway = FakeGateway(auth="basic")
    await gateway.start()
    try:
        added = await add_gateway(hass, gateway)
        assert added.entry.state is ConfigEntryState.LOADED
        assert gateway.calls("/api/get_port_info")
    finally:
        await hass.config_entries.async_unload(added.entry.entry_id)
        await gateway.stop()


async def test_wrong_password_in_the_flow_is_one_failed_login(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """The flow shows an error for a wrong password after a single failed login."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "direct"}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "host": gateway.host,
            "port": gateway.port,
            "username": gateway.username,
            "password": "wrong",
        },
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"]
    assert gateway.failed_logins == 1
