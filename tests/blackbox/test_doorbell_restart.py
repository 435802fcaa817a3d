"""Issue item 1: a gateway that restarts (new digest nonce and opaque) must not cost the password.

The fake gateway restarts on the same address keeping its messages; as a real embedded server
it cannot tell a nonce of its previous boot from a guess, so it answers it with a plain 401 (no
``stale=true``) and, strict, counts it as a failed login. Its failure count survives the restart
(the worst case) and blocks the address after five.
"""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from .conftest import POWER_ON, REGISTER, add_gateway, advance, reauth_flows
from .gateway import FakeGateway

REGISTRATION = "sensor.dinstar_0001_port_1_registration"


def _available(hass: HomeAssistant) -> bool:
    state = hass.states.get(REGISTRATION)
    return state is not None and state.state != "unavailable"


def _polled_since(gateway: FakeGateway, since: int) -> int:
    return len(gateway.calls("/api/get_port_info", since))


async def _intervals_until(
    hass: HomeAssistant, gateway: FakeGateway, since: int, count: int
) -> None:
    """Let up to ``count`` polling intervals pass, stopping once polling works again."""
    for _ in range(count):
        await advance(hass, 31)
        if _polled_since(gateway, since) >= 2 and _available(hass):
            return


async def test_restart_with_new_nonce_keeps_polling(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """Stopped, started again on the same address: polling resumes, no reauthentication."""
    gateway.dead_nonce_is_failure = True
    gateway.lockout_after = 5
    added = await add_gateway(hass, gateway)
    await advance(hass, 31)  # a good refresh: the client now authorizes up front
    assert _available(hass)

    await gateway.stop()
    await advance(hass, 31)  # the gateway is down: this refresh fails
    await gateway.start()
    since = len(gateway.requests)
    await _intervals_until(hass, gateway, since, 6)

    assert reauth_flows(hass) == [], "a restart was taken for a changed password"
    assert added.entry.state is ConfigEntryState.LOADED
    assert _polled_since(gateway, since) >= 2, (
        f"{len(gateway.requests) - since} request(s) after the restart: polling stopped"
    )
    assert _available(hass)
    assert gateway.failed_logins <= 1, "more than the one dead nonce was refused"


async def test_repeated_restarts_never_lock_the_address_out(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """Three reboots with a gateway that blocks after five failures: one dead nonce each at most."""
    gateway.dead_nonce_is_failure = True
    gateway.lockout_after = 5
    await add_gateway(hass, gateway)
    await advance(hass, 31)

    for boot in range(3):
        await gateway.restart()
        since = len(gateway.requests)
        await _intervals_until(hass, gateway, since, 3)
        assert _polled_since(gateway, since) >= 1, f"no poll answered after restart {boot + 1}"

    assert gateway.failed_logins <= 3
    assert not any(seen.locked_out for seen in gateway.requests)
    assert reauth_flows(hass) == []
    assert _available(hass)


async def test_restart_with_a_changed_password_is_one_refusal(
    hass: HomeAssistant, http: TestClient, gateway: FakeGateway
) -> None:
    """A firmware update that also changed the password: reauthentication, never a lockout.

    The dead nonce is answered once with the fresh challenge; the refusal of that fresh attempt
    is the one refused login. After it, twelve intervals and pushes send nothing more.
    """
    gateway.dead_nonce_is_failure = True
    gateway.lockout_after = 5
    added = await add_gateway(hass, gateway)
    await advance(hass, 31)

    await gateway.restart(password="reset-by-the-update")
    since = len(gateway.requests)
    for index in range(12):
        body: dict[str, Any] = REGISTER if index % 2 else POWER_ON
        await http.post(added.webhook_path, json={"sn": gateway.serial, **body})
        await advance(hass, 31)

    with_credentials = [seen for seen in gateway.requests[since:] if seen.authorization]
    assert reauth_flows(hass), "the refused login opened no reauthentication"
    assert gateway.failed_logins <= 2, f"{gateway.failed_logins} failed logins"
    assert len(with_credentials) <= 2, f"{len(with_credentials)} attempts with the password"
    assert not any(seen.locked_out for seen in gateway.requests)
