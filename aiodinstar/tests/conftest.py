"""Fixtures of the library's tests: a server replaying recorded gateway answers.

The tests import ``aiodinstar`` as installed (the test command installs the built wheel in a
clean environment), never from the source tree.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
import json
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from aiodinstar import DinstarClient

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(slots=True)
class Replay:
    """The recorded exchanges a server answers with, and the requests it received."""

    exchanges: list[dict[str, Any]]
    received: list[tuple[str, str, str]] = field(default_factory=list)

    async def answer(self, request: web.Request) -> web.Response:
        """Answer with the first unused exchange recorded for this method and path."""
        self.received.append((request.method, request.path, request.rel_url.raw_query_string))
        for index, exchange in enumerate(self.exchanges):
            if (exchange["method"], exchange["path"]) == (request.method, request.path):
                del self.exchanges[index]
                return web.Response(status=exchange["status"], text=exchange["body"])
        return web.Response(status=599, text="no recorded answer")


def load_exchanges(*names: str) -> list[dict[str, Any]]:
    """The exchanges of the named fixture files, in order."""
    return [
        exchange
        for name in names
        for exchange in json.loads((FIXTURES / f"{name}.json").read_text())["exchanges"]
    ]


type ReplayFactory = Callable[..., Awaitable[tuple[DinstarClient, Replay]]]


@pytest.fixture
async def replay() -> AsyncIterator[ReplayFactory]:
    """Start a server replaying fixture files; a client for it, and what it received."""
    servers: list[TestServer] = []
    session = aiohttp.ClientSession()

    async def start(*names: str, exchanges: list[dict[str, Any]] | None = None) -> Any:
        recorded = Replay(load_exchanges(*names) + (exchanges or []))
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", recorded.answer)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        client = DinstarClient(
            session, "127.0.0.1", port=server.port, username="admin", password="admin"
        )
        return client, recorded

    yield start
    await session.close()
    for server in servers:
        await server.close()


@dataclass(frozen=True, slots=True)
class Received:
    """One request as the gateway saw it: the raw query string, the body (decoded if JSON)."""

    method: str
    path: str
    query: str
    body: Any
    authorization: str | None


type Answer = str | web.Response | Callable[[], Awaitable[web.Response]]
type GatewayFactory = Callable[..., Awaitable[tuple[DinstarClient, list[Received]]]]


@pytest.fixture
async def gateway() -> AsyncIterator[GatewayFactory]:
    """A gateway answering requests in turn with the given answers; a client for it.

    An answer is a body, a response, or a coroutine function making one. Unlike
    :func:`replay` it keeps each request's body and ``Authorization`` header, and lets a test
    choose statuses and headers; a request past the last answer gets HTTP 599.
    """
    servers: list[TestServer] = []
    session = aiohttp.ClientSession()

    async def start(*answers: Answer, **settings: Any) -> Any:
        queue = list(answers)
        received: list[Received] = []

        async def answer(request: web.Request) -> web.Response:
            text = await request.text()
            received.append(
                Received(
                    request.method,
                    request.path,
                    request.rel_url.raw_query_string,
                    json.loads(text) if request.content_type == "application/json" else text,
                    request.headers.get("Authorization"),
                )
            )
            if not queue:
                return web.Response(status=599, text="no answer left")
            next_answer = queue.pop(0)
            if isinstance(next_answer, str):
                return web.Response(text=next_answer)
            return next_answer if isinstance(next_answer, web.Response) else await next_answer()

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        settings = {"username": "admin", "password": "admin", "port": server.port, **settings}
        client = DinstarClient(session, "127.0.0.1", **settings)
        return client, received

    yield start
    await session.close()
    for server in servers:
        await server.close()
