"""Fixtures for the simulator's own tests: raw aiohttp, no client code."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
import json
from typing import Any

import aiohttp
import pytest
from yarl import URL

from dinstar_dev.gateway_simulator import Simulator

type Api = Callable[..., Awaitable[tuple[int, Any]]]


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for the simulator's background work."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


@pytest.fixture
async def session(simulator: Simulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A session that answers the gateway's digest challenges."""
    config = simulator.config
    async with aiohttp.ClientSession(
        middlewares=(aiohttp.DigestAuthMiddleware(config.username, config.password),)
    ) as client_session:
        yield client_session


@pytest.fixture
def api(simulator: Simulator, session: aiohttp.ClientSession) -> Api:
    """Calls to the gateway through the digest session, as (method, target, body).

    The target goes on the wire exactly as written (``/api/x?port=1%2C2``); the answer is the
    HTTP status and the decoded JSON (the raw text when it is not JSON).
    """

    async def call(method: str, target: str, body: Any = None) -> tuple[int, Any]:
        url = URL(simulator.url + target, encoded=True)
        data = None if body is None else json.dumps(body)
        async with session.request(method, url, data=data, ssl=False) as response:
            text = await response.text()
        try:
            return response.status, json.loads(text)
        except ValueError:
            return response.status, text

    return call


async def wait_for[T](probe: Callable[[], Awaitable[T | None]], timeout: float = 5.0) -> T:
    """Poll ``probe`` until it returns something truthy (the simulator works in the background)."""
    async with asyncio.timeout(timeout):
        while not (value := await probe()):
            await asyncio.sleep(0.02)
    return value
