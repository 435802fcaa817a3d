"""The transport against a scripted gateway: Basic fallback, refusals, DRP, HTTP errors."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web
import pytest

from aiodinstar import (
    AuthScheme,
    DinstarApiError,
    DinstarAuthenticationError,
    DinstarConnectionError,
    DinstarDrpAuthenticationError,
    DinstarNotFoundError,
    DinstarResponseError,
    DrpLogin,
)

from .conftest import GatewayFactory

QUEUE = json.dumps({"error_code": 200, "sn": "da00-0030-1901-2817", "in_queue": 2})
ADMIN_BASIC = "Basic YWRtaW46YWRtaW4="  # admin:admin


def challenge(*schemes: str) -> web.Response:
    """A 401 offering the given ``WWW-Authenticate`` challenges."""
    response = web.Response(status=401, text="401 Unauthorized")
    for scheme in schemes:
        response.headers.add("WWW-Authenticate", scheme)
    return response


async def test_basic_only_firmware_is_learnt_while_setting_up(gateway: GatewayFactory) -> None:
    client, received = await gateway(challenge('Basic realm="gw"'), QUEUE, QUEUE)
    assert (client.auth_scheme, client.serial) == (None, None)
    assert await client.query_sms_in_queue() == 2
    assert await client.query_sms_in_queue() == 2
    assert client.auth_scheme is AuthScheme.BASIC
    assert client.serial == "da00-0030-1901-2817"
    assert [request.authorization for request in received] == [None, ADMIN_BASIC, ADMIN_BASIC]


async def test_a_known_basic_gateway_gets_basic_from_the_first_call(
    gateway: GatewayFactory,
) -> None:
    client, received = await gateway(QUEUE, auth_scheme=AuthScheme.BASIC)
    assert await client.query_sms_in_queue() == 2
    assert [request.authorization for request in received] == [ADMIN_BASIC]
    assert client.auth_scheme is AuthScheme.BASIC


async def test_a_digest_answer_is_learnt(gateway: GatewayFactory) -> None:
    client, received = await gateway(QUEUE)
    await client.query_sms_in_queue()
    assert client.auth_scheme is AuthScheme.DIGEST
    assert received[0].authorization is None


@pytest.mark.parametrize(
    ("auth_scheme", "challenges"),
    [
        (None, ('Digest realm="gw", nonce="n"', 'Basic realm="gw"')),
        (None, ()),
        (AuthScheme.DIGEST, ('Basic realm="gw"',)),
    ],
)
async def test_no_basic_fallback(
    gateway: GatewayFactory, auth_scheme: AuthScheme | None, challenges: tuple[str, ...]
) -> None:
    """Basic only where nothing but Basic is offered, and only while setting up."""
    client, received = await gateway(challenge(*challenges), auth_scheme=auth_scheme)
    with pytest.raises(DinstarAuthenticationError) as err:
        await client.query_sms_in_queue()
    assert not isinstance(err.value, DinstarDrpAuthenticationError)
    assert str(err.value) == "/api/query_sms_in_queue: the gateway refused the credentials"
    assert [request.authorization for request in received] == [None]
    assert client.auth_scheme is auth_scheme


async def test_a_refused_login_is_not_retried(gateway: GatewayFactory) -> None:
    client, received = await gateway(challenge(), QUEUE)
    with pytest.raises(DinstarAuthenticationError):
        await client.query_sms_in_queue()
    with pytest.raises(DinstarAuthenticationError) as err:
        await client.stop_sms(1)
    assert str(err.value) == "/api/stop_sms: not sent, the gateway refused the credentials"
    assert len(received) == 1


async def test_drp_login_once_then_calls(gateway: GatewayFactory) -> None:
    client, received = await gateway(
        "", "", QUEUE, QUEUE, drp=DrpLogin("drp-user", "drp pass", "da00-0030")
    )
    assert await client.query_sms_in_queue() == 2
    assert await client.query_sms_in_queue() == 2
    assert [(r.method, r.path, r.query) for r in received] == [
        ("GET", "/doLogin", "Username=drp-user&password=drp%20pass"),
        ("GET", "/remoteWeb", "Product_sns=da00-0030"),
        ("GET", "/api/query_sms_in_queue", ""),
        ("GET", "/api/query_sms_in_queue", ""),
    ]
    assert client.auth_scheme is AuthScheme.DIGEST


async def test_a_forgetful_drp_server_is_logged_in_to_again(gateway: GatewayFactory) -> None:
    forbidden = web.Response(status=403, text="Forbidden")
    client, received = await gateway("", "", forbidden, "", "", QUEUE, drp=DrpLogin("u", "p", "s"))
    with pytest.raises(DinstarApiError) as err:
        await client.query_sms_in_queue()
    assert err.value.error_code == 403
    assert err.value.meaning == (
        "forbidden: wrong method, or the address is blocked after failed logins"
    )
    assert await client.query_sms_in_queue() == 2
    assert [r.path for r in received] == [
        "/doLogin",
        "/remoteWeb",
        "/api/query_sms_in_queue",
        "/doLogin",
        "/remoteWeb",
        "/api/query_sms_in_queue",
    ]


async def test_a_forbidden_call_without_drp_is_not_a_login(gateway: GatewayFactory) -> None:
    client, received = await gateway(web.Response(status=403), QUEUE)
    with pytest.raises(DinstarApiError):
        await client.query_sms_in_queue()
    assert await client.query_sms_in_queue() == 2
    assert [r.path for r in received] == ["/api/query_sms_in_queue"] * 2


async def test_another_http_error_through_drp_keeps_the_session(
    gateway: GatewayFactory,
) -> None:
    client, received = await gateway(
        "", "", web.Response(status=400), QUEUE, drp=DrpLogin("u", "p", "s")
    )
    with pytest.raises(DinstarApiError, match="400"):
        await client.query_sms_in_queue()
    assert await client.query_sms_in_queue() == 2
    assert [r.path for r in received] == [
        "/doLogin",
        "/remoteWeb",
        "/api/query_sms_in_queue",
        "/api/query_sms_in_queue",
    ]


async def test_a_refused_drp_account(gateway: GatewayFactory) -> None:
    client, received = await gateway(challenge(), drp=DrpLogin("u", "p", "s"))
    with pytest.raises(DinstarDrpAuthenticationError) as err:
        await client.query_sms_in_queue()
    assert str(err.value) == "/doLogin: the DRP server refused the account"
    with pytest.raises(DinstarDrpAuthenticationError, match="not sent"):
        await client.query_sms_in_queue()
    assert [r.path for r in received] == ["/doLogin"]
    assert client.auth_scheme is None


@pytest.mark.parametrize(
    ("status", "error", "meaning"),
    [
        (400, DinstarApiError, "HTTP 400"),
        (404, DinstarNotFoundError, "this firmware has no such call"),
        (499, DinstarApiError, "HTTP 499"),
    ],
)
async def test_http_errors_are_api_errors(
    gateway: GatewayFactory, status: int, error: type[DinstarApiError], meaning: str
) -> None:
    client, _ = await gateway(web.Response(status=status))
    with pytest.raises(error) as err:
        await client.stop_sms(3)
    assert type(err.value) is error
    assert (err.value.endpoint, err.value.error_code, err.value.meaning) == (
        "/api/stop_sms",
        status,
        meaning,
    )


@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_are_connection_errors(gateway: GatewayFactory, status: int) -> None:
    client, _ = await gateway(web.Response(status=status))
    with pytest.raises(DinstarConnectionError) as err:
        await client.stop_sms(3)
    assert str(err.value) == f"/api/stop_sms: the gateway answered HTTP {status}"


@pytest.mark.parametrize(
    ("code", "meanings"),
    [
        (400, "the request format is not valid"),
        (413, "too many numbers or too long a text"),
        (500, "the gateway reported an internal error"),
        (777, "unknown error"),
    ],
)
async def test_error_codes_carry_their_meaning(
    gateway: GatewayFactory, code: int, meanings: str
) -> None:
    client, _ = await gateway(json.dumps({"error_code": code}))
    with pytest.raises(DinstarApiError) as err:
        await client.query_sms_in_queue()
    assert type(err.value) is DinstarApiError
    assert (err.value.endpoint, err.value.error_code, err.value.meaning) == (
        "/api/query_sms_in_queue",
        code,
        meanings,
    )


async def test_an_empty_answer_where_an_envelope_belongs(gateway: GatewayFactory) -> None:
    client, _ = await gateway(" \n")
    with pytest.raises(DinstarResponseError, match=r"^/api/query_sms_in_queue: expected an object"):
        await client.query_sms_in_queue()


async def test_unreachable_gateway(gateway: GatewayFactory) -> None:
    client, _ = await gateway(port=1)
    with pytest.raises(DinstarConnectionError) as err:
        await client.query_sms_in_queue()
    assert str(err.value).startswith("/api/query_sms_in_queue: Cannot connect to host 127.0.0.1:1")


async def test_a_slow_answer_times_out(gateway: GatewayFactory) -> None:
    async def slow() -> web.Response:
        await asyncio.sleep(1)
        return web.Response(text=QUEUE)

    client, _ = await gateway(slow, request_timeout=0.05)
    with pytest.raises(DinstarConnectionError) as err:
        await client.query_sms_in_queue()
    assert isinstance(err.value.__cause__, TimeoutError)
    # A timeout has no message of its own: its kind is named, so the log says what happened.
    assert str(err.value) == "/api/query_sms_in_queue: TimeoutError"


@pytest.mark.parametrize(
    ("settings", "url"),
    [
        ({}, "http://gw.example:8080"),
        ({"use_https": True}, "https://gw.example:8080"),
    ],
)
def test_base_url(settings: dict[str, Any], url: str) -> None:
    from aiodinstar import DinstarClient  # noqa: PLC0415 - a session is not needed here

    client = DinstarClient(
        None,  # type: ignore[arg-type]
        "gw.example",
        port=8080,
        username="u",
        password="p",
        **settings,
    )
    assert client.base_url == url


async def test_basic_fallback_resends_the_body(gateway: GatewayFactory) -> None:
    client, received = await gateway(
        challenge('Basic realm="gw"'), json.dumps({"error_code": 202}), "", ""
    )
    await client.send_sms("x", ["10086"])
    await client.upload_mms_file(31, "cat.jpg", b"JPEG-DATA")
    assert [r.body for r in received[:2]] == [{"text": "x", "param": [{"number": "10086"}]}] * 2
    ((method, path, _, body, authorization),) = [
        (r.method, r.path, r.query, r.body, r.authorization) for r in received[2:]
    ]
    assert (method, path, authorization) == ("POST", "/api/mms_file/file31", ADMIN_BASIC)
    assert 'filename="cat.jpg"' in body
    assert "JPEG-DATA" in body


async def test_basic_fallback_resends_a_file(gateway: GatewayFactory) -> None:
    client, received = await gateway(challenge('Basic realm="gw"'), "")
    await client.upload_mms_file(2, "cat.jpg", b"JPEG-DATA")
    assert [r.authorization for r in received] == [None, ADMIN_BASIC]
    assert all("JPEG-DATA" in r.body for r in received)
