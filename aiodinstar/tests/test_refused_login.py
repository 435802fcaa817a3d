"""A refused login is not tried again; a stale or forgotten nonce is, once.

Gateways block an address after a few failed logins, and a restarted one cannot tell a
forgotten nonce from a wrong password.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
import pytest

from aiodinstar import DinstarAuthenticationError, DinstarClient, auth_middlewares

STATUS = (
    '{"performance":{"cpu_used":"30","flash_total":"27648","flash_used":"17428",'
    '"memory_total":"109448","memory_used":"50520"}}'
)


@dataclass
class Gateway:
    """Answers 401 as told: a challenge, a stale nonce, or a refused password."""

    refuse_credentials: bool = False
    # A restart: the nonces handed out before are unknown, answered with a plain challenge.
    restarted: bool = False
    refuse_without_challenge: bool = False
    stale_once: bool = False
    stale_spelling: str = "true"
    nonce: int = 0
    with_credentials: list[str] = field(default_factory=list)

    def challenge(self, *, stale: bool = False) -> web.Response:
        self.nonce += 1
        header = f'Digest realm="gw", nonce="n{self.nonce}", qop="auth"'
        if stale:
            header += f", stale={self.stale_spelling}"
        return web.Response(status=401, headers={"WWW-Authenticate": header})

    async def handle(self, request: web.Request) -> web.Response:
        authorization = request.headers.get("Authorization")
        if authorization is None:
            return self.challenge()
        self.with_credentials.append(authorization)
        if self.stale_once:
            self.stale_once = False
            return self.challenge(stale=True)
        if self.restarted:
            self.restarted = False
            return self.challenge()
        if self.refuse_without_challenge:
            return web.Response(status=401)
        if self.refuse_credentials:
            return self.challenge()
        return web.Response(text=STATUS, content_type="application/json")


@pytest.fixture
async def gateway() -> AsyncIterator[tuple[Gateway, DinstarClient]]:
    """The gateway on loopback and a client for it, as the integration builds one."""
    gateway = Gateway()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", gateway.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    session = aiohttp.ClientSession(middlewares=auth_middlewares("admin", "secret"))
    try:
        yield (
            gateway,
            DinstarClient(
                session, "127.0.0.1", port=server.port, username="admin", password="secret"
            ),
        )
    finally:
        await session.close()
        await server.close()


async def test_authenticated_up_front_after_the_first_challenge(
    gateway: tuple[Gateway, DinstarClient],
) -> None:
    server, client = gateway
    await client.get_status()
    await client.get_status()
    # The first call met the challenge; the second went with credentials at once.
    assert server.nonce == 1
    assert len(server.with_credentials) == 2


@pytest.mark.parametrize("spelling", ["true", '"TRUE"'])
async def test_a_stale_nonce_is_retried_once(
    gateway: tuple[Gateway, DinstarClient], spelling: str
) -> None:
    server, client = gateway
    await client.get_status()
    server.stale_once = True
    server.stale_spelling = spelling
    await client.get_status()
    assert len(server.with_credentials) == 3
    assert 'nonce="n2"' in server.with_credentials[-1]


async def test_a_refused_password_is_refused_after_one_fresh_attempt(
    gateway: tuple[Gateway, DinstarClient],
) -> None:
    server, client = gateway
    await client.get_status()
    server.refuse_credentials = True  # the password was changed on the gateway
    with pytest.raises(DinstarAuthenticationError) as refused:
        await client.get_status()
    assert str(refused.value) == "/api/get_status: the gateway refused the credentials"
    with pytest.raises(DinstarAuthenticationError) as not_sent:
        await client.get_status()
    assert str(not_sent.value) == ("/api/get_status: not sent, the gateway refused the credentials")
    # The attempt sent up front was built from a cached challenge: it is tried once more with
    # the challenge its 401 carried, and nothing is sent after that second refusal.
    assert len(server.with_credentials) == 3
    assert 'nonce="n2"' in server.with_credentials[-1]


async def test_a_restarted_gateway_is_answered_with_its_fresh_challenge(
    gateway: tuple[Gateway, DinstarClient],
) -> None:
    server, client = gateway
    await client.get_status()
    server.restarted = True  # a plain 401 (no stale flag) to the nonce it no longer knows
    await client.get_status()
    await client.get_status()
    assert 'nonce="n2"' in server.with_credentials[-1]
    assert len(server.with_credentials) == 4


async def test_a_refusal_without_a_challenge_is_one_failed_login(
    gateway: tuple[Gateway, DinstarClient],
) -> None:
    server, client = gateway
    await client.get_status()
    server.refuse_without_challenge = True
    with pytest.raises(DinstarAuthenticationError):
        await client.get_status()
    with pytest.raises(DinstarAuthenticationError, match="not sent"):
        await client.get_status()
    assert len(server.with_credentials) == 2


async def test_a_wrong_password_at_the_first_call_is_one_failed_login(
    gateway: tuple[Gateway, DinstarClient],
) -> None:
    server, client = gateway
    server.refuse_credentials = True
    with pytest.raises(DinstarAuthenticationError):
        await client.get_status()
    with pytest.raises(DinstarAuthenticationError):
        await client.get_status()
    assert len(server.with_credentials) == 1
