"""Certificate pinning and the trust-on-first-use fingerprint, against a gateway over HTTPS."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import hashlib
import ipaddress
from pathlib import Path
import ssl
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
import pytest

from aiodinstar import (
    DinstarCertificateError,
    DinstarClient,
    DinstarConnectionError,
    fetch_certificate_fingerprint,
    normalise_fingerprint,
)

IN_QUEUE = '{"error_code":200,"sn":"da00-0030-1901-2817","in_queue":0}'


@dataclass(frozen=True, slots=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1, as gateways ship one, and its fingerprint."""

    context: ssl.SSLContext
    fingerprint: str


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """Made once for the module (EC P-256: fast to make)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Dinstar gateway")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = Path(folder, "cert.pem"), Path(folder, "key.pem")
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    der = cert.public_bytes(serialization.Encoding.DER)
    return Certificate(context, hashlib.sha256(der).hexdigest())


async def _serve(context: ssl.SSLContext | None) -> TestServer:
    async def in_queue(request: web.Request) -> web.Response:
        return web.Response(text=IN_QUEUE, content_type="application/json")

    app = web.Application()
    app.router.add_get("/api/query_sms_in_queue", in_queue)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(ssl=context)
    return server


@pytest.fixture
async def https_port(certificate: Certificate) -> AsyncIterator[int]:
    """A gateway answering over HTTPS with the certificate; its port."""
    server = await _serve(certificate.context)
    assert server.port is not None
    yield server.port
    await server.close()


@pytest.fixture
async def http_port() -> AsyncIterator[int]:
    """A gateway answering over plain HTTP; its port."""
    server = await _serve(None)
    assert server.port is not None
    yield server.port
    await server.close()


type Connect = Callable[..., Awaitable[DinstarClient]]


@pytest.fixture
async def connect(https_port: int) -> AsyncIterator[Connect]:
    """Clients of the HTTPS gateway with the given settings; their sessions close afterwards."""
    sessions: list[aiohttp.ClientSession] = []

    async def factory(**settings: Any) -> DinstarClient:
        session = aiohttp.ClientSession()
        sessions.append(session)
        return DinstarClient(
            session,
            "127.0.0.1",
            port=https_port,
            use_https=True,
            username="admin",
            password="admin",
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


async def test_pinned_fingerprint(
    connect: Connect, https_port: int, certificate: Certificate
) -> None:
    fingerprint = await fetch_certificate_fingerprint("127.0.0.1", https_port)
    assert fingerprint == certificate.fingerprint
    client = await connect(fingerprint=fingerprint.upper())
    assert client.base_url.startswith("https://")
    assert await client.query_sms_in_queue() == 0


async def test_another_certificate_is_refused(connect: Connect) -> None:
    client = await connect(fingerprint="00" * 32, verify_tls=True)
    with pytest.raises(DinstarCertificateError, match=r"^127\.0\.0\.1: the certificate does"):
        await client.query_sms_in_queue()


async def test_unpinned_certificate_checked_only_when_asked(connect: Connect) -> None:
    assert await (await connect()).query_sms_in_queue() == 0
    client = await connect(verify_tls=True)
    with pytest.raises(DinstarConnectionError) as err:
        await client.query_sms_in_queue()
    assert not isinstance(err.value, DinstarCertificateError)
    assert isinstance(err.value.__cause__, aiohttp.ClientConnectorCertificateError)


async def test_fingerprint_of_a_closed_port() -> None:
    with pytest.raises(DinstarConnectionError, match=r"^cannot reach 127.0.0.1:1 over TLS: "):
        await fetch_certificate_fingerprint("127.0.0.1", 1)


async def test_fingerprint_of_a_plain_http_server(http_port: int) -> None:
    with pytest.raises(DinstarConnectionError, match=rf"127.0.0.1:{http_port}"):
        await fetch_certificate_fingerprint("127.0.0.1", http_port)
