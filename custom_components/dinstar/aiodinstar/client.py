"""The Dinstar gateway client: one typed method per call of the HTTP API v1.2."""

from __future__ import annotations

from typing import Unpack

import aiohttp

from .config_calls import ConfigCalls
from .enums import AuthScheme
from .port_calls import PortCalls
from .sms_calls import SmsCalls
from .transport import ConnectionSettings, Transport


class DinstarClient(SmsCalls, PortCalls, ConfigCalls):
    """Talks to one gateway over an injected ``aiohttp.ClientSession``.

    The session carries :func:`~.transport.auth_middlewares`; Basic, HTTPS pinning and DRP
    are handled here. Every method raises a :class:`~.errors.DinstarError` subclass only: an
    answer of a shape the client cannot read is a :class:`~.errors.DinstarResponseError`.
    The calls are grouped by area in :mod:`.sms_calls`, :mod:`.port_calls` and
    :mod:`.config_calls`.
    """

    def __init__(
        self, session: aiohttp.ClientSession, host: str, **settings: Unpack[ConnectionSettings]
    ) -> None:
        """Keep the settings (see :class:`~.transport.ConnectionSettings`); nothing is sent yet."""
        self._transport = Transport(session, host, **settings)

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
