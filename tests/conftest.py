"""Fixtures shared by every test: the real gateway simulator on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
import contextlib
from typing import Any
from unittest.mock import PropertyMock, patch

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion
from yarl import URL

# Imported before the harness's ``hass`` fixture so this package, not the harness's own
# ``custom_components``, is the one Home Assistant finds.
import custom_components.dinstar  # noqa: F401
from custom_components.dinstar.aiodinstar import DinstarClient, DrpLogin, digest_middleware
from custom_components.dinstar.const import (
    CONF_CERTIFICATE,
    CONF_USE_HTTPS,
    DOMAIN,
    CertificateMode,
)
from devtools.gateway_simulator import Simulator, SimulatorConfig

SERIAL = "da00-0030-1901-2817"
USERNAME = "admin"
PASSWORD = "s3cret-pass"
WEBHOOK_ID = "dinstar-test-webhook"

type ClientFactory = Callable[..., Awaitable[DinstarClient]]


@pytest.fixture(autouse=True)
def no_deprecated_calls(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Home Assistant warns of calls that will stop working: each one fails the test."""
    yield
    detected = [
        record.getMessage()
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
        if "Detected that custom integration 'dinstar'" in record.getMessage()
    ]
    assert not detected, detected


@pytest.fixture
def simulator_config() -> SimulatorConfig:
    """An 8-port gateway with a fixed seed; tests override fields as they need."""
    return SimulatorConfig(
        ports=8,
        seed=1,
        username=USERNAME,
        password=PASSWORD,
        serial=SERIAL,
        send_delay=0.01,
    )


@pytest.fixture
async def simulator(
    socket_enabled: None, simulator_config: SimulatorConfig
) -> AsyncIterator[Simulator]:
    """A running simulator, stopped (with its tasks) after the test."""
    sim = Simulator(simulator_config)
    await sim.start()
    try:
        yield sim
    finally:
        await sim.stop()


@pytest.fixture
async def make_client(simulator: Simulator) -> AsyncIterator[ClientFactory]:
    """Build clients for the running simulator; their sessions close after the test."""
    sessions: list[aiohttp.ClientSession] = []

    async def factory(
        *,
        username: str = USERNAME,
        password: str = PASSWORD,
        fingerprint: str | None = None,
        verify_tls: bool = False,
        drp: DrpLogin | None = None,
        request_timeout: float = 5.0,
    ) -> DinstarClient:
        session = aiohttp.ClientSession(
            middlewares=(digest_middleware(username, password),),
            cookie_jar=aiohttp.CookieJar(unsafe=True),
        )
        sessions.append(session)
        url = URL(simulator.url)
        return DinstarClient(
            session,
            url.host or "127.0.0.1",
            port=url.port,
            use_https=url.scheme == "https",
            username=username,
            password=password,
            fingerprint=fingerprint,
            verify_tls=verify_tls,
            drp=drp,
            request_timeout=request_timeout,
        )

    yield factory
    for session in sessions:
        await session.close()


@pytest.fixture
async def client(make_client: ClientFactory) -> DinstarClient:
    """A client with the right credentials."""
    return await make_client()


@pytest.fixture
async def control(simulator: Simulator) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """Call the simulator's control API (``/_sim/...``) over HTTP, as the demo does."""
    async with aiohttp.ClientSession() as session:

        async def call(method: str, path: str, body: Any = None) -> Any:
            async with session.request(
                method, f"{simulator.url}/_sim/{path}", json=body, ssl=False
            ) as response:
                response.raise_for_status()
                with contextlib.suppress(aiohttp.ContentTypeError):
                    return await response.json()
                return None

        yield call


@pytest.fixture
async def pushes(simulator: Simulator) -> AsyncIterator[list[bytes]]:
    """A push receiver the simulator posts to; the raw bodies it got, in order."""
    bodies: list[bytes] = []

    async def receive(request: web.Request) -> web.Response:
        bodies.append(await request.read())
        return web.Response()

    app = web.Application()
    app.router.add_post("/push", receive)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    simulator.push_url = str(server.make_url("/push"))
    yield bodies
    await server.close()


@pytest.fixture
def mock_config_entry(simulator: Simulator, enable_custom_integrations: None) -> MockConfigEntry:
    """A config entry for the running simulator, as the config flow makes it."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=f"Dinstar {SERIAL}",
        unique_id=SERIAL,
        data={
            CONF_HOST: "127.0.0.1",
            CONF_PORT: simulator.port,
            CONF_USE_HTTPS: False,
            CONF_CERTIFICATE: CertificateMode.NO_VERIFY,
            CONF_USERNAME: USERNAME,
            CONF_PASSWORD: PASSWORD,
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
    )


@pytest.fixture
async def init_integration(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The integration set up against the simulator."""
    mock_config_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create entities that are disabled by default as enabled, for snapshots."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots with Home Assistant's serializer (stable ids, no timestamps)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)
