"""Authentication, HTTPS pinning, DRP, the gateway's quirks and failures, through the client."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import dataclasses
from typing import Any

import pytest

from custom_components.dinstar.aiodinstar import (
    AuthScheme,
    CallForwardCondition,
    DinstarApiError,
    DinstarAuthenticationError,
    DinstarCertificateError,
    DinstarClient,
    DinstarConnectionError,
    DrpLogin,
    UssdSendStatus,
    fetch_certificate_fingerprint,
    normalise_fingerprint,
)
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig
from tests.conftest import PASSWORD, SERIAL, USERNAME, ClientFactory

type Control = Callable[..., Awaitable[Any]]


async def exercise_every_call(client: DinstarClient) -> None:
    """One call of each shape (enveloped GET/POST, bare-array POST, STK without envelope).

    Each check reads a decoded value, so a call whose answer was mangled on the way fails.
    """
    infos = await client.get_port_info()
    assert [info.port for info in infos] == list(range(8))
    assert all(info.registration is not None for info in infos)
    status = await client.get_status()
    assert status.cpu_used is not None
    assert status.memory_used_percent is not None
    assert 0 < status.memory_used_percent < 100
    page = await client.query_incoming_sms()
    assert all(sms.incoming_sms_id > 0 for sms in page.messages)
    assert page.unread is not None
    (outcome,) = await client.send_ussd([0], "*100#")
    assert (outcome.port, outcome.status) == (0, UssdSendStatus.SENT)
    replies = await client.query_ussd_reply([0, 1])
    assert [reply.port for reply in replies] == [0, 1]
    records = await client.get_cdr()
    assert records
    assert all(record.start_date is not None for record in records)
    view = await client.get_stk_view(0)
    assert view.title == "SIM Services"
    assert [item.item_id for item in view.items] == [1, 2, 3]
    config = await client.get_config()
    assert config.port_group
    assert config.port_group[0].port_map
    await client.set_call_forwarding(1, CallForwardCondition.UNCONDITIONAL, "15013828917")
    await client.check_call_forwarding(1)
    assert await client.get_call_forwarding(1) == {"Unconditional": "15013828917"}
    sent = await client.send_sms("x", ["10086"])
    assert len(sent.task_ids) == 1
    assert sent.task_ids[0] > 0


async def test_a_refused_login_is_the_last_request(
    make_client: ClientFactory, simulator: Simulator
) -> None:
    """One failed login; later calls raise at once, sending nothing, whatever the call."""
    client = await make_client(password="wrong")
    with pytest.raises(DinstarAuthenticationError):
        await client.get_port_info()
    assert simulator.auth.failed_logins == 1
    seen = sum(simulator.state.requests.values()) + simulator.state.challenges
    for call in (client.get_port_info(), client.send_sms("x", ["10086"]), client.get_status()):
        with pytest.raises(DinstarAuthenticationError, match="not sent"):
            await call
    assert sum(simulator.state.requests.values()) + simulator.state.challenges == seen
    assert simulator.auth.failed_logins == 1


async def test_basic_only_firmware(
    make_client: ClientFactory, control: Control, simulator: Simulator
) -> None:
    await control("POST", "faults", {"auth": "basic"})
    client = await make_client()
    assert await client.get_port_info()
    assert await client.get_status()
    assert client.auth_scheme is AuthScheme.BASIC
    wrong = await make_client(password="wrong", auth_scheme=AuthScheme.BASIC)
    with pytest.raises(DinstarAuthenticationError):
        await wrong.get_port_info()
    assert simulator.auth.failed_logins == 1  # Basic is not tried again on its refusal


async def test_a_digest_gateway_never_gets_basic(
    make_client: ClientFactory, control: Control, simulator: Simulator
) -> None:
    """Set up with digest: whoever asks for Basic now is refused the password."""
    await control("POST", "faults", {"auth": "basic"})
    client = await make_client(auth_scheme=AuthScheme.DIGEST)
    with pytest.raises(DinstarAuthenticationError):
        await client.get_port_info()
    assert simulator.auth.failed_logins == 0  # nothing it could check came


async def test_any_auth_firmware_uses_digest(make_client: ClientFactory, control: Control) -> None:
    await control("POST", "faults", {"auth": "any"})
    client = await make_client()
    assert await client.get_port_info()
    assert client.auth_scheme is AuthScheme.DIGEST


async def test_raw_comma_firmware_accepts_encoded_lists(
    client: DinstarClient, control: Control
) -> None:
    await control("POST", "faults", {"raw_comma_401": True})
    infos = await client.get_port_info([1, 2, 3])
    assert [info.port for info in infos] == [1, 2, 3]


async def test_malformed_json_everywhere(client: DinstarClient, control: Control) -> None:
    await control("POST", "sms", {"port": 0, "text": "in the inbox", "count": 3})
    await control("POST", "faults", {"malformed": True})
    await exercise_every_call(client)
    assert len(await client.fetch_incoming_since(0)) == 3


async def test_every_call_over_plain_http(client: DinstarClient) -> None:
    await exercise_every_call(client)


async def test_gateway_errors_and_outages(make_client: ClientFactory, control: Control) -> None:
    client = await make_client(request_timeout=0.5)
    await control("POST", "faults", {"error_500": True})
    with pytest.raises(DinstarConnectionError):
        await client.get_port_info()
    await control("POST", "faults", {"error_500": False, "delay": 2})
    with pytest.raises(DinstarConnectionError):
        await client.get_port_info()
    await control("POST", "faults", {"delay": 0})
    await control("POST", "offline", {"seconds": None})
    with pytest.raises(DinstarConnectionError):
        await client.get_port_info()
    await control("POST", "online")
    assert await client.get_port_info()


async def test_nothing_listening(socket_enabled: None) -> None:
    import aiohttp  # noqa: PLC0415

    async with aiohttp.ClientSession() as session:
        client = DinstarClient(session, "127.0.0.1", port=1, username="a", password="b")
        with pytest.raises(DinstarConnectionError):
            await client.get_status()
    with pytest.raises(DinstarConnectionError):
        await fetch_certificate_fingerprint("127.0.0.1", 1)


class TestHttps:
    """The simulator speaks HTTPS with a self-signed certificate."""

    @pytest.fixture
    def simulator_config(self, simulator_config: SimulatorConfig) -> SimulatorConfig:
        return dataclasses.replace(simulator_config, https=True)

    async def test_pinned_fingerprint_every_call(
        self, make_client: ClientFactory, simulator: Simulator
    ) -> None:
        fingerprint = await fetch_certificate_fingerprint("127.0.0.1", simulator.port)
        assert fingerprint == simulator.certificate_fingerprint
        pretty = ":".join(fingerprint[i : i + 2].upper() for i in range(0, 64, 2))
        assert normalise_fingerprint(pretty) == fingerprint
        client = await make_client(fingerprint=pretty)
        await exercise_every_call(client)

    async def test_wrong_pin_is_refused(self, make_client: ClientFactory) -> None:
        client = await make_client(fingerprint="00" * 32)
        with pytest.raises(DinstarCertificateError):
            await client.get_port_info()

    async def test_verification_off_and_on(self, make_client: ClientFactory) -> None:
        assert await (await make_client()).get_port_info()
        with pytest.raises(DinstarConnectionError):
            await (await make_client(verify_tls=True)).get_port_info()

    def test_bad_fingerprints(self) -> None:
        for bad in ("", "zz" * 32, "ab" * 31):
            with pytest.raises(ValueError, match="64 hexadecimal"):
                normalise_fingerprint(bad)


class TestDrp:
    """A gateway behind NAT, reached through a DRP server."""

    @pytest.fixture
    def simulator_config(self, simulator_config: SimulatorConfig) -> SimulatorConfig:
        return dataclasses.replace(simulator_config, drp=True)

    async def test_login_then_every_call_forwarded(self, make_client: ClientFactory) -> None:
        client = await make_client(drp=DrpLogin(USERNAME, PASSWORD, SERIAL))
        await exercise_every_call(client)
        assert client.serial == SERIAL

    async def test_a_forgetful_drp_server_is_logged_in_to_again(
        self, make_client: ClientFactory, simulator: Simulator
    ) -> None:
        """A restarted DRP server answers 403 once; the next call logs in again."""
        client = await make_client(drp=DrpLogin(USERNAME, PASSWORD, SERIAL))
        assert await client.get_port_info()
        # What a restart of the DRP server forgets: every session (cookie or address).
        simulator.drp._sessions.clear()
        simulator.drp._addresses.clear()
        with pytest.raises(DinstarApiError) as err:
            await client.get_port_info()
        assert err.value.error_code == 403
        assert await client.get_port_info()

    async def test_wrong_drp_password(self, make_client: ClientFactory) -> None:
        client = await make_client(drp=DrpLogin(USERNAME, "wrong", SERIAL))
        with pytest.raises(DinstarAuthenticationError):
            await client.get_port_info()

    async def test_unknown_serial(self, make_client: ClientFactory) -> None:
        client = await make_client(drp=DrpLogin(USERNAME, PASSWORD, "0000-0000-0000-0000"))
        with pytest.raises(DinstarApiError) as err:
            await client.get_port_info()
        assert err.value.error_code == 404
