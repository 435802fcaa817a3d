"""Fixtures shared by every test: the real gateway simulator on loopback, and clients for it.

The clients are the integration's copy of the library (``custom_components.dinstar.aiodinstar``),
the one Home Assistant runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest
from yarl import URL

from custom_components.dinstar.aiodinstar import (
    AuthScheme,
    DinstarClient,
    DrpLogin,
    auth_middlewares,
)
from dinstar_dev.gateway_simulator import Simulator, SimulatorConfig

SERIAL = "da00-0030-1901-2817"
USERNAME = "admin"
PASSWORD = "s3cret-pass"

type ClientFactory = Callable[..., Awaitable[DinstarClient]]


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
        auth_scheme: AuthScheme | None = None,
    ) -> DinstarClient:
        session = aiohttp.ClientSession(
            middlewares=auth_middlewares(username, password),
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
            auth_scheme=auth_scheme,
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
