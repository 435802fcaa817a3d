"""HTTP plumbing to one gateway: URLs, authentication fallback, TLS pinning, errors.

Digest authentication is done by the session's ``aiohttp.DigestAuthMiddleware`` (see
:func:`auth_middlewares`); this module adds what the middleware does not: Basic for
firmware that only offers it (and only for a gateway known to be such), the refusal to call
again after a refused login, comma-encoded query strings that the gateway's digest check
accepts, the certificate pin, the DRP login, and the mapping of every failure to the
client's errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import hashlib
import ssl
from typing import Any, Required, TypedDict, Unpack
from urllib.parse import quote

import aiohttp
from yarl import URL

from .enums import AuthScheme
from .errors import (
    DinstarApiError,
    DinstarAuthenticationError,
    DinstarCertificateError,
    DinstarConnectionError,
    DinstarDrpAuthenticationError,
    DinstarNotFoundError,
)
from .lenient_json import decode_json
from .parsing import as_int, as_mapping, as_str

type QueryValue = str | int | Iterable[str | int]

_HTTP_UNAUTHORIZED = 401
_HTTP_FORBIDDEN = 403
_HTTP_NOT_FOUND = 404
_HTTP_SERVER_ERROR = 500
_DEFAULT_TIMEOUT = 10.0
_DRP_PATHS = ("/doLogin", "/remoteWeb")
# The meaning the spec gives each code where the call does not give its own.
_GENERIC_MEANINGS = {
    400: "the request format is not valid",
    404: "not found",
    413: "too many numbers or too long a text",
    500: "the gateway reported an internal error",
    503: "the operation failed",
    550: "no port is available for sending SMS",
}
# No CA bundle is loaded, so building it costs nothing on the event loop.
_FETCH_CONTEXT = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
_FETCH_CONTEXT.check_hostname = False
_FETCH_CONTEXT.verify_mode = ssl.CERT_NONE


def auth_middlewares(username: str, password: str) -> tuple[aiohttp.ClientMiddlewareType, ...]:
    """The middlewares a gateway's session needs: one set per gateway and host.

    aiohttp's digest middleware authenticates up front once it has a challenge (one round
    trip a call), and after a 401 retries once, with the challenge that 401 carried: a gateway
    that restarted no longer knows its nonce and cannot say so (a plain 401), and is answered
    so. A 401 to that retry reaches the client as a refused login, after which it sends
    nothing more (gateways block an address after a few failed logins): at most two failed
    logins for a changed password, never a loop.
    """
    return (aiohttp.DigestAuthMiddleware(username, password),)


def normalise_fingerprint(fingerprint: str) -> str:
    """Lowercase hex without separators, as :func:`fetch_certificate_fingerprint` gives."""
    cleaned = fingerprint.replace(":", "").replace(" ", "").strip().lower()
    if len(cleaned) != 64 or any(char not in "0123456789abcdef" for char in cleaned):
        msg = "a SHA-256 fingerprint is 64 hexadecimal digits"
        raise ValueError(msg)
    return cleaned


async def fetch_certificate_fingerprint(host: str, port: int) -> str:
    """Connect once and return the SHA-256 of the certificate the gateway presents.

    This is the trust-on-first-use step: the caller shows it to the user and pins it.
    """
    try:
        async with asyncio.timeout(_DEFAULT_TIMEOUT):
            _reader, writer = await asyncio.open_connection(host, port, ssl=_FETCH_CONTEXT)
    except (OSError, TimeoutError, ssl.SSLError) as err:
        raise DinstarConnectionError(f"cannot reach {host}:{port} over TLS: {err}") from err
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
    finally:
        writer.close()
    if not der:
        raise DinstarConnectionError(f"{host}:{port} presented no certificate")
    return hashlib.sha256(der).hexdigest()


def encode_query(query: Mapping[str, QueryValue]) -> str:
    """Build a query string with list commas sent as ``%2C``.

    Some firmware rejects a raw comma ("401 Wrong Password"), and the digest covers the exact
    target on the wire, so the string is built here and sent as already encoded.
    """
    parts: list[str] = []
    for key, value in query.items():
        values = [value] if isinstance(value, str | int) else list(value)
        parts.append(f"{quote(key, safe='')}=" + "%2C".join(quote(str(v), safe="") for v in values))
    return "&".join(parts)


@dataclass(frozen=True, slots=True)
class DrpLogin:
    """Reaching a gateway behind NAT through a DRP server.

    The client's host and port are then the DRP server's; ``serial`` picks the gateway.
    """

    username: str
    password: str
    serial: str


class ConnectionSettings(TypedDict, total=False):
    """How to reach one gateway and log in: the credentials and what differs from the defaults.

    ``port`` defaults to the scheme's; ``use_https`` to False; an HTTPS gateway's certificate
    is pinned by ``fingerprint`` (hex, any separators), else checked only if ``verify_tls``;
    ``drp`` reaches a gateway behind NAT; ``request_timeout`` is in seconds (10).
    ``auth_scheme`` is the scheme the gateway was set up with: Basic is sent only when it says
    so, and a known digest gateway is never sent Basic. ``None`` learns it.
    """

    username: Required[str]
    password: Required[str]
    port: int | None
    use_https: bool
    fingerprint: str | None
    verify_tls: bool
    drp: DrpLogin | None
    request_timeout: float
    auth_scheme: AuthScheme | None


class Transport:
    """Sends requests to one gateway and turns every failure into a client error."""

    def __init__(
        self, session: aiohttp.ClientSession, host: str, **settings: Unpack[ConnectionSettings]
    ) -> None:
        """Keep the settings; nothing is sent until the first call.

        Without ``auth_scheme`` (setting a gateway up) the first answer tells it, and
        :attr:`auth_scheme` then holds it.
        """
        username, password = settings["username"], settings["password"]
        use_https = settings.get("use_https", False)
        fingerprint = settings.get("fingerprint")
        auth_scheme = settings.get("auth_scheme")
        self._session = session
        self._base = URL.build(
            scheme="https" if use_https else "http", host=host, port=settings.get("port")
        )
        self._username = username
        self._password = password
        self._ssl: bool | aiohttp.Fingerprint = True
        if use_https and fingerprint:
            self._ssl = aiohttp.Fingerprint(bytes.fromhex(normalise_fingerprint(fingerprint)))
        elif use_https and not settings.get("verify_tls", False):
            self._ssl = False
        self._drp = settings.get("drp")
        self._drp_ready = False
        self._drp_lock = asyncio.Lock()
        self.auth_scheme = auth_scheme
        self._basic: str | None = None
        if auth_scheme is AuthScheme.BASIC:
            self._basic = aiohttp.encode_basic_auth(username, password)
        self._refused: DinstarAuthenticationError | None = None
        self._timeout = aiohttp.ClientTimeout(
            total=settings.get("request_timeout", _DEFAULT_TIMEOUT)
        )
        self.serial: str | None = None

    @property
    def base_url(self) -> URL:
        """Where requests go (the DRP server when behind NAT)."""
        return self._base

    async def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        json_body: Any = None,
        ok_codes: Iterable[int] = (200,),
        meanings: Mapping[int, str] | None = None,
    ) -> Mapping[str, Any]:
        """Send a call whose answer is the ``error_code``/``sn`` envelope and check it."""
        answer = as_mapping(
            await self.raw_call(method, path, query=query, json_body=json_body), path
        )
        if "sn" in answer:
            self.serial = as_str(answer["sn"], "sn")
        code = as_int(answer.get("error_code"), f"{path} error_code")
        if code not in tuple(ok_codes):
            meaning = (meanings or {}).get(code) or _GENERIC_MEANINGS.get(code, "unknown error")
            raise _api_error(path, code, meaning)
        return answer

    async def raw_call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None = None,
        json_body: Any = None,
        form: aiohttp.FormData | None = None,
    ) -> Any:
        """Send a call and decode its JSON answer (``None`` for an empty one).

        Once a login was refused nothing is sent any more: the same credentials would be
        refused again, and gateways block an address after a few failed logins. Only a new
        client (new credentials) calls again.
        """
        if self._refused is not None:
            raise type(self._refused)(f"{path}: not sent, {self._refused}")
        if self._drp is not None and not self._drp_ready:
            await self._drp_login(self._drp)
        body = await self._send(method, path, query=query, json_body=json_body, form=form)
        return decode_json(body) if body.strip() else None

    async def _drp_login(self, drp: DrpLogin) -> None:
        async with self._drp_lock:
            if self._drp_ready:
                return
            await self._send(
                "GET", "/doLogin", query={"Username": drp.username, "password": drp.password}
            )
            await self._send("GET", "/remoteWeb", query={"Product_sns": drp.serial})
            self._drp_ready = True

    async def _send(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, QueryValue] | None,
        json_body: Any = None,
        form: aiohttp.FormData | None = None,
    ) -> bytes:
        target = path + (f"?{encode_query(query)}" if query else "")
        url = URL(str(self._base) + target, encoded=True)
        try:
            status, headers, body = await self._exchange(method, url, json_body, form)
            if (
                status == _HTTP_UNAUTHORIZED
                and self.auth_scheme is None
                and _asks_basic_only(headers)
            ):
                # The middleware only speaks digest; this firmware asked for Basic. Only while
                # setting the gateway up: a known digest gateway never gets the password in
                # clear, whoever answers in its place.
                self.auth_scheme = AuthScheme.BASIC
                self._basic = aiohttp.encode_basic_auth(self._username, self._password)
                status, headers, body = await self._exchange(method, url, json_body, form)
        except aiohttp.ServerFingerprintMismatch as err:
            raise DinstarCertificateError(
                f"{self._base.host}: the certificate does not match the pinned fingerprint"
            ) from err
        except (aiohttp.ClientError, TimeoutError) as err:
            raise DinstarConnectionError(f"{path}: {str(err) or type(err).__name__}") from err
        if status == _HTTP_UNAUTHORIZED:
            if path in _DRP_PATHS:
                self._refused = DinstarDrpAuthenticationError("the DRP server refused the account")
            else:
                self._refused = DinstarAuthenticationError("the gateway refused the credentials")
            raise type(self._refused)(f"{path}: {self._refused}")
        if self.auth_scheme is None and path not in _DRP_PATHS:
            self.auth_scheme = AuthScheme.DIGEST
        if status >= _HTTP_SERVER_ERROR:
            raise DinstarConnectionError(f"{path}: the gateway answered HTTP {status}")
        if status >= 400:  # any other HTTP error
            if self._drp is not None and status == _HTTP_FORBIDDEN:
                # The DRP server forgot us (restart, expiry): log in again next call.
                self._drp_ready = False
            raise _api_error(path, status, _http_meaning(status))
        return body

    async def _exchange(
        self, method: str, url: URL, json_body: Any, form: aiohttp.FormData | None
    ) -> tuple[int, Mapping[str, str], bytes]:
        headers = {"Authorization": self._basic} if self._basic else None
        async with self._session.request(
            method,
            url,
            json=json_body,
            data=form,
            headers=headers,
            ssl=self._ssl,
            timeout=self._timeout,
        ) as response:
            return response.status, response.headers, await response.read()


def _asks_basic_only(headers: Mapping[str, str]) -> bool:
    getall = getattr(headers, "getall", None)
    challenges = [c.lower() for c in getall("WWW-Authenticate", [])] if getall else []
    return any(c.startswith("basic") for c in challenges) and not any(
        c.startswith("digest") for c in challenges
    )


def _http_meaning(status: int) -> str:
    if status == _HTTP_FORBIDDEN:
        return "forbidden: wrong method, or the address is blocked after failed logins"
    if status == _HTTP_NOT_FOUND:
        return "this firmware has no such call"
    return f"HTTP {status}"


def _api_error(path: str, code: int, meaning: str) -> DinstarApiError:
    """The typed error for a refused call: "not found" is one callers act on."""
    if code == _HTTP_NOT_FOUND:
        return DinstarNotFoundError(path, code, meaning)
    return DinstarApiError(path, code, meaning)
