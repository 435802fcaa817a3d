"""The Dinstar gateway client: one typed method per call of the HTTP API v1.2."""

from __future__ import annotations

import aiohttp

from .config_calls import ConfigCalls
from .enums import AuthScheme
from .port_calls import PortCalls
from .sms_calls import SmsCalls
from .transport import DrpLogin, Transport


class DinstarClient(SmsCalls, PortCalls, ConfigCalls):
    """Talks to one gateway over an injected ``aiohttp.ClientSession``.

    The session carries :func:`~.transport.auth_middlewares`; Basic, HTTPS pinning and DRP
    are handled here. Every method raises a :class:`~.errors.DinstarError` subclass only: an
    answer of a shape the client cannot read is a :class:`~.errors.DinstarResponseError`.
    The calls are grouped by area in :mod:`.sms_calls`, :mod:`.port_calls` and
    :mod:`.config_calls`.
    """

    def __init__(  # noqa: PLR0913 - each is a distinct connection setting
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        port: int | None = None,
        use_https: bool = False,
        username: str,
        password: str,
        fingerprint: str | None = None,
        verify_tls: bool = False,
        drp: DrpLogin | None = None,
        request_timeout: float = 10.0,
        auth_scheme: AuthScheme | None = None,
    ) -> None:
        """Keep the settings; nothing is sent until the first call.

        ``auth_scheme`` is the scheme the gateway was set up with: Basic is sent only when it
        says so, and a known digest gateway is never sent Basic. ``None`` learns it.
        """
        self._transport = Transport(
            session,
            host,
            port=port,
            use_https=use_https,
            username=username,
            password=password,
            fingerprint=fingerprint,
            verify_tls=verify_tls,
            drp=drp,
            request_timeout=request_timeout,
            auth_scheme=auth_scheme,
        )

    @property
    def serial(self) -> str | None:
        """The gateway's serial (``sn``), known after the first enveloped answer."""
        return self._transport.serial

    @property
    def auth_scheme(self) -> AuthScheme | None:
        """The gateway's scheme: as given, or as learnt from the first answer."""
        return self._transport.auth_scheme

    @property
    def base_url(self) -> str:
        """Where requests go."""
        return str(self._transport.base_url)
