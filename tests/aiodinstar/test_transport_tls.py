"""Certificate pinning and the trust-on-first-use fingerprint, against the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import dataclasses
from typing import Any

from aiodinstar import (
    DinstarCertificateError,
    DinstarClient,
    DinstarConnectionError,
    fetch_certificate_fingerprint,
    normalise_fingerprint,
)
import aiohttp
import pytest

from devtools.gateway_simulator import Simulator, SimulatorConfig

type Connect = Callable[..., Awaitable[DinstarClient]]


@pytest.fixture
async def connect(simulator: Simulator) -> AsyncIterator[Connect]:
    """Clients of the top-level package for the running simulator, on a digest session."""
    sessions: list[aiohttp.ClientSession] = []
    config = simulator.config

    async def factory(**settings: Any) -> DinstarClient:
        session = aiohttp.ClientSession(
            middlewares=(aiohttp.DigestAuthMiddleware(config.username, config.password),)
        )
        sessions.append(session)
        return DinstarClient(
            session,
            "127.0.0.1",
            port=simulator.port,
            use_https=config.https,
            username=config.username,
            password=config.password,
            **settings,
        )

    yield factory
    for session in sessions:
        await session.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AB:" * 31 + "AB", "ab" * 32),
        (" " + "0F " * 32, "0f" * 32),
    ],
)
def test_normalise_fingerprint(text: str, expected: str) -> None:
    assert normalise_fingerprint(text) == expected


@pytest.mark.parametrize("text", ["ab" * 31, "ab" * 32 + "a", "g" * 64, "AB-" * 31 + "AB"])
def test_bad_fingerprints(text: str) -> None:
    with pytest.raises(ValueError, match=r"^a SHA-256 fingerprint is 64 hexadecimal digits$"):
        normalise_fingerprint(text)


class TestHttps:
    """The simulator serving HTTPS with its self-signed certificate."""

    @pytest.fixture
    def simulator_config(self, simulator_config: SimulatorConfig) -> SimulatorConfig:
        """HTTPS on."""
        return dataclasses.replace(simulator_config, https=True)

    async def test_pinned_fingerprint(self, connect: Connect, simulator: Simulator) -> None:
        fingerprint = await fetch_certificate_fingerprint("127.0.0.1", simulator.port)
        assert fingerprint == simulator.certificate_fingerprint
        client = await connect(fingerprint=fingerprint.upper())
        assert client.base_url.startswith("https://")
        assert await client.query_sms_in_queue() == 0

    async def test_another_certificate_is_refused(self, connect: Connect) -> None:
        client = await connect(fingerprint="00" * 32, verify_tls=True)
        with pytest.raises(DinstarCertificateError, match=r"^127\.0\.0\.1: the certificate does"):
            await client.query_sms_in_queue()

    async def test_unpinned_certificate_checked_only_when_asked(self, connect: Connect) -> None:
        assert await (await connect()).query_sms_in_queue() == 0
        client = await connect(verify_tls=True)
        with pytest.raises(DinstarConnectionError) as err:
            await client.query_sms_in_queue()
        assert not isinstance(err.value, DinstarCertificateError)
        assert isinstance(err.value.__cause__, aiohttp.ClientConnectorCertificateError)


async def test_fingerprint_of_a_closed_port(socket_enabled: None) -> None:
    with pytest.raises(DinstarConnectionError, match=r"^cannot reach 127.0.0.1:1 over TLS: "):
        await fetch_certificate_fingerprint("127.0.0.1", 1)


async def test_fingerprint_of_a_plain_http_server(simulator: Simulator) -> None:
    with pytest.raises(DinstarConnectionError, match=rf"127.0.0.1:{simulator.port}"):
        await fetch_certificate_fingerprint("127.0.0.1", simulator.port)
